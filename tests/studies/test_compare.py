"""evfleet compare: KPI values equal each run's summary.json, differences are right, charts point
at the right ranges, and a year a run does not have stays blank."""

import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from evfleet.cli import main
from conftest import TINY, merge, write_case

FOUR_DIESELS = {"vehicles": 4, "fleet": [{"model": "d", "count": 4, "bought": 2024}]}
BASE = merge(TINY, {"end_year": 2026, "budget_cny": 8200,
                    "vehicles": {"d": {"life_years": 10, "residual_share": 1.0},
                                 "e": {"life_years": 10, "residual_share": 1.0}},
                    "chargers": {"c": {"life_years": 10}}})
BASE["depots"][0]["duties"][0].update(FOUR_DIESELS)
VARIANTS = {"base": {}, "low-budget": {"budget_cny": 4100}, "tight-cap": {"carbon_cap_t": 10},
            "short": {"end_year": 2025}}


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("compare")
    runner = CliRunner()
    for name, change in VARIANTS.items():
        case = write_case(tmp, merge(BASE, {**change, "name": name}), f"{name}.yaml")
        result = runner.invoke(main, ["solve", str(case), "--out", str(tmp / name), "--gap", "0"])
        assert result.exit_code == 0, result.output
    out = tmp / "compare.xlsx"
    result = runner.invoke(main, ["compare", *[str(tmp / n) for n in VARIANTS], "-o", str(out)])
    assert result.exit_code == 0, result.output
    return tmp, out


def summaries(tmp):
    return {n: json.loads((tmp / n / "summary.json").read_text()) for n in VARIANTS}


def test_kpis_equal_each_summary_and_differences(compared):
    tmp, out = compared
    ws = load_workbook(out)["KPIs"]
    header = [c.value for c in ws[1]]
    rows = {r[0].value: [c.value for c in r[1:]] for r in ws.iter_rows(min_row=2)}
    assert header == ["KPI", *VARIANTS, "low-budget - base", "tight-cap - base", "short - base"]
    s = summaries(tmp)
    npv = rows["net present cost [CNY]"]
    assert npv[:4] == pytest.approx([s[n]["objective_npv_cny"] for n in VARIANTS])
    assert npv[4] == pytest.approx(s["low-budget"]["objective_npv_cny"] - s["base"]["objective_npv_cny"])
    capex = rows["capital spend over the horizon [CNY]"]
    assert capex[0] == pytest.approx(sum(v["capex_cny"] for v in s["base"]["per_year"].values()))
    assert rows["solve status"][:4] == ["optimal"] * 4
    assert rows["solve status"][4] is None  # no difference of words
    # a low budget costs more; by hand (tests/formulation/test_policy.py): 7,710 - 1,880
    assert npv[4] == pytest.approx(5830, abs=1e-3)


def test_per_year_sheets_align_years_blank_when_missing_and_chart(compared):
    tmp, out = compared
    wb = load_workbook(out)
    ws = wb["capital spend"]
    assert [c.value for c in ws[1]] == ["year", *VARIANTS]
    assert [c.value for c in ws["A"]][1:] == [2025, 2026]
    assert ws["E3"].value is None  # 'short' has no 2026: blank, not 0
    assert ws["B2"].value == pytest.approx(summaries(tmp)["base"]["per_year"]["2025"]["capex_cny"])
    (chart,) = ws._charts
    assert [s.val.numRef.f for s in chart.series] == [f"'capital spend'!${c}$2:${c}$3" for c in "BCDE"]
    assert chart.series[0].cat.numRef.f == "'capital spend'!$A$2:$A$3"
    for sheet in ("emissions", "electric vehicles", "electric share", "PV"):
        assert len(wb[sheet]._charts) == 1


