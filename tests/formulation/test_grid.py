"""Grid: the connection and its upgrades, the 315 kVA two-part rule, the billed peak, grid
emissions. Every figure worked out by hand from the tiny world of conftest.py (2 electric vans,
40 kWh a day, 0.1 CNY/kWh flat, one charger at 100 CNY, rate 0)."""

import pytest

from evfleet.catalog.profiles import LOAD_SHAPE

DEMAND = {"cities": {"shenzhen": {"demand_charge_cny_per_kw_month": 30}}}
UPGRADE = {"grid_kw": 300, "grid_upgrade": {"max_kw": 400, "cost_cny_per_kw": 10, "fixed_cny": 1000}}
PEAK_SHAPE = float(LOAD_SHAPE.max())  # the building's highest hour, x its building_load_kw
VANS_KWH_YEAR = 2 * 100 * 20 / 100 * 365  # 14,600 kWh


def cost(tables, category: str) -> float:
    return float(tables["costs"].set_index("category").loc[category, "cny"].sum())


def with_building_peak(solve_tiny, peak_kw: float, change=DEMAND, depot=UPGRADE):
    return solve_tiny(change, depot={**depot, "building_load_kw": peak_kw / PEAK_SHAPE})


def test_an_upgrade_to_exactly_315_kva_is_two_part(solve_tiny):
    # The building alone peaks at 315 kW: the 300 kW connection is upgraded by 15 kW to 315, which
    # is "315 kVA or more": two-part, the whole 315 kW peak billed at 30 CNY/kW-month.
    summary, tables = with_building_peak(solve_tiny, 315.0)
    grid = tables["grid"].iloc[0]
    assert grid["connection_kw"] == pytest.approx(315.0, abs=1e-6)
    assert grid["added_kw"] == pytest.approx(15.0, abs=1e-6)
    assert grid["peak_kw"] == pytest.approx(315.0, abs=1e-6)
    assert bool(grid["demand_charged"])
    assert cost(tables, "electricity_demand") == pytest.approx(315 * 30 * 12, rel=1e-9)
    assert cost(tables, "capex_grid") == pytest.approx(15 * 10 + 1000, rel=1e-9)
    # book value of the upgrade at 2026, 30-year life: 29/30 of its cost
    assert cost(tables, "terminal_value") == pytest.approx(-1150 * 29 / 30, rel=1e-9)
    energy = 0.1 * (315 / PEAK_SHAPE * 24 * 365 + VANS_KWH_YEAR)  # building (shape mean 1) + vans
    npv = 2 * 2000 + 100 + energy + 315 * 360 + 1150 - 1150 * 29 / 30
    assert summary.objective_npv_cny == pytest.approx(npv, rel=1e-9)


def test_an_upgrade_below_315_kva_stays_single_part(solve_tiny):
    summary, tables = with_building_peak(solve_tiny, 314.0)
    grid = tables["grid"].iloc[0]
    assert grid["connection_kw"] == pytest.approx(314.0, abs=1e-6)
    assert not bool(grid["demand_charged"])
    assert cost(tables, "electricity_demand") == pytest.approx(0.0, abs=1e-6)
    assert cost(tables, "capex_grid") == pytest.approx(14 * 10 + 1000, rel=1e-9)


def test_a_connection_of_exactly_315_kva_pays_the_demand_charge(solve_tiny):
    # no upgrade, grid_kw 315: always two-part; 40 kWh a day spread evenly peak at 40/24 kW
    summary, tables = solve_tiny(DEMAND, depot={"grid_kw": 315})
    assert bool(tables["grid"]["demand_charged"].iloc[0])
    assert cost(tables, "electricity_demand") == pytest.approx(40 / 24 * 360, rel=1e-6)


def test_grid_limit_caps_import_without_an_upgrade(solve_tiny):
    # a 300 kW connection cannot carry a 315 kW building peak and cannot be upgraded: no plan
    from evfleet.errors import NoPlanError

    with pytest.raises(NoPlanError) as err:
        with_building_peak(solve_tiny, 315.0, change={}, depot={"grid_kw": 300})
    assert err.value.status == "infeasible"
    assert any("grid" in line for line in err.value.lines)


def test_grid_emissions_are_imports_times_the_factor(solve_tiny):
    # 0.5 t/MWh: the vans' 14,600 kWh a year are 7.3 t, all from the grid
    summary, tables = solve_tiny({"cities": {"shenzhen": {"grid_tco2_per_mwh": 0.5}}})
    em = tables["emissions"].set_index("source")["t"]
    assert em["grid"] == pytest.approx(7.3, rel=1e-9) and em["fuel"] == 0
    assert summary.per_year["2025"]["emissions_t"] == pytest.approx(7.3, rel=1e-9)


def test_a_tariff_that_changes_in_2027_prices_2026_and_2027_differently(solve_tiny, resolve_tiny):
    # TINY's flat 0.1 CNY/kWh, then 0.3 from 1 January 2027 (a later schedule of the city). The
    # vans stay electric (diesel costs 3,650 CNY a van-year, their 7,300 kWh 2,190 at 0.3), so
    # 14,600 kWh are bought each year: 1,460 CNY in 2026, 4,380 in 2027.
    change = {"start_year": 2026, "end_year": 2027, "cities": {"shenzhen": {"tariff_changes": {
        2027: {"prices_cny_per_kwh": {"flat": 0.3}, "schedule": []}}}}}
    inp = resolve_tiny(change)
    assert inp.tariff_of == {("dep", 2026): "shenzhen", ("dep", 2027): "shenzhen from 2027"}
    summary, tables = solve_tiny(change)
    c = tables["costs"].set_index(["category", "year"])["cny"]
    assert c["electricity_energy", 2026] == pytest.approx(0.1 * VANS_KWH_YEAR, rel=1e-9)
    assert c["electricity_energy", 2027] == pytest.approx(0.3 * VANS_KWH_YEAR, rel=1e-9)
    prices = tables["energy"].groupby("year")["price_cny_per_kwh"].agg(["min", "max"])
    assert prices.loc[2026].tolist() == pytest.approx([0.1, 0.1])
    assert prices.loc[2027].tolist() == pytest.approx([0.3, 0.3])
