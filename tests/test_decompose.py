"""evfleet solve --decompose city on a two-city network whose optimum is worked out by hand.

Each city has the tiny case's depot (two vans; diesel 1 CNY/l): per city, all electric costs
5,560 CNY (capex 4,100), one of each 7,480 (capex 3,100), all diesel 9,300 (capex 2,000).
A shared budget of 7,200 CNY: the best network plan electrifies one city fully and the other
half (4,100 + 3,100): 5,560 + 7,480 = 13,040 CNY. LP-and-fix finds it for the network; each
city re-solved within its part (4,100 and 3,100 of budget) finds the same, and nothing is left
unused to improve with.
LP relaxation: replacing a diesel van by an electric one saves 4,650 - 2,780 = 1,870 CNY for
1,050 CNY more capex (half a charger each); all-diesel capex is 4,000, so 3,200 / 1,050 vans
switch: 4 x 4,650 - 1,870 x 3,200 / 1,050 = 12,900.95 CNY, the bound.
"""

import copy
import json

import pytest
from click.testing import CliRunner

from evfleet.cli import main
from conftest import TINY, merge, write_case

FLAT = {"tariff": {"prices_cny_per_kwh": {"flat": 0.1}, "schedule": []},
        "demand_charge_cny_per_kw_month": 0, "feed_in_cny_per_kwh": 0, "grid_tco2_per_mwh": 0,
        "diesel_cny_per_l": 1.0}


def twin(budget=None):
    net = merge(TINY, {"name": "twin", "cities": {"beijing": FLAT}})
    if budget is not None:
        net["budget_cny"] = budget
    second = copy.deepcopy(net["depots"][0])
    second.update({"id": "dep2", "city": "beijing"})
    net["depots"].append(second)
    return net


def solve(tmp_path, data, *extra):
    case = write_case(tmp_path, data, "twin.yaml")
    out = tmp_path / ("dec" if extra else "whole")
    result = CliRunner().invoke(main, ["solve", str(case), "-o", str(out), "--gap", "0", *extra])
    assert result.exit_code == 0, result.output
    return json.loads((out / "summary.json").read_text()), out


def test_shared_budget_plan_bound_and_improvement(tmp_path):
    whole, _ = solve(tmp_path, twin(7200))
    assert whole["objective_npv_cny"] == pytest.approx(13040)
    got, out = solve(tmp_path, twin(7200), "--decompose", "city", "--workers", "1")
    assert got["objective_npv_cny"] == pytest.approx(13040)
    assert got["bound_npv_cny"] == pytest.approx(4 * 4650 - 1870 * 3200 / 1050)
    assert got["mip_gap"] == pytest.approx((13040 - got["bound_npv_cny"]) / 13040)
    assert got["status"] == "time_limit"  # a plan, not proven optimal
    dec = got["decomposition"]
    assert dec["bound"] == "the network's LP relaxation"
    assert dec["improvements"] == []
    shares = sorted(c["budget_cny"]["2025"] for c in dec["cities"].values())
    assert shares == pytest.approx([3100, 4100])  # together within the 7,200 budget
    # the written tables are the network's: four vans bought, three electric
    buys = (out / "purchases.csv").read_text().splitlines()[1:]
    assert sorted((r.split(",")[0], r.split(",")[2], r.split(",")[4]) for r in buys) == [
        ("dep", "e", "2"), ("dep2", "d", "1"), ("dep2", "e", "1")] or sorted(
        (r.split(",")[0], r.split(",")[2], r.split(",")[4]) for r in buys) == [
        ("dep", "d", "1"), ("dep", "e", "1"), ("dep2", "e", "2")]
    assert got["per_year"]["2025"]["capex_cny"] == pytest.approx(7200)
    assert got["baseline"]["objective_npv_cny"] == pytest.approx(whole["baseline"]["objective_npv_cny"])


def test_without_shared_targets_the_city_plans_are_the_optimum(tmp_path):
    got, _ = solve(tmp_path, twin(), "--decompose", "city", "--workers", "1")
    assert got["objective_npv_cny"] == pytest.approx(2 * 5560)
    assert got["bound_npv_cny"] == pytest.approx(2 * 5560)
    assert got["mip_gap"] == pytest.approx(0, abs=1e-9)
    assert got["status"] == "optimal"
