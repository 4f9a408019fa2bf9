"""formulation/baseline.py: the like-for-like plan, worked by hand on the tiny case."""

import pytest

from evfleet.formulation.baseline import like_for_like


def test_vehicles_leaving_are_replaced_as_far_as_the_duty_needs_them(resolve_tiny):
    # 5 diesel vans bought in 2024 with a one-year life are past it at the start (2025); the duty
    # needs 2: like for like buys 2 diesel vans, not 5 (and no value outside buy_count's bounds)
    inp = resolve_tiny(depot={"duties": [{"name": "run", "vehicle_class": "test-van",
                                          "daily_km": 100, "days_per_year": 365, "vehicles": 2,
                                          "fleet": [{"model": "d", "count": 5, "bought": 2024}]}]})
    counts, buys = like_for_like(inp)
    assert buys == {("dep", "run", "d", 2025): 2}
    assert counts[("dep", "run", "d", 2025, 2025)] == 2


def test_a_fleet_below_its_need_is_renewed_and_grows_with_its_main_model(resolve_tiny, solve_tiny):
    # 1 diesel van past its life, need 2: 1 replaced like for like and 1 for growth, both diesel
    # (the duty's main model): 2 x 1,000 CNY + 2 x 3,650 l x 1 CNY/l = 9,300 CNY
    change = {"duties": [{"name": "run", "vehicle_class": "test-van", "daily_km": 100,
                          "days_per_year": 365, "vehicles": 2,
                          "fleet": [{"model": "d", "count": 1, "bought": 2024}]}]}
    _, buys = like_for_like(resolve_tiny(depot=change))
    assert buys == {("dep", "run", "d", 2025): 2}
    summary, _ = solve_tiny(depot=change)
    assert summary.baseline_npv_cny == pytest.approx(9300)
