"""Contract rules recomputed from the output tables of the example case (spec §4)."""

from collections import defaultdict

import pytest

from evfleet.inputs import load_inputs
from evfleet.single import solve_inputs

from conftest import EXACT, REPO


@pytest.fixture(scope="module")
def example():
    inp = load_inputs(REPO / "cases" / "shenzhen-depot.yaml")
    summary, tables = solve_inputs(inp, EXACT)
    return inp, summary, tables


def test_status_optimal(example):
    _, summary, _ = example
    assert summary.status == "optimal"
    assert summary.baseline_npv_cny >= summary.objective_npv_cny - 1e-6


def test_npv_from_costs_equals_objective(example):
    _, summary, tables = example
    assert tables["costs"]["discounted_cny"].sum() == pytest.approx(summary.objective_npv_cny,
                                                                    rel=1e-7)


def test_every_duty_need_met(example):
    inp, _, tables = example
    have = tables["fleet"].groupby(["depot", "duty", "year"])["count"].sum()
    for (d, k, y), need in inp.need_count.items():
        assert have.get((d, k, y), 0) >= need


def test_vehicles_leave_at_end_of_life(example):
    # A vehicle bought in b with life L serves b .. b+L-1: vehicles in service in y never exceed
    # those owned at start that are still alive plus those bought in y-L+1 .. y.
    inp, _, tables = example
    life = {"e-light-truck": 8, "e-light-van": 8, "e-light-van-lr": 8, "e-tricycle": 4,
            "diesel-light-truck": 8, "diesel-light-van": 8}
    buys = tables["purchases"]
    for row in tables["fleet"].itertuples():
        owned = sum(n for (d, k, j, c), n in inp.initial_count.items()
                    if (d, k, j) == (row.depot, row.duty, row.model) and c + life[j] > row.year)
        b = buys[(buys["depot"] == row.depot) & (buys["duty"] == row.duty)
                 & (buys["model"] == row.model) & (buys["year"] > row.year - life[row.model])
                 & (buys["year"] <= row.year)]["count"].sum()
        assert row.count <= owned + b
    ret = tables["retirements"]
    eol = ret[ret["reason"] == "end of life"]
    assert ((eol["year"] - eol["bought"]) == eol["model"].map(life)).all()


def test_budget_and_cap_honoured(example):
    inp, summary, tables = example
    for y, budget in inp.budget_cny.items():
        assert summary.per_year[str(y)]["capex_cny"] <= budget * (1 + 1e-7)
    for y, cap in inp.carbon_cap_t.items():
        assert summary.per_year[str(y)]["emissions_t"] <= cap * (1 + 1e-7)
    assert tables["compliance"].query("rule in ['budget_cny', 'carbon_cap_t']")["met"].all()


def test_energy_balance_closes_every_hour(example):
    _, _, t = example
    e = t["energy"]
    supply = e["grid_kw"] + e["pv_used_kw"] + e["storage_discharge_kw"]
    use = e["charge_kw"] + e["building_kw"] + e["storage_charge_kw"]
    assert (supply - use).abs().max() < 1e-5
    assert (e["pv_used_kw"] + e["export_kw"] <= e["pv_output_kw"] + 1e-5).all()


def test_charging_meets_fleet_need(example):
    """Each day the depot delivers what its vehicles on depot chargers need that day (their
    kWh at 20 °C x the day's temperature factor); public and swapped vehicles charge elsewhere."""
    inp, _, t = example
    charging = t["charging"]
    at_depot = charging[charging["supply"].isin(inp.charger_models)]
    need = defaultdict(float)
    for row in at_depot.itertuples():
        for r in inp.days:
            need[row.depot, row.year, r] += (row.vehicles * inp.day_energy_factor[row.depot, row.model, r]
                                             * inp.charge_kwh_per_vehicle_day[row.depot, row.duty, row.model])
    electric = t["fleet"].query("energy == 'electricity'").groupby(["depot", "year"])["count"].sum()
    supplied = charging.groupby(["depot", "year"])["vehicles"].sum()
    assert supplied.reindex(electric.index, fill_value=0).tolist() == electric.tolist()
    daily = t["energy"].groupby(["depot", "year", "day"], observed=True)["charge_kw"].sum()
    for (d, y, r), kwh in daily.items():
        assert kwh == pytest.approx(need[d, y, r], abs=1e-4)


def test_emissions_table_matches_fuel_and_grid(example):
    inp, summary, t = example
    e = t["energy"]
    for y in inp.years:
        grid = (e[e["year"] == y]["grid_kw"] * e[e["year"] == y]["weight_days"]).sum() \
            * inp.grid_tco2_per_kwh["nanshan-hub", y]
        em = t["emissions"]
        assert em[(em["year"] == y) & (em["source"] == "grid")]["t"].sum() == pytest.approx(grid, rel=1e-6)
