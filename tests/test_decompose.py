"""evfleet solve --decompose depot on a two-depot network whose optimum is worked out by hand.

Each depot is the tiny case's (two vans; diesel 1 CNY/l): all electric costs 5,560 CNY (capex
4,100), one of each 7,480 (capex 3,100), all diesel 9,300 (capex 2,000). A shared budget of
7,200 CNY: the best network plan electrifies one depot fully and the other half (4,100 + 3,100):
5,560 + 7,480 = 13,040 CNY.

Lagrangian bound: priced at lambda CNY per CNY of capex, a depot's best plan is all electric
(5,560 + 4,100 lambda) or all diesel (9,300 + 2,000 lambda), equal at lambda = 3,740 / 2,100 =
1.78095; "one of each" (7,480 + 3,100 lambda) is never cheaper. L(lambda) = 2 (9,300 + 2,000
lambda) - 7,200 lambda = 12,900.95 CNY there, the best bound (the LP relaxation's too: a
fractional van is the same mix). At that price all electric and all diesel tie for each depot:
with both diesel (18,600, capex 4,000) the 3,200 of budget left lets a depot go all electric
(14,860, capex 6,100), and the 1,100 then left lets the other buy one electric van (7,480):
13,040, the optimum.
"""

import copy
import json
import logging

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from evfleet.cli import main
from evfleet.decompose import _shares
from evfleet.decompose.block import Column
from evfleet.decompose.master import Master
from conftest import TINY, merge, write_case

