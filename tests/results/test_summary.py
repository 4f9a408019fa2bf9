"""results/summary.py: the per-year figures and the compliance table, by hand in the tiny world
of conftest.py (2 vans a year; electric: 2 x 2,000 + one charger 100 + 14,600 kWh x 0.1 CNY;
diesel: 2 x 1,000 + 2 x 3,650 l x 1 CNY, 9.782 t CO2 each)."""

import pytest

DIESEL_T_PER_VAN = 100 * 365 * 10 / 100 * 2.68 / 1000
PRICEY_EV = {"vehicles": {"e": {"price_cny": 10000}}}


def test_per_year_figures_of_an_electric_plan(solve_tiny):
    summary, _ = solve_tiny({"cities": {"shenzhen": {"grid_tco2_per_mwh": 0.5}}})
    assert summary.per_year["2025"] == pytest.approx({
        "capex_cny": 4100.0, "opex_cny": 1460.0, "emissions_t": 14600 * 0.5 / 1000,
        "ev_count": 2, "ice_count": 0, "ev_share": 1.0, "chargers": 1, "pv_kw": 0.0,
        "storage_kwh": 0.0, "depot_charged_kwh": 14600.0, "public_kwh": 0.0, "swap_kwh": 0.0})


def test_per_year_figures_of_a_diesel_plan(solve_tiny):
    summary, _ = solve_tiny(PRICEY_EV)
    assert summary.per_year["2025"] == pytest.approx({
        "capex_cny": 2000.0, "opex_cny": 7300.0, "emissions_t": 2 * DIESEL_T_PER_VAN,
        "ev_count": 0, "ice_count": 2, "ev_share": 0.0, "chargers": 0, "pv_kw": 0.0,
        "storage_kwh": 0.0, "depot_charged_kwh": 0.0, "public_kwh": 0.0, "swap_kwh": 0.0})


def test_pv_and_storage_in_service_are_reported(solve_tiny):
    # free PV exporting at 0.05 fills the 50 kW roof; storage at 0.001 CNY/kWh arbitrages a
    # 1.0 / 0.5 CNY/kWh spread (> 1 / 0.81) up to its 100 kWh
    change = {"solar": {"capex_cny_per_kw": 0, "fixed_cny": 0, "om_cny_per_kw_year": 0},
              "cities": {"shenzhen": {"pv_export_market_cny_per_kwh": 0.05, "tariff": {
                  "prices_cny_per_kwh": {"flat": 1.0, "valley": 0.5},
                  "schedule": [{"period": "valley", "hours": [[0, 8]]}]}}},
              "storage": {"capex_cny_per_kwh": 0.001, "om_cny_per_kwh_year": 0,
                          "round_trip_efficiency": 0.81}}
    summary, tables = solve_tiny(change, depot={"roof_m2": 500, "building_load_kw": 10,
                                                "max_storage_kwh": 100})
    year = summary.per_year["2025"]
    assert year["pv_kw"] == pytest.approx(50.0, abs=1e-6)
    assert year["storage_kwh"] == pytest.approx(100.0, abs=1e-6)


def test_compliance_rows_required_achieved_met(solve_tiny):
    # 80 % share asked: 4 of 5 purchases electric; budget 30,000 and cap 25 t in 2025
    summary, tables = solve_tiny({**PRICEY_EV, "min_ev_share_of_purchases": 0.8,
                                  "budget_cny": 60000, "carbon_cap_t": 25},
                                 duty={"vehicles": 5})
    comp = tables["compliance"].set_index("rule")
    share = comp.loc["pilot_ev_share_of_purchases"]
    assert (share["required"], share["achieved"], bool(share["met"])) == (0.8, 0.8, True)
    chargers = comp.loc["pilot_chargers_per_ev"]  # 4 vans, 2 chargers: 0.5 against 1.0
    assert (chargers["required"], chargers["achieved"], bool(chargers["met"])) == (1.0, 0.5, False)
    capex = 4 * 10000 + 1000 + 2 * 100
    budget = comp.loc["budget_cny"]
    assert (budget["required"], budget["achieved"], bool(budget["met"])) == (60000, capex, True)
    cap = comp.loc["carbon_cap_t"]
    assert cap["required"] == 25 and cap["achieved"] == pytest.approx(DIESEL_T_PER_VAN)
    assert bool(cap["met"])
    assert summary.per_year["2025"]["capex_cny"] == pytest.approx(capex)


def test_a_time_limit_without_a_plan_has_no_plan():
    # HiGHS stopped before it found any plan: the status the contract calls time_limit, but no NPV,
    # so no plan is written (plan.xlsx would have no tables to show)
    from evfleet.results.record import Summary
    from evfleet.solver.highs import Status

    assert not Summary(case="x", status=Status.TIME_LIMIT, objective_npv_cny=None).has_plan
    assert Summary(case="x", status=Status.TIME_LIMIT, objective_npv_cny=1.0).has_plan
