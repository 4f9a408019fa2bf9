"""The command line: bad input gives one line per problem and exit 2; no plan gives exit 1;
outputs are complete and never overwrite another case's run."""

import json

import pytest
from click.testing import CliRunner

from evfleet.cli import main
from conftest import TINY, merge, write_case


def run(*args):
    result = CliRunner().invoke(main, list(map(str, args)))
    assert "Traceback" not in result.output
    return result


BAD = [
    # (description, change to TINY, expected line suffix after "file:line: ")
    ("unknown top-level key", {"budjet_cny": 5}, "budjet_cny: unknown field (did you mean 'budget_cny'?)"),
    ("negative cap", {"carbon_cap_t": {2025: -900}}, "carbon_cap_t.2025: expected a value >= 0, got -900"),
    ("NaN discount", {"discount_rate": float("nan")}, "discount_rate: expected a finite number, got NaN"),
    ("end before start", {"end_year": 2020}, "end_year: expected a year >= start_year 2025, got 2020"),
    ("horizon too long", {"end_year": 2070}, "end_year: expected a horizon of at most 40 years, got 46"),
    ("share above one", {"min_ev_share_of_purchases": 1.5},
     "min_ev_share_of_purchases: expected a value <= 1, got 1.5"),
    ("unknown city", {"city": "wuhan"}, "city: unknown city 'wuhan'; expected one of beijing, changchun, "
     "chengdu, chongqing, haikou, jinan, liuzhou, ningbo, ordos, shenzhen, shijiazhuang, tangshan, "
     "xiamen, yinchuan, zhengzhou"),
    ("string for number", {"budget_cny": "lots"}, "budget_cny: expected a number, got 'lots'"),
    ("map year beyond any plan", {"budget_cny": {2200: 5}}, "budget_cny.2200: expected a value <= 2100, got 2200"),
    ("charger vehicles_per_charger below one", {"chargers": {"c": {"vehicles_per_charger": 0.5}}},
     "chargers.c.vehicles_per_charger: expected a value >= 1, got 0.5"),
    ("new vehicle missing a field", {"vehicles": {"x": {"vehicle_class": "test-van", "energy": "diesel"}}},
     "vehicles.x.price_cny: required field is missing"),
]


BAD += [
    ("absurd magnitude", {"budget_cny": 1e15}, "budget_cny: expected a value <= 1e+12, got 1e+15"),
    ("infinite number", {"carbon_price_cny_per_t": float("inf")},
     "carbon_price_cny_per_t: expected a finite number, got inf"),
    ("missing catalog folder", {"catalog": "no-such-folder"},
     "catalog: expected a catalog folder, '{folder}/no-such-folder' does not exist"),
    ("unknown charger in catalog override", {"chargers": {"c": {"power": 7}}},
     "chargers.c.power: unknown field (did you mean 'power_kw'?)"),
]


