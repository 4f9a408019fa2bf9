"""PV within the roof, PV price, and storage arbitrage against its losses."""

import pytest

FREE_PV = {"solar": {"capex_cny_per_kw": 0, "fixed_cny": 0, "om_cny_per_kw_year": 0},
           "cities": {"shenzhen": {"pv_export_market_cny_per_kwh": 0.05}}}


def test_free_pv_fills_the_roof(solve_tiny):
    # Free PV with a positive feed-in price: every kW earns, so the roof (500 m2 x 0.1 kW/m2) fills.
    summary, tables = solve_tiny(FREE_PV, depot={"roof_m2": 500, "building_load_kw": 10})
    assert tables["solar"]["pv_kw"].tolist() == pytest.approx([50.0], abs=1e-6)


def test_dear_pv_is_not_built(solve_tiny):
    change = {"solar": {"capex_cny_per_kw": 1e6}, "cities": {"shenzhen": {"pv_export_market_cny_per_kwh": 0.05}}}
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


def test_pv_pays_its_fixed_cost_once_when_first_built(solve_tiny, resolve_tiny):
    # free per kW but 100 CNY fixed: 50 kW earn far more than 100 CNY a year at 0.05 CNY/kWh
    # exported, so the roof fills and the capital spend on PV is exactly the fixed cost.
    change = {**FREE_PV, "solar": {**FREE_PV["solar"], "fixed_cny": 100}}
    summary, tables = solve_tiny(change, depot={"roof_m2": 500, "building_load_kw": 10})
    assert tables["solar"]["pv_kw"].tolist() == pytest.approx([50.0], abs=1e-6)
    c = tables["costs"].set_index("category")["cny"]
    assert c["capex_pv"] == pytest.approx(100.0, abs=1e-6)
    # what is exported earns the market price of PV connected from 2025: 0.05 CNY x the kWh of the energy table
    e = tables["energy"]
    exported_kwh = (e["export_kw"] * e["weight_days"]).sum()
    assert exported_kwh > 2000
    assert -c["export_revenue"] == pytest.approx(0.05 * exported_kwh, rel=1e-6)
    # PV output is the roof's 50 kW times the city's output per kWp at that hour; used plus
    # exported never exceeds it (within HiGHS's feasibility tolerance, 1e-6 kW)
    per_kwp = resolve_tiny(change, depot={"roof_m2": 500, "building_load_kw": 10}).pv_kw_per_kwp
    expected = [50 * per_kwp["dep", r, h] for r, h in zip(e["day"], e["hour"])]
    assert e["pv_output_kw"].tolist() == pytest.approx(expected, abs=1e-6)
    assert (e["pv_used_kw"] + e["export_kw"] <= e["pv_output_kw"] + 1e-5).all()


def test_a_fixed_cost_above_what_pv_earns_keeps_the_roof_empty(solve_tiny):
    change = {**FREE_PV, "solar": {**FREE_PV["solar"], "fixed_cny": 1e6}}
    summary, tables = solve_tiny(change, depot={"roof_m2": 500, "building_load_kw": 10})
    assert tables["solar"]["pv_kw"].tolist() == pytest.approx([0.0], abs=1e-9)


def test_pv_already_on_the_roof_leaves_only_the_rest_to_add(solve_tiny):
    # 20 kW stand on a 50 kW roof (500 m2 x 0.1 kW/m2): free PV adds 30 kW, not 50
    summary, tables = solve_tiny(FREE_PV, depot={"roof_m2": 500, "pv_kw": 20, "building_load_kw": 10})
    solar = tables["solar"].iloc[0]
    assert solar["pv_kw"] == pytest.approx(50.0, abs=1e-6)
    assert solar["added_kw"] == pytest.approx(30.0, abs=1e-6)


def test_storage_in_service_is_storage_bought(solve_tiny):
    # at 1 CNY/kWh the 1.0 / 0.5 CNY spread still pays: all 100 kWh are bought, for 100 CNY
    change = _tou(1.0)
    change["storage"]["capex_cny_per_kwh"] = 1.0
    summary, tables = solve_tiny(change, depot={"building_load_kw": 10, "max_storage_kwh": 100})
    storage = tables["storage"].iloc[0]
    assert storage["added_kwh"] == pytest.approx(100.0, abs=1e-6)
    assert storage["storage_kwh"] == pytest.approx(100.0, abs=1e-6)
    capex = tables["costs"].set_index("category").loc["capex_storage", "cny"]
    assert capex == pytest.approx(100.0, abs=1e-6)


def test_storage_stays_within_its_allowed_size_every_year(solve_tiny):
    # two years, storage bought for 10 years: the first year's 100 kWh fill max_storage_kwh;
    # nothing more is added in 2026 although more would pay
    change = _tou(1.0)
    change["storage"].update(capex_cny_per_kwh=1.0, life_years=10)
    summary, tables = solve_tiny({**change, "end_year": 2026},
                                 depot={"building_load_kw": 10, "max_storage_kwh": 100})
    assert tables["storage"]["storage_kwh"].tolist() == pytest.approx([100.0, 100.0], abs=1e-6)
    assert tables["storage"]["added_kwh"].sum() == pytest.approx(100.0, abs=1e-6)


