"""Property: whatever a planner does to a valid case file or study file, evfleet answers with
exit 0, 1 or 2, one line per problem, never a traceback or an internal error: mutated fields,
truncated files, YAML structure spliced in (aliases, merge keys, tags, nesting, long strings,
odd unicode, stray indicators) and mutated study files."""

import copy
import os

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
def mutated_from(draw, base: dict, all_paths: list, values, keys):
    """`base` with 1-3 parts deleted, replaced by a drawn value or given a drawn key."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(all_paths))
        parent = data
        try:
            for p in path[:-1]:
                parent = parent[p]
            op = draw(st.sampled_from(["delete", "replace", "add"]))
            if op == "delete":
                del parent[path[-1]]
            elif op == "replace":
                parent[path[-1]] = draw(values)
            elif isinstance(parent, dict):
                parent[draw(keys)] = draw(junk)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this part
    return data


def mutated():
    return mutated_from(BASE, ALL_PATHS, junk, st.text(min_size=1, max_size=8))


def dump(data) -> str:
    import io

    buf = io.StringIO()
    YAML().dump(data, buf)
    return buf.getvalue()


def answer(tmp_path, text: str | bytes, name="case.yaml", argv=None):
    """Run `argv(path)` (default: solve the file) on `text` written to tmp_path/name."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    argv = argv or (lambda p: ["solve", p, "--out", tmp_path / "out", "--force"])
    args = argv(path)
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert isinstance(result.exception, SystemExit) or result.exception is None, repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    assert "Warning" not in result.output, result.output  # a library's warning is no answer
    return result


SETTINGS = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)), deadline=None,
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


# --- YAML structure ------------------------------------------------------------------------------

FRAGMENTS = ["{", "}", "[", "]", ": ", "- ", "? ", "&a ", "*a", "*nowhere", "<<: *a\n", "!tag ",
             "!!python/object:os.system ", "!!binary ", "'", '"', "|", ">", "\t", "---\n", "...\n",
             "%YAML 1.1\n", "#", "\x00", "\u202e", "\ufeff", "\u200b", "\U0001f69a", "ﬃ",
             "[" * 500, "{a: " * 100, "x" * 200_000, "9" * 5000, "0x1F", "1_000", ".inf", "-.nan",
             "~", "null", "yes", "2025-01-01", "1e400", "&a [*a]"]


@st.composite
def spliced(draw):
    """The base case's text with 1-4 fragments of YAML structure inserted at random places."""
    text = dump(BASE)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(FRAGMENTS)) + text[at:]
    return text


@SETTINGS
@given(text=spliced())
def test_yaml_structure_spliced_in_never_crashes(tmp_path, text):
    answer(tmp_path, text)


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 60)), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(noise=st.binary(min_size=1, max_size=40), at=st.integers(0, 2000))
def test_bytes_spliced_in_never_crash(tmp_path, noise, at):
    raw = dump(BASE).encode()
    answer(tmp_path, raw[:at] + noise + raw[at:])


# --- study files ---------------------------------------------------------------------------------

STUDY = {"design": "oat", "parameters": {"budget_cny": {"values": [4000, 6000]},
                                          "cities.shenzhen.diesel_cny_per_l": {"scale": [0.9]}}}
STUDY_PATHS = list(paths(STUDY))
study_junk = st.one_of(junk, st.sampled_from(["grid", "lhs", "scenarios", "frontier", "oat",
                                              "budget_cny", "depots.dep.roof_m2", "carbon_cap_t.2026",
                                              "vehicles.e.price_cny", "../x", "base"]))


def mutated_study():
    return mutated_from(STUDY, STUDY_PATHS, study_junk,
                        study_junk.filter(lambda k: isinstance(k, (str, int))))


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 60)), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=mutated_study())
def test_mutated_study_never_crashes(tmp_path, data):
    case = tmp_path / "base.yaml"
    case.write_text(dump(BASE), encoding="utf-8")
    answer(tmp_path, dump(data), "study.yaml",
           lambda study: ["sweep", case, study, "-o", tmp_path / "sweep", "--workers", 1, "--force",
                          "--time-limit", 5])
