"""inputs/fleet.py: needs, the pairs that can serve, cohorts, values and running costs, by hand."""

import pytest

from evfleet.inputs.fleet import need_count


def test_need_grows_and_rounds_up():
    assert [need_count(10, 0.05, n) for n in range(4)] == [10, 11, 12, 12]  # 10.5, 11.025, 11.58
    assert need_count(100, 0.1, 1) == 110  # 110.00000000000001 is 110, not 111


def test_running_costs_and_fuel_emissions_per_vehicle_year(resolve_tiny):
    inp = resolve_tiny()
    # 100 km x 365 days = 36,500 km: diesel 3,650 l at 1 CNY/l, 2.68 kg CO2/l
    assert inp.run_cost_cny["dep", "run", "d", 2025] == {"fuel": 3650.0, "maintenance": 0.0}
    assert inp.fuel_tco2_per_vehicle["dep", "run", "d", 2025] == pytest.approx(3650 * 2.68 / 1000)
    assert inp.run_cost_cny["dep", "run", "e", 2025] == {"fuel": 0.0, "maintenance": 0.0}
    # the electric van: 100 km x 20 kWh/100 km on each of 365 days
    assert inp.charge_kwh_per_vehicle_day["dep", "run", "e"] == pytest.approx(20.0)


def test_daily_energy_is_spread_over_the_year(resolve_tiny):
    inp = resolve_tiny(duty={"days_per_year": 292})
    assert inp.charge_kwh_per_vehicle_day["dep", "run", "e"] == pytest.approx(20.0 * 292 / 365)


def test_a_model_without_the_range_is_excluded_with_its_reason(resolve_tiny):
    # 10 kWh x 0.9 usable / 0.2 kWh per km = 45 km < 100 km
    inp = resolve_tiny({"vehicles": {"e": {"battery_kwh": 10}}})
    assert inp.servable == (("dep", "run", "d"),)
    assert inp.excluded == (("dep", "run", "e", "range 45 km < daily_km 100 km"),)


def test_market_value_falls_linearly_to_the_residual_share(resolve_tiny):
    # a 4-year diesel van at 1,000 CNY keeping 20 %: worth 1,000 x (1 - 0.8 x age / 4)
    inp = resolve_tiny({"end_year": 2028, "vehicles": {"d": {"life_years": 4, "residual_share": 0.2}}})
    values = [inp.resale_value_cny["dep", "run", "d", 2025, y] for y in range(2025, 2029)]
    assert values == pytest.approx([1000, 800, 600, 400])
    assert inp.exit_value_cny["dep", "run", "d", 2025] == pytest.approx(200)  # leaves in 2029


def test_owned_vehicles_form_cohorts_or_are_past_their_life(resolve_tiny):
    fleet = [{"model": "d", "count": 2, "bought": 2024}, {"model": "d", "count": 1, "bought": 2020}]
    inp = resolve_tiny({"vehicles": {"d": {"life_years": 3}}}, duty={"fleet": fleet})
    assert inp.initial_count == {("dep", "run", "d", 2024): 2}
    assert inp.past_life == (("dep", "run", "d", 2020, 1),)
    assert inp.owned_alive_count == {("dep", "run", 2025): 2}
    # bought at 1,000, 3-year life, no residual: 1/3 of the price is lost per year; sold at start
    assert inp.past_life_resale_cny == pytest.approx(0.0)
    assert inp.exit_year["dep", "run", "d", 2024] == 2026  # end_year 2025: leaves at end + 1


def test_subsidies_lower_the_price_down_to_zero(resolve_tiny):
    # a subsidy above the price is refused (tests/test_cli.py); one equal to it makes it free
    inp = resolve_tiny({"vehicles": {"e": {"subsidy_cny": 500}, "d": {"subsidy_cny": 1000}}})
    assert inp.buy_price_cny["dep", "run", "e", 2025] == 1500
    assert inp.buy_price_cny["dep", "run", "d", 2025] == 0
