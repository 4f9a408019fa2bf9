"""Property: whatever a planner does to a valid case file, evfleet answers with exit 0, 1 or 2,
one line per problem, never a traceback or an internal error."""

import copy

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from evfleet.cli import main
from conftest import TINY, merge

BASE = merge(TINY, {
    "end_year": 2026, "budget_cny": {2025: 5000, 2026: 6000}, "carbon_cap_t": 100,
    "min_ev_share_of_purchases": 0.5, "depots": [{
        **TINY["depots"][0], "roof_m2": 100, "max_storage_kwh": 50,
        "chargers": [{"model": "c", "count": 1, "installed": 2024}],
        "grid_upgrade": {"max_kw": 2000, "cost_cny_per_kw": 500},
        "duties": [{**TINY["depots"][0]["duties"][0],
                    "fleet": [{"model": "d", "count": 2, "bought": 2021}]}]}]})

junk = st.one_of(st.none(), st.booleans(), st.integers(-10**15, 10**15),
                 st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                 st.lists(st.integers(-5, 5), max_size=3),
                 st.dictionaries(st.text(max_size=6), st.integers(-5, 5), max_size=2))


def paths(node, prefix=()):
    """Every path to a mapping key or list item of the document."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield (*prefix, k)
            yield from paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield (*prefix, i)
            yield from paths(v, (*prefix, i))


ALL_PATHS = list(paths(BASE))


@st.composite
def mutated(draw):
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent = data
        try:
            for p in path[:-1]:
                parent = parent[p]
            op = draw(st.sampled_from(["delete", "replace", "add"]))
            if op == "delete":
                del parent[path[-1]]
            elif op == "replace":
                parent[path[-1]] = draw(junk)
            elif isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=8))] = draw(junk)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this part
    return data


def dump(data) -> str:
    import io

    buf = io.StringIO()
    YAML().dump(data, buf)
    return buf.getvalue()


def answer(tmp_path, text: str):
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["solve", str(path), "--out", str(tmp_path / "out"), "--force"])
    assert isinstance(result.exception, SystemExit) or result.exception is None, repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result


SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SETTINGS
@given(data=mutated())
def test_mutated_case_never_crashes(tmp_path, data):
    answer(tmp_path, dump(data))


@SETTINGS
@given(cut=st.integers(0, len(dump(BASE))))
def test_truncated_case_never_crashes(tmp_path, cut):
    answer(tmp_path, dump(BASE)[:cut])


def test_base_case_is_valid(tmp_path):
    assert answer(tmp_path, dump(BASE)).exit_code == 0