def test_inputs_that_differ_and_csv_twins(compared):
    tmp, out = compared
    ws = load_workbook(out)["inputs that differ"]
    rows = {r[0].value: [c.value for c in r[1:]] for r in ws.iter_rows(min_row=2)}
    assert set(rows) == {"name", "budget_cny", "carbon_cap_t", "end_year"}
    assert rows["budget_cny"] == [8200, 4100, 8200, 8200]
    assert rows["carbon_cap_t"] == [None, None, 10, None]
    twins = sorted(p.name for p in tmp.glob("compare-*.csv"))
    assert twins == ["compare-capital-spend.csv", "compare-electric-share.csv",
                     "compare-electric-vehicles.csv", "compare-emissions.csv",
                     "compare-inputs-that-differ.csv", "compare-kpis.csv", "compare-pv.csv"]


def test_compare_refuses_missing_run_and_existing_output(compared, tmp_path):
    tmp, out = compared
    runner = CliRunner()
    missing = runner.invoke(main, ["compare", str(tmp_path), "-o", str(tmp_path / "x.xlsx")])
    assert missing.exit_code == 2 and "expected a run folder holding summary.json" in missing.output
    again = runner.invoke(main, ["compare", str(tmp / "base"), "-o", str(out)])
    assert again.exit_code == 2 and "exists; nothing was written" in again.output


def test_three_case_files_to_a_workbook_in_two_commands(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    names = ["base", "low-budget", "tight-cap"]
    files = [str(write_case(tmp_path, merge(BASE, {**VARIANTS[n], "name": n}), f"{n}.yaml"))
             for n in names]
    solved = runner.invoke(main, ["solve", *files])
    assert solved.exit_code == 0, solved.output
    compared = runner.invoke(main, ["compare", *[f"runs/{n}" for n in names], "-o", "c.xlsx"])
    assert compared.exit_code == 0, compared.output
    wb = load_workbook("c.xlsx")
    assert [c.value for c in wb["KPIs"][1]][:4] == ["KPI", *names]
    assert all(len(wb[s]._charts) == 1 for s in ("capital spend", "emissions"))


def test_several_cases_one_bad_still_solves_the_others(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    good = write_case(tmp_path, merge(BASE, {"name": "good"}), "good.yaml")
    bad = write_case(tmp_path, merge(BASE, {"name": "bad", "discount_rate": 5}), "bad.yaml")
    result = runner.invoke(main, ["solve", str(bad), str(good)])
    assert result.exit_code == 2
    assert "discount_rate: expected a value < 1, got 5" in result.output
    assert "good: optimal" in result.output
    refused = runner.invoke(main, ["solve", str(good), str(bad), "--out", "x"])
    assert refused.exit_code == 2 and "--out takes one case" in refused.output


def test_year_maps_are_compared_year_by_year_where_they_take_effect():
    from types import SimpleNamespace

    from evfleet.studies.compare import input_differences
    # base: 1300 (2025) .. 700 (2030) .. 500 (2032); variant: 1100 (2025), 450 (2028), 250
    # (2032); a third run's number applies to every year. By the contract's interpolation the
    # base's 2026 is 1300 - 600/5 = 1180, the variant's 1100 - 650/3 = 883.33; the variant's
    # 2030 is 450 - 2 x 200/4 = 350; 2031 differs too (600 against 300), though neither map
    # names it.
    horizon = {"start_year": 2025, "end_year": 2032}
    runs = [SimpleNamespace(name="base", case={**horizon, "carbon_cap_t": {2025: 1300, 2030: 700,
                                                                          2032: 500}}),
            SimpleNamespace(name="v", case={**horizon, "carbon_cap_t": {2025: 1100, 2028: 450,
                                                                       2032: 250}}),
            SimpleNamespace(name="flat", case={**horizon, "carbon_cap_t": 700})]
    rows = input_differences(runs).set_index("field")
    assert rows.loc["carbon_cap_t.2026"].tolist() == pytest.approx([1180, 1100 - 650 / 3, 700])
    assert rows.loc["carbon_cap_t.2030"].tolist() == pytest.approx([700, 350, 700])
    assert rows.loc["carbon_cap_t.2031"].tolist() == pytest.approx([600, 300, 700])
    assert "carbon_cap_t.2028" in rows.index and "carbon_cap_t" not in rows.index
