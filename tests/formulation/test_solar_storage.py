"""PV within the roof, PV price, and storage arbitrage against its losses."""

import pytest

FREE_PV = {"solar": {"capex_cny_per_kw": 0, "fixed_cny": 0, "om_cny_per_kw_year": 0},
           "cities": {"shenzhen": {"feed_in_cny_per_kwh": 0.05}}}


def test_free_pv_fills_the_roof(solve_tiny):
    # Free PV with a positive feed-in price: every kW earns, so the roof (500 m2 x 0.1 kW/m2) fills.
    summary, tables = solve_tiny(FREE_PV, depot={"roof_m2": 500, "building_load_kw": 10})
    assert tables["solar"]["pv_kw"].tolist() == pytest.approx([50.0], abs=1e-6)


def test_dear_pv_is_not_built(solve_tiny):
    change = {"solar": {"capex_cny_per_kw": 1e6}, "cities": {"shenzhen": {"feed_in_cny_per_kwh": 0.05}}}
    summary, tables = solve_tiny(change, depot={"roof_m2": 500, "building_load_kw": 10})
    assert tables["solar"]["pv_kw"].tolist() == pytest.approx([0.0], abs=1e-9)


def _tou(peak: float) -> dict:
    # valley 0.5 CNY/kWh 00-08, peak elsewhere; storage nearly free, round trip 0.81.
    return {"cities": {"shenzhen": {"tariff": {
        "prices_cny_per_kwh": {"flat": peak, "valley": 0.5},
        "schedule": [{"period": "valley", "hours": [[0, 8]]}]}}},
        "storage": {"capex_cny_per_kwh": 0.001, "om_cny_per_kwh_year": 0, "round_trip_efficiency": 0.81}}


def test_storage_used_when_spread_pays_for_losses(solve_tiny):
    # A kWh bought at 0.5 in the valley delivers 0.81 kWh: worth it when peak > 0.5/0.81 = 0.617.
    summary, tables = solve_tiny(_tou(1.0), depot={"building_load_kw": 10, "max_storage_kwh": 100})
    assert tables["storage"]["storage_kwh"].iloc[0] > 1.0


def test_storage_idle_when_spread_does_not_pay(solve_tiny):
    summary, tables = solve_tiny(_tou(0.6), depot={"building_load_kw": 10, "max_storage_kwh": 100})
    assert tables["energy"]["storage_discharge_kw"].sum() == pytest.approx(0.0, abs=1e-6)


def test_pv_pays_its_fixed_cost_once_when_first_built(solve_tiny):
    # free per kW but 100 CNY fixed: 50 kW earn far more than 100 CNY a year at 0.05 CNY/kWh
    # exported, so the roof fills and the capital spend on PV is exactly the fixed cost.
    change = {**FREE_PV, "solar": {**FREE_PV["solar"], "fixed_cny": 100}}
    summary, tables = solve_tiny(change, depot={"roof_m2": 500, "building_load_kw": 10})
    assert tables["solar"]["pv_kw"].tolist() == pytest.approx([50.0], abs=1e-6)
    c = tables["costs"].set_index("category")["cny"]
    assert c["capex_pv"] == pytest.approx(100.0, abs=1e-6)
    # what is exported earns the feed-in price: 0.05 CNY x the kWh of the energy table
    e = tables["energy"]
    exported_kwh = (e["export_kw"] * e["weight_days"]).sum()
    assert exported_kwh > 2000
    assert -c["export_revenue"] == pytest.approx(0.05 * exported_kwh, rel=1e-6)
    # PV output is the roof's 50 kW times the city's output per kWp at that hour; used plus
    # exported never exceeds it
    assert (e["pv_used_kw"] + e["export_kw"] <= e["pv_output_kw"] + 1e-6).all()


def test_a_fixed_cost_above_what_pv_earns_keeps_the_roof_empty(solve_tiny):
    change = {**FREE_PV, "solar": {**FREE_PV["solar"], "fixed_cny": 1e6}}
    summary, tables = solve_tiny(change, depot={"roof_m2": 500, "building_load_kw": 10})
    assert tables["solar"]["pv_kw"].tolist() == pytest.approx([0.0], abs=1e-9)