def test_storage_power_limits_charging_and_discharging(solve_tiny):
    # 0.25 kW per kWh: the 100 kWh store charges and discharges at 25 kW at most. It charges in
    # the four valley hours (0.5 CNY/kWh): 111 kWh would fill it, 4 x 25 = 100 kWh is all it can
    # take; at the one peak hour (2.0 CNY/kWh, hour 12) it discharges the most it can: 25 kW.
    change = {"cities": {"shenzhen": {"tariff": {
        "prices_cny_per_kwh": {"flat": 1.0, "valley": 0.5, "peak": 2.0},
        "schedule": [{"period": "valley", "hours": [[0, 4]]}, {"period": "peak", "hours": [[12, 13]]}]}}},
        "storage": {"capex_cny_per_kwh": 0.001, "om_cny_per_kwh_year": 0,
                    "round_trip_efficiency": 0.81, "power_kw_per_kwh": 0.25}}
    summary, tables = solve_tiny(change, depot={"building_load_kw": 100, "max_storage_kwh": 100})
    e = tables["energy"]
    assert e["storage_charge_kw"].max() == pytest.approx(25.0, abs=1e-6)
    assert e.loc[e["hour"] == 12, "storage_discharge_kw"].tolist() == pytest.approx([25.0] * 4, abs=1e-6)


def test_storage_is_bought_in_whole_modules(solve_tiny):
    # As above with 30 kWh modules: 100 kWh are allowed, whole modules reach 90 (three); the
    # 100 kWh that pay without modules show more storage pays, so all three are bought.
    change = _tou(1.0)
    change["storage"].update(capex_cny_per_kwh=1.0, module_kwh=30)
    summary, tables = solve_tiny(change, depot={"building_load_kw": 10, "max_storage_kwh": 100})
    assert tables["storage"]["added_kwh"].tolist() == pytest.approx([90.0], abs=1e-6)
    capex = tables["costs"].set_index("category").loc["capex_storage", "cny"]
    assert capex == pytest.approx(90.0, abs=1e-6)


# PV at 1,000 CNY/kW, a 25-year life: a one-year plan pays 1/25 of it, 40 CNY/kW, against about
# 1,150 kWh/kW a year (Shenzhen) x 0.05 CNY exported = 57 CNY: without a floor every kW pays, so
# the 50 kW roof fills. Diesel vans only (the electric van priced out): the depot's own use of
# PV is its building load alone.
CHEAP_PV = {"solar": {"capex_cny_per_kw": 1000, "fixed_cny": 0, "om_cny_per_kw_year": 0},
            "cities": {"shenzhen": {"pv_export_market_cny_per_kwh": 0.05, "pv_self_use_min_share": 0.0}},
            "vehicles": {"e": {"price_cny": 1e6}}}


def with_floor(share):
    return {**CHEAP_PV, "cities": {"shenzhen": {"pv_export_market_cny_per_kwh": 0.05,
                                                "pv_self_use_min_share": share}}}


def test_a_self_use_floor_forbids_pv_a_depot_cannot_use(solve_tiny):
    summary, tables = solve_tiny(CHEAP_PV, depot={"roof_m2": 500, "building_load_kw": 2})
    assert tables["solar"]["pv_kw"].tolist() == pytest.approx([50.0], abs=1e-6)
    # 80 % of what PV sells or uses must be used on site, and nothing uses it: no export is
    # allowed, so PV earns nothing and is not built
    summary, tables = solve_tiny(with_floor(0.8), depot={"roof_m2": 500})
    assert tables["solar"]["pv_kw"].tolist() == pytest.approx([0.0], abs=1e-6)


def test_a_self_use_floor_cuts_pv_to_what_the_load_absorbs(solve_tiny):
    # A 2 kW building load: with 80 % used on site, exports are at most a quarter of what the
    # load takes, so a kW beyond the load's need is mostly curtailed and earns far less than its
    # 40 CNY: PV stops short of the roof, with exports at their cap (the floor binds).
    summary, tables = solve_tiny(with_floor(0.8), depot={"roof_m2": 500, "building_load_kw": 2})
    pv = tables["solar"]["pv_kw"].iloc[0]
    assert 0 < pv < 50
    row = tables["compliance"].set_index("rule").loc["pv_self_use_share dep"]
    assert row["required"] == 0.8 and row["achieved"] == pytest.approx(0.8, abs=1e-6)
    assert bool(row["met"])