FLAT = {"tariff": {"prices_cny_per_kwh": {"flat": 0.1}, "schedule": []},
        "demand_charge_cny_per_kw_month": 0, "feed_in_cny_per_kwh": 0, "pv_export_market_cny_per_kwh": 0,
        "grid_tco2_per_mwh": 0,
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


def test_shared_budget_plan_bound_and_improvement(tmp_path, caplog, request):
    whole, _ = solve(tmp_path, twin(7200))
    assert whole["objective_npv_cny"] == pytest.approx(13040)
    progress = logging.getLogger("evfleet.decompose")  # --progress turns its INFO lines on
    request.addfinalizer(lambda: progress.setLevel(logging.NOTSET))
    got, out = solve(tmp_path, twin(7200), "--decompose", "depot", "--workers", "1", "--progress")
    assert got["objective_npv_cny"] == pytest.approx(13040)
    assert got["bound_npv_cny"] == pytest.approx(2 * 9300 + (4000 - 7200) * 3740 / 2100)
    assert got["mip_gap"] == pytest.approx((13040 - got["bound_npv_cny"]) / 13040)
    assert got["status"] == "time_limit"  # a plan, not proven optimal
    dec = got["decomposition"]
    assert dec["bound"].startswith("Lagrangian")
    assert dec["prices"]["budget 2025"]["value"] == pytest.approx(3740 / 2100, rel=1e-6)
    steps = [r["step"].split(";")[0] for r in dec["rounds"]]
    assert steps[0] == "alone" and "plans (MIP)" in steps
    reported = [r.getMessage() for r in caplog.records if r.name == "evfleet.decompose"]
    assert len(reported) == len(dec["rounds"])  # --progress: one line per round, as it ends
    assert reported[0].startswith("decompose: alone")
    chosen = [r["npv_cny"] for r in dec["rounds"] if r["step"].startswith(("choose", "improve"))]
    assert chosen[0] in (pytest.approx(18600), pytest.approx(14860))  # which tie HiGHS takes
    assert chosen[-1] == pytest.approx(13040)
    assert chosen == sorted(chosen, reverse=True)  # each round keeps the better plan
    # the written tables are the network's: four vans bought, three electric
    buys = (out / "purchases.csv").read_text().splitlines()[1:]
    assert sorted((r.split(",")[0], r.split(",")[2], r.split(",")[4]) for r in buys) == [
        ("dep", "e", "2"), ("dep2", "d", "1"), ("dep2", "e", "1")] or sorted(
        (r.split(",")[0], r.split(",")[2], r.split(",")[4]) for r in buys) == [
        ("dep", "d", "1"), ("dep", "e", "1"), ("dep2", "e", "2")]
    assert got["per_year"]["2025"]["capex_cny"] == pytest.approx(7200)
    assert got["baseline"]["objective_npv_cny"] == pytest.approx(whole["baseline"]["objective_npv_cny"])


def test_without_shared_targets_the_city_plans_are_the_optimum(tmp_path):
    got, _ = solve(tmp_path, twin(), "--decompose", "depot", "--workers", "1")
    assert got["objective_npv_cny"] == pytest.approx(2 * 5560)
    assert got["bound_npv_cny"] == pytest.approx(2 * 5560)
    assert got["mip_gap"] == pytest.approx(0, abs=1e-9)
    assert got["status"] == "optimal"


def test_processes_and_a_dask_cluster_give_the_hand_worked_plan(tmp_path):
    """Depots stay in the worker that built them (submit_to): two local processes and a Dask
    cluster of two workers find the same plan as one process."""
    distributed = pytest.importorskip("distributed")
    local, _ = solve(tmp_path, twin(7200), "--decompose", "depot", "--workers", "2")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        remote, _ = solve(tmp_path, twin(7200), "--decompose", "depot",
                          "--scheduler", cluster.scheduler_address)
    for got in (local, remote):
        assert got["objective_npv_cny"] == pytest.approx(13040)
        assert got["bound_npv_cny"] == pytest.approx(2 * 9300 + (4000 - 7200) * 3740 / 2100)


def three_depots(**targets):
    """Three tiny depots of 2, 3 and 4 vans (the tiny case's vans; 1 CNY/l diesel)."""
    net = twin()
    net["name"] = "three"
    third = copy.deepcopy(net["depots"][0])
    third.update({"id": "dep3"})
    net["depots"].append(third)
    for depot, vans in zip(net["depots"], (2, 3, 4)):
        depot["duties"][0]["vehicles"] = vans
    net.update(targets)
    return net


@pytest.mark.parametrize("targets", [
    {"carbon_cap_t": 40.0},  # 9 diesel vans emit 88.0 t: the cap leaves 4 of them at most
    {"budget_cny": 14000.0, "carbon_cap_t": 60.0},
    {"budget_cny": 15000.0, "min_ev_share_of_purchases": 0.5},
])
def test_bound_below_the_network_optimum_below_the_plan(tmp_path, targets):
    """Whatever the coupling rows, the Lagrangian bound is at most the whole network's optimum
    (solved as one model) and the decomposed plan at least it, and meets every target."""
    data = three_depots(**targets)
    whole, _ = solve(tmp_path, data)
    got, _ = solve(tmp_path, data, "--decompose", "depot", "--workers", "1")
    optimum = whole["objective_npv_cny"]
    assert got["bound_npv_cny"] <= optimum * (1 + 1e-9)
    assert got["objective_npv_cny"] >= optimum * (1 - 1e-9)
    for y, row in got["per_year"].items():
        if "budget_cny" in targets:
            assert row["capex_cny"] <= targets["budget_cny"] * (1 + 1e-9)
        if "carbon_cap_t" in targets:
            assert row["emissions_t"] <= targets["carbon_cap_t"] * (1 + 1e-9)


def test_shares_spread_what_the_lp_leaves_unused():
    """A budget of 15 CNY and an electric-share row with 2 vehicles to spare: the master LP
    takes each depot's cheapest plan (capex 4 + 3 + 5 = 12 CNY; electric-share terms -1, 0,
    -1); the 3 CNY and 2 vehicles left go to the depots in proportion to their use of the row
    (4:3:5 and 1:0:1), so the shares sum to the limits."""
    plans = {"a": [(4, -1, 10), (2, 0, 13)], "b": [(3, 0, 8), (1, 1, 12)],
             "c": [(5, -1, 20), (0, 1, 30)]}
    cols = {d: [Column(d, float(cost), np.array([float(capex), float(ev)]), True)
                for capex, ev, cost in p] for d, p in plans.items()}
    limits = np.array([15.0, 0.0])
    m = Master(sorted(plans), limits, {d: c[-1] for d, c in cols.items()})
    m.add([c[0] for c in cols.values()])
    m.solve_lp()
    got = _shares(m, limits)
    assert got["a"] == pytest.approx([4 + 3 * 4 / 12, -1 + 2 * 1 / 2])
    assert got["b"] == pytest.approx([3 + 3 * 3 / 12, 0.0])
    assert got["c"] == pytest.approx([5 + 3 * 5 / 12, -1 + 2 * 1 / 2])
    assert sum(got.values()) == pytest.approx(limits)


def test_the_no_churn_share_rule_holds_across_depots(tmp_path):
    """tests/formulation/test_policy.py's churn case with its two duties at two depots: the
    diesel-only duty's depot asks the other for four electric purchases that count. Selling the
    owned vans and buying new ones counts nothing (the rows ev_share and ev_share_electric_only
    span the network, the z block is the master's): both ways give the hand-worked 9,438.18."""
    long = {"name": "long", "vehicle_class": "test-van", "daily_km": 200, "days_per_year": 365,
            "vehicles": 1}
    short = {**long, "name": "short", "daily_km": 50, "vehicles": 4,
             "fleet": [{"model": "e", "count": 4, "bought": 2024}]}
    net = merge(TINY, {"name": "twin", "min_ev_share_of_purchases": 0.8, "discount_rate": 0.1,
                       "vehicles": {"e": {"battery_kwh": 40, "life_years": 4,
                                          "residual_share": 0.2}}})
    net["depots"][0]["duties"] = [long]
    net["depots"].append({**copy.deepcopy(net["depots"][0]), "id": "dep2", "duties": [short]})
    expected = 19620 - 11200 / 1.1
    whole, _ = solve(tmp_path, net)
    assert whole["objective_npv_cny"] == pytest.approx(expected, abs=1e-6)
    got, out = solve(tmp_path, net, "--decompose", "depot", "--workers", "1")
    assert got["objective_npv_cny"] == pytest.approx(expected, abs=1e-6)
    assert got["bound_npv_cny"] <= expected + 1e-6
    gone = pd.read_csv(out / "retirements.csv")
    assert gone.query("reason == 'sold early'").empty


def test_a_network_proved_without_a_plan_is_refused_before_any_depot_is_solved(tmp_path):
    # two depots, two vans each to buy in 2025 at 1,000 CNY at least: 4,000 needed, 500 given
    case = write_case(tmp_path, twin(budget=500), "twin.yaml")
    result = CliRunner().invoke(main, ["solve", str(case), "-o", str(tmp_path / "dec"),
                                       "--decompose", "depot", "--workers", "1"])
    assert result.exit_code == 1
    assert "by 2025 4,000 CNY needed, 500 given, 3,500 short" in result.output
    summary = json.loads((tmp_path / "dec" / "summary.json").read_text())
    assert summary["status"] == "infeasible" and "decomposition" not in summary
