"""extends: a scenario file overrides only some fields of a base case."""

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from evfleet.case.load import load_case
from evfleet.cli import main
from evfleet.inputs import load_inputs
from evfleet.single import solve_inputs
from conftest import EXACT, TINY, merge, write_case


def write_text(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_deep_override_equals_the_merged_case(tmp_path):
    write_case(tmp_path, TINY, "base.yaml")
    variant = write_text(tmp_path / "dear-diesel.yaml", "extends: base.yaml\nname: dear-diesel\n"
                         "cities:\n  shenzhen:\n    diesel_cny_per_l: 2.0\n")
    case, _ = load_case(variant)
    # deep: the base's other shenzhen overrides (flat tariff, no demand charge) are kept
    assert case.cities["shenzhen"]["diesel_cny_per_l"] == 2.0
    assert case.cities["shenzhen"]["tariff"] == TINY["cities"]["shenzhen"]["tariff"]
    full = write_case(tmp_path, merge(TINY, {"name": "dear-diesel",
                                             "cities": {"shenzhen": {"diesel_cny_per_l": 2.0}}}),
                      "full.yaml")
    got = solve_inputs(load_inputs(variant), EXACT)[0].objective_npv_cny
    assert got == pytest.approx(solve_inputs(load_inputs(full), EXACT)[0].objective_npv_cny)


def test_lists_replace_and_chains_extend(tmp_path):
    write_case(tmp_path, TINY, "base.yaml")
    write_text(tmp_path / "mid.yaml", "extends: base.yaml\nend_year: 2026\n")
    top = write_text(tmp_path / "top.yaml", "extends: mid.yaml\nbudget_cny: 9000\n")
    case, _ = load_case(top)
    assert (case.end_year, case.budget_cny, case.depots[0].duties[0].vehicles) == (2026, 9000, 2)


def test_problems_are_located_in_the_file_that_wrote_them(tmp_path):
    base = merge(TINY, {"discount_rate": 2.0})
    base_path = write_case(tmp_path, base, "base.yaml")
    variant = write_text(tmp_path / "v.yaml", "extends: base.yaml\nbudjet_cny: 5\n")
    result = CliRunner().invoke(main, ["validate", str(variant)])
    assert result.exit_code == 2
    line = base_path.read_text().splitlines().index("discount_rate: 2.0") + 1
    assert f"{base_path}:{line}: discount_rate: expected a value < 1, got 2" in result.output
    assert f"{variant}:2: budjet_cny: unknown field (did you mean 'budget_cny'?)" in result.output


@pytest.mark.parametrize("files,expected", [
    ({"a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n"},
     "b.yaml:1: extends: a cycle of extends: a.yaml -> b.yaml -> a.yaml"),
    ({"a.yaml": "extends: nothing.yaml\nname: a\n"}, "a.yaml:1: extends: base case"),
    ({"a.yaml": "extends: 3\n"}, "a.yaml:1: extends: expected the path of a base case, got 3"),
])
def test_bad_extends(tmp_path, files, expected):
    for name, text in files.items():
        write_text(tmp_path / name, text)
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "a.yaml")])
    assert result.exit_code == 2
    assert any(expected in line for line in result.output.splitlines()), result.output


def test_run_keeps_the_merged_case(tmp_path):
    write_case(tmp_path, TINY, "base.yaml")
    variant = write_text(tmp_path / "v.yaml", "extends: base.yaml\nname: v\nbudget_cny: 9000\n")
    assert CliRunner().invoke(main, ["solve", str(variant), "--out", str(tmp_path / "run")]).exit_code == 0
    kept = YAML(typ="safe").load((tmp_path / "run" / "case.yaml").read_text())
    assert kept["budget_cny"] == 9000 and kept["depots"] == TINY["depots"] and "extends" not in kept


def test_a_year_map_replaces_the_base_map_as_a_whole(tmp_path):
    # base cap 1300 (2025), 700 (2030), 500 (2032); the variant gives 1100, 450 (2028), 250
    # (2032). Merged year by year, the base's 2030: 700 would survive and bend the variant's
    # line (2030 = 700); replaced, 2029 and 2030 lie on the variant's line from 450 (2028) to
    # 250 (2032): 450 - 50 = 400 and 350.
    write_case(tmp_path, merge(TINY, {"end_year": 2032,
                                      "carbon_cap_t": {2025: 1300, 2030: 700, 2032: 500}}),
               "base.yaml")
    variant = write_text(tmp_path / "v.yaml", "extends: base.yaml\n"
                         "carbon_cap_t: {2025: 1100, 2028: 450, 2032: 250}\n")
    case, _ = load_case(variant)
    assert case.carbon_cap_t == {2025: 1100, 2028: 450, 2032: 250}
    cap = load_inputs(variant).carbon_cap_t
    assert [cap[y] for y in (2025, 2028, 2029, 2030, 2032)] == pytest.approx(
        [1100, 450, 400, 350, 250])