# The 2025 export price rules (NDRC/NEA 2025 No. 136): PV connected before 2025 sells at the
# coal benchmark (feed_in, here 0.4), PV added from 2025 at the market price (here 0.1 or 0.05).
# Free PV, no self-use floor, diesel vans only (the electric van priced out).
def _two_prices(market, **city):
    return {"solar": {"capex_cny_per_kw": 0, "fixed_cny": 0, "om_cny_per_kw_year": 0},
            "vehicles": {"e": {"price_cny": 1e6}},
            "cities": {"shenzhen": {"feed_in_cny_per_kwh": 0.4, "pv_export_market_cny_per_kwh": market,
                                    "pv_self_use_min_share": 0.0, **city}}}


def _kwh_per_kwp(inp, year=None):
    """A year's PV output per kW of the depot [kWh/kWp], from its representative days."""
    return sum(inp.day_weight[r] * inp.hour_length_h[h] * inp.pv_kw_per_kwp["dep", r, h]
               for r in inp.days for h in inp.hours)


def _revenue(tables, year=2025):
    c = tables["costs"]
    return -c[(c["category"] == "export_revenue") & (c["year"] == year)]["cny"].sum()


def test_an_old_plant_exports_at_its_old_price_new_pv_at_market(solve_tiny, resolve_tiny):
    # 20 kW stand on a 50 kW roof; no load, so all output is sold: the old 20 kW at 0.4, the 30
    # kW added in 2025 at 0.1. Revenue = E x (20 x 0.4 + 30 x 0.1) = 11 E, E the kWh per kWp.
    change, depot = _two_prices(0.1), {"roof_m2": 500, "pv_kw": 20}
    e_kwh = _kwh_per_kwp(resolve_tiny(change, depot=depot))
    summary, tables = solve_tiny(change, depot=depot)
    assert tables["solar"]["pv_kw"].tolist() == pytest.approx([50.0], abs=1e-6)
    assert _revenue(tables) == pytest.approx(11 * e_kwh, rel=1e-6)
    solar = tables["solar"].iloc[0]  # solar.csv: what each depot sold and earned, its rules
    assert (solar["pv_category"], solar["pv_mode"]) == ("general_ci", "surplus_export")
    assert solar["exported_kwh"] == pytest.approx(50 * e_kwh, rel=1e-6)
    assert solar["export_revenue_cny"] == pytest.approx(11 * e_kwh, rel=1e-6)


def test_pv_added_before_the_rule_keeps_the_old_price(solve_tiny, resolve_tiny):
    # A horizon from 2024: the 50 kW added in 2024 were connected before the market rule and sell
    # at 0.4 in 2024 and 2025 alike: 20 E a year.
    change, depot = {**_two_prices(0.1), "start_year": 2024}, {"roof_m2": 500}
    e_kwh = _kwh_per_kwp(resolve_tiny(change, depot=depot))
    summary, tables = solve_tiny(change, depot=depot)
    assert tables["solar"]["added_kw"].tolist() == pytest.approx([50.0, 0.0], abs=1e-6)
    assert [_revenue(tables, y) for y in (2024, 2025)] == pytest.approx([20 * e_kwh] * 2, rel=1e-6)


def test_only_the_old_plants_output_earns_the_old_price(solve_tiny, resolve_tiny):
    # A 500 kW load takes all PV. The grid costs 0.1: the old plant's kWh are worth more sold
    # (0.4), the new plant's used on site (the market pays 0.05). Exports = 20 E, all at 0.4.
    change, depot = _two_prices(0.05), {"roof_m2": 500, "pv_kw": 20, "building_load_kw": 500}
    e_kwh = _kwh_per_kwp(resolve_tiny(change, depot=depot))
    summary, tables = solve_tiny(change, depot=depot)
    e = tables["energy"]
    assert (e["export_kw"] * e["weight_days"]).sum() == pytest.approx(20 * e_kwh, rel=1e-6)
    assert _revenue(tables) == pytest.approx(0.4 * 20 * e_kwh, rel=1e-6)
    assert tables["solar"]["export_revenue_cny"].sum() == pytest.approx(0.4 * 20 * e_kwh, rel=1e-6)


def test_a_self_use_depot_never_exports(solve_tiny):
    # CHEAP_PV earns its cost only by exporting; a depot without load in the self-use mode has
    # nothing to use PV for, so it builds none; in the default surplus-export mode it fills its roof
    summary, tables = solve_tiny(CHEAP_PV, depot={"roof_m2": 500})
    assert tables["solar"]["pv_kw"].tolist() == pytest.approx([50.0], abs=1e-6)
    summary, tables = solve_tiny(CHEAP_PV, depot={"roof_m2": 500, "pv_mode": "self_use"})
    assert tables["solar"]["pv_kw"].tolist() == pytest.approx([0.0], abs=1e-6)
    assert tables["energy"]["export_kw"].sum() == pytest.approx(0.0, abs=1e-9)
    assert tables["solar"]["pv_mode"].tolist() == ["self_use"]