@pytest.mark.parametrize("what,change,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_input_one_line_exit_2(tmp_path, what, change, expected):
    path = write_case(tmp_path, merge(TINY, change))
    expected = expected.replace("{folder}", str(tmp_path))
    result = run("solve", path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert any(line.startswith(f"{path}:") and line.endswith(expected) for line in lines), lines
    assert lines[-1].endswith("nothing was solved.")
    assert not (tmp_path / "out").exists()


def _depot_change(tmp_path, **duty_change):
    data = merge(TINY, {})
    data["depots"][0]["duties"][0].update(duty_change)
    return write_case(tmp_path, data)


def test_unknown_fleet_model_with_suggestion(tmp_path):
    path = _depot_change(tmp_path, fleet=[{"model": "dd", "count": 1, "bought": 2020}])
    result = run("validate", path)
    assert result.exit_code == 2
    assert "depots[0].duties[0].fleet[0].model: unknown vehicle model 'dd' (did you mean 'd'?)" in result.output


def _validate_problem(tmp_path, data) -> str:
    result = run("validate", write_case(tmp_path, data))
    assert result.exit_code == 2
    return result.output


def test_duplicate_depot_and_duty_ids(tmp_path):
    data = merge(TINY, {})
    depot = data["depots"][0]
    depot["duties"].append(dict(depot["duties"][0]))
    data["depots"].append(dict(depot, duties=[dict(depot["duties"][0])]))
    out = _validate_problem(tmp_path, data)
    assert "depots[0].duties[1].name: duplicate duty name 'run' in depot 'dep'" in out
    assert "depots[1].id: duplicate depot id 'dep'" in out


def test_misspelt_vehicle_classes_of_chargers_and_public_charging(tmp_path):
    data = merge(TINY, {"chargers": {"c": {"classes": ["test-vna"]}},
                        "public_charging": {"classes": ["test-van", "lorry"]}})
    out = _validate_problem(tmp_path, data)
    assert "chargers.c.classes[0]: unknown vehicle class 'test-vna' (did you mean 'test-van'?)" in out
    assert "public_charging.classes[1]: unknown vehicle class 'lorry'" in out


def test_unknown_charger_model_and_duty_class(tmp_path):
    data = merge(TINY, {})
    data["depots"][0]["chargers"] = [{"model": "ac-7kv", "count": 1, "installed": 2024}]
    data["depots"][0]["duties"][0]["vehicle_class"] = "lorry"
    out = _validate_problem(tmp_path, data)
    assert "depots[0].chargers[0].model: unknown charger model 'ac-7kv' (did you mean 'ac-7kw'?)" in out
    assert "depots[0].duties[0].vehicle_class: unknown vehicle class 'lorry'; expected one of" in out


def test_every_problem_in_one_round_when_the_schema_fails_in_one_depot(tmp_path):
    # depot 0 fails the schema (a negative roof); depot 1 and the case are still checked: the
    # misspelt city, model and class all come in the same run, located in the file as written
    data = merge(TINY, {"city": "shenzen"})
    second = merge(TINY["depots"][0], {"id": "dep2"})
    second["duties"][0] = {**second["duties"][0], "vehicle_class": "test-vna",
                           "fleet": [{"model": "dd", "count": 1, "bought": 2024}]}
    data["depots"] = [merge(TINY["depots"][0], {"roof_m2": -5}), second]
    path = write_case(tmp_path, data)
    result = run("validate", path)
    assert result.exit_code == 2
    out = result.output
    assert "city: unknown city 'shenzen' (did you mean 'shenzhen'?)" in out
    assert "depots[0].roof_m2: expected a value >= 0, got -5" in out
    assert ("depots[1].duties[0].vehicle_class: unknown vehicle class 'test-vna' (did you mean "
            "'test-van'?)") in out
    text = path.read_text().splitlines()
    line = next(i for i, t in enumerate(text, 1) if "test-vna" in t)
    assert f"{path}:{line}: depots[1].duties[0].vehicle_class" in out
    assert out.splitlines()[-1].startswith("3 problems in ")


def test_the_overrides_are_checked_when_the_schema_refuses_the_only_depot(tmp_path):
    # one depot, refused by the schema (an unknown PV mode): the city override's later tariff
    # without a flat price is still reported in the same run
    data = merge(TINY, {"cities": {"shenzhen": {"tariff_changes": {
        2027: {"prices_cny_per_kwh": {"peak": 1.0}}}}}})
    data["depots"][0]["pv_mode"] = "export_all"
    result = run("validate", write_case(tmp_path, data))
    assert result.exit_code == 2
    assert "depots[0].pv_mode: expected one of 'surplus_export' or 'self_use'" in result.output
    assert ("cities.shenzhen.tariff_changes.2027: prices_cny_per_kwh needs a 'flat' price"
            in result.output)
    assert result.output.splitlines()[-1].startswith("2 problems in ")


def test_fleet_bought_after_start(tmp_path):
    path = _depot_change(tmp_path, fleet=[{"model": "d", "count": 1, "bought": 2026}])
    result = run("validate", path)
    assert result.exit_code == 2
    assert "fleet[0].bought: expected a year <= start_year 2025, got 2026" in result.output


def test_a_top_up_window_past_midnight_is_one_line(tmp_path):
    data = merge(TINY, {})
    data["depots"][0]["duties"][0]["top_up"] = {"start_hour": 20, "hours": 6}
    path = write_case(tmp_path, data)
    result = run("validate", path)
    assert result.exit_code == 2
    assert result.output.splitlines()[0].endswith(
        "depots[0].duties[0].top_up.hours: expected a window ending by midnight, at most 4 h "
        "from start_hour 20, got 6")


def test_all_problems_reported_at_once(tmp_path):
    path = write_case(tmp_path, merge(TINY, {"budjet": 1, "discount_rate": -1, "city": "x"}))
    result = run("validate", path)
    assert result.exit_code == 2
    assert result.output.count(str(path)) >= 2  # schema problems first, all of them together


@pytest.mark.parametrize("content,expected", [
    ("", "the case file is empty"),
    ("name: [unclosed\n", "YAML syntax error"),
    ("- a\n- b\n", "expected a mapping of fields, got list"),
])
def test_unreadable_files(tmp_path, content, expected):
    path = tmp_path / "case.yaml"
    path.write_text(content, encoding="utf-8")
    result = run("solve", path)
    assert result.exit_code == 2 and expected in result.output


def test_missing_file_and_directory(tmp_path):
    assert "case file not found" in run("solve", tmp_path / "nope.yaml").output
    result = run("solve", tmp_path)
    assert result.exit_code == 2 and "expected a case file, got a directory" in result.output


def test_wrong_encoding(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_bytes("name: tiny\ncity: 深圳\n".encode("gb18030"))
    result = run("solve", path)
    assert result.exit_code == 2 and f"{path}:2: expected UTF-8 text" in result.output


def test_budget_below_unavoidable_purchases_is_no_plan_with_the_amount_missing(tmp_path):
    # Two vans must be bought in 2025 (none owned); the cheapest costs 1,000 CNY: 2,000 needed
    # against 500, 1,500 short. A valid case with no plan: exit 1, never "bad input"; the run
    # folder says so and lists the excluded pairs (none here).
    path = write_case(tmp_path, merge(TINY, {"budget_cny": 500}))
    out = tmp_path / "out"
    result = run("solve", path, "--out", out)
    assert result.exit_code == 1
    line = path.read_text().splitlines().index("budget_cny: 500") + 1
    expected = (f"{path}:{line}: budget_cny: the budget cannot pay for the vehicles that must be "
                "bought to replace those at end of life and meet growth, at the cheapest usable "
                "model's price (budgets summed from 2025): by 2025 2,000 CNY needed, 500 given, "
                "1,500 short")
    assert "no plan: infeasible" in result.output and expected in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "infeasible" and summary["conflicts"] == [expected]
    assert (out / "excluded.csv").read_text() == "depot,duty,model,reason\n"
    checked = run("validate", path)
    assert checked.exit_code == 1 and "valid" in checked.output and expected in checked.output


# The only electric van lacks the range (a 10 kWh pack: 45 km < 100 km). With an electric-only
# rule the vans cannot be bought; under a 10 t cap (the Chengdu trial) both run on diesel:
# 2 x 100 km x 365 d x 10 l/100 km x 2.68 kg/l = 19.56 t > 10 t. Both are proven before a solve,
# the excluded model named first, then the rule that leaves no plan.
@pytest.mark.parametrize("change, cause", [
    ({"min_ev_share_of_purchases": 1.0}, "depots[0].duties[0].daily_km: vehicles must be bought "
     "in 2025 and min_ev_share_of_purchases 1 allows only electric ones, but none covers 100 km"),
    ({"carbon_cap_t": 10}, ": carbon_cap_t: the duties only fuel vehicles can serve (dep/run) "
     "emit more than the cap whatever the plan: 2025 at least 20 t, cap 10 t"),
])
def test_a_duty_without_electric_model_is_no_plan_naming_the_excluded_model_first(tmp_path,
                                                                                    change, cause):
    path = write_case(tmp_path, merge(TINY, {**change, "vehicles": {"e": {"battery_kwh": 10}}}))
    result = run("solve", path, "--out", tmp_path / "out")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1] == ("dep/run: no electric model can serve this duty (e: range 45 km < "
                        "daily_km 100 km), so only fuel vehicles can")
    assert lines[2].endswith(cause)
    excluded = (tmp_path / "out" / "excluded.csv").read_text().splitlines()
    assert excluded == ["depot,duty,model,reason", "dep,run,e,range 45 km < daily_km 100 km"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert not summary.get("solve_seconds")  # no model was solved


def test_infeasible_names_every_target_in_conflict_with_amounts(tmp_path):
    # A 0 t cap forces two electric vans and a charger: 4,100 CNY against a budget of 3,000.
    # Relaxed alone: the budget needs 1,100 CNY more; the cap 2 x 9.782 = 19.56 t more (two
    # diesels fit the budget; an electric van and a diesel cost 3,100); or one van goes missing.
    path = write_case(tmp_path, merge(TINY, {"budget_cny": 3000, "carbon_cap_t": 0}))
    result = run("solve", path, "--out", tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert "constraints in conflict: budget, carbon cap, duty need;" in result.output
    assert "  budget 2025: needs a budget 1,100 CNY higher" in result.output
    assert "carbon cap 2025: needs a cap 19.6 t CO2 higher" in result.output
    assert "  duty need 2025 at dep/run: vehicles short by 1.0 vehicles" in result.output
    assert ("HiGHS irreducible infeasible subset: " in result.output
            and all(r in result.output for r in ("budget[2025]", "carbon_cap[2025]",
                                                  "need_met[dep,run,2025]")))
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["status"] == "infeasible"


def test_infeasible_grid_names_only_the_grid(tmp_path):
    # The depot's building load shape peaks at 1.3 x its mean (catalog/profiles.py, mean exactly 1):
    # 1,300 kW against a 1,000 kW connection. Charging can move to other hours; nothing else helps.
    data = merge(TINY, {})
    data["depots"][0]["building_load_kw"] = 1000
    result = run("solve", write_case(tmp_path, data), "--out", tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert "constraints in conflict: grid;" in result.output
    assert "  grid 2025 at dep: needs 300.0 kW more grid connection" in result.output


def test_solve_writes_every_output_and_refuses_other_cases_folder(tmp_path):
    path = write_case(tmp_path, TINY)
    out = tmp_path / "out"
    result = run("solve", path, "--out", out)
    assert result.exit_code == 0, result.output
    expected = {"summary.json", "fleet.csv", "purchases.csv", "retirements.csv", "chargers.csv",
                "charging.csv", "solar.csv", "storage.csv", "grid.csv", "energy.csv", "costs.csv", "emissions.csv",
                "compliance.csv", "excluded.csv", "plan.xlsx"}
    assert expected <= {p.name for p in out.iterdir()}
    summary = json.loads((out / "summary.json").read_text())
    for key in ("case", "status", "objective_npv_cny", "mip_gap", "build_seconds", "solve_seconds",
                "per_year", "baseline"):
        assert key in summary
    assert set(summary["per_year"]["2025"]) == {"capex_cny", "opex_cny", "emissions_t", "ev_count",
                                                "ice_count", "ev_share", "chargers", "pv_kw",
                                                "storage_kwh", "depot_charged_kwh", "public_kwh",
                                                "swap_kwh"}
    other = write_case(tmp_path, merge(TINY, {"name": "other"}), "other.yaml")
    refused = run("solve", other, "--out", out)
    assert refused.exit_code == 2 and "holds a run of case 'tiny'" in refused.output
    assert json.loads((out / "summary.json").read_text())["case"] == "tiny"
    assert run("solve", other, "--out", out, "--force").exit_code == 0


def test_same_case_gives_identical_csv(tmp_path):
    path = write_case(tmp_path, TINY)
    run("solve", path, "--out", tmp_path / "a")
    run("solve", path, "--out", tmp_path / "b")
    for csv in (tmp_path / "a").glob("*.csv"):
        assert csv.read_bytes() == (tmp_path / "b" / csv.name).read_bytes()


def test_cities_lists_fifteen():
    result = run("cities")
    assert result.exit_code == 0
    rows = result.output.strip().splitlines()[1:-1]  # between the header and the hint
    assert [r.split()[0] for r in rows] == ["beijing", "shenzhen", "chongqing", "chengdu",
                                           "zhengzhou", "ningbo", "xiamen", "jinan", "shijiazhuang",
                                           "tangshan", "liuzhou", "haikou", "changchun", "yinchuan",
                                           "ordos"]


def test_cities_show_the_temperatures_that_change_energy_and_range():
    # Changchun's January and July means and January mean minimum as new-features §A.1-A.2 give
    # them (-14.7, 23.7, -19.8 °C); Shenzhen has no January minimum (no cold-soaked start)
    rows = {r.split()[0]: r.split() for r in run("cities").output.splitlines()[1:-1]}
    assert rows["changchun"][-3:] == ["-14.7", "23.7", "-19.8"]
    assert rows["shenzhen"][-3:] == ["15.7", "29.2", "-"]
    text = run("cities", "shenzhen").output
    assert ("  jan_min_c                       not set (January's first trip starts at the "
            "month's mean temperature)") in text.splitlines()


@pytest.mark.parametrize("option, value", [("--gap", "nan"), ("--time-limit", "inf"),
                                           ("--time-limit", "nan")])
def test_a_number_that_is_not_finite_is_refused(tmp_path, option, value):
    case = write_case(tmp_path, TINY)
    result = CliRunner().invoke(main, ["solve", str(case), option, value, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "expected a finite number" in result.output
    assert not (tmp_path / "o").exists()


def test_bare_evfleet_shows_its_commands():
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0
    assert all(name in result.output for name in ("solve", "sweep", "compare", "report", "validate"))


def test_an_output_path_that_cannot_be_written_is_one_line_before_any_work(tmp_path):
    # a file where a folder should be (root ignores permissions, so this is the portable case)
    (tmp_path / "afile").write_text("")
    case = write_case(tmp_path, TINY)
    solved = tmp_path / "run"
    assert run("solve", case, "--out", solved).exit_code == 0
    for args, out in [(("new", "x", "--city", "shenzhen", "-o"), "x.yaml"),
                      (("export-case", case, "-o"), "x.xlsx"),
                      (("cities", "shenzhen", "--plot"), "x.png"),
                      (("compare", solved, "-o"), "x.xlsx")]:
        target = tmp_path / "afile" / out
        result = run(*args, target)
        assert result.exit_code == 2, (args, result.output)
        assert result.output.startswith(f"{target}: cannot write this file: "
                                        f"{tmp_path / 'afile'} is a file, not a folder")
        assert "Traceback" not in result.output


def test_new_refuses_an_end_before_the_start(tmp_path):
    out = tmp_path / "x.yaml"
    result = run("new", "x", "--city", "shenzhen", "--start-year", "2030", "--end-year", "2025",
                 "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert "--end-year 2025: expected a year >= --start-year 2030" in result.output


@pytest.mark.parametrize("written", ["Shenzhen", "SHENZHEN", "深圳"])
def test_a_city_may_be_written_by_its_name_in_any_case_or_in_chinese(tmp_path, written):
    from evfleet.inputs import load_inputs

    base = load_inputs(write_case(tmp_path, TINY, "key.yaml"))
    case = merge(TINY, {"city": written})
    case["cities"] = {"shenzhen": TINY["cities"]["shenzhen"]}
    inp = load_inputs(write_case(tmp_path, case))
    assert inp.depot_city == {"dep": "shenzhen"} and inp.price_cny_per_kwh == base.price_cny_per_kwh


def test_a_misspelt_city_gets_a_suggestion(tmp_path):
    result = run("validate", write_case(tmp_path, merge(TINY, {"city": "shenzen"})))
    assert result.exit_code == 2
    assert "city: unknown city 'shenzen' (did you mean 'shenzhen'?)" in result.output


def test_a_year_map_may_name_years_outside_the_horizon(tmp_path):
    # {2024: 200,000, 2030: 100,000} over 2025-2026: 100,000 / 6 a year less from 2024, so
    # 183,333.33 in 2025 and 166,666.67 in 2026
    from evfleet.inputs import load_inputs

    case = merge(TINY, {"end_year": 2026, "budget_cny": {2024: 2.0e5, 2030: 1.0e5}})
    inp = load_inputs(write_case(tmp_path, case))
    assert inp.budget_cny == pytest.approx({2025: 2.0e5 - 1.0e5 / 6, 2026: 2.0e5 - 2.0e5 / 6})
    typo = run("validate", write_case(tmp_path, merge(TINY, {"budget_cny": {20250: 1.0}}), "t.yaml"))
    assert typo.exit_code == 2 and "budget_cny.20250: expected a value <= 2100, got 20250" \
        in typo.output


def test_a_subsidy_above_the_price_is_refused_not_clipped(tmp_path):
    path = write_case(tmp_path, merge(TINY, {"vehicles": {"e": {"subsidy_cny": 5000}}}))
    result = run("validate", path)
    assert result.exit_code == 2
    line = path.read_text().splitlines().index("    subsidy_cny: 5000") + 1
    assert (f"{path}:{line}: vehicles.e.subsidy_cny: expected a subsidy of at most the price "
            "(2,000 CNY in 2025), got 5,000") in result.output
