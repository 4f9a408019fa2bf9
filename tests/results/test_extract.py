"""results/extract.py: the result tables of a solved model, each figure worked out by hand in the
tiny world of conftest.py."""

import pytest


def test_purchases_carry_their_capital_cost(solve_tiny):
    _, tables = solve_tiny({"vehicles": {"e": {"subsidy_cny": 500}}})
    buys = tables["purchases"]
    assert buys[["model", "year", "count", "capex_cny"]].values.tolist() == [["e", 2025, 2, 3000.0]]


def test_chargers_installed_and_added(solve_tiny):
    # one charger owned since 2024 (life 2), 5 vans need 3: 2 added
    summary, tables = solve_tiny({"chargers": {"c": {"life_years": 2}}}, duty={"vehicles": 5},
                                 depot={"chargers": [{"model": "c", "count": 1, "installed": 2024}]})
    ch = tables["chargers"].iloc[0]
    assert (ch["installed"], ch["added"]) == (3, 2)


def test_the_costs_table_discounts_to_the_npv(solve_tiny):
    summary, tables = solve_tiny({"end_year": 2026, "discount_rate": 0.1})
    c = tables["costs"]
    assert c.loc[c["year"] == 2026, "cny"].sum() == pytest.approx(5560, rel=1e-9)
    assert c["discounted_cny"].sum() == pytest.approx(summary.objective_npv_cny, rel=1e-9)


def test_energy_table_one_row_per_hour_with_the_day_weight(solve_tiny):
    _, tables = solve_tiny()
    e = tables["energy"]
    assert len(e) == 4 * 24  # four representative days of 24 hours
    assert e.groupby("day")["weight_days"].first().sum() == pytest.approx(365)
    assert (e["charge_kw"] * e["weight_days"]).sum() == pytest.approx(14600, rel=1e-9)
    assert (e["price_cny_per_kwh"] == 0.1).all() and (e["building_kw"] == 0).all()
