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


def test_vehicles_past_their_life_at_start_are_sold_at_their_residual_value(solve_tiny):
    # a diesel van bought in 2020 with a 3-year life keeping 20 %: past its life in 2025, sold
    # then for 1,000 x 0.2 = 200 CNY (the contract's market value at full age)
    fleet = [{"model": "d", "count": 1, "bought": 2020}]
    _, tables = solve_tiny({"vehicles": {"d": {"life_years": 3, "residual_share": 0.2}}},
                           duty={"fleet": fleet})
    ret = tables["retirements"]
    past = ret[ret["reason"] == "past life at start"]
    assert past[["year", "bought", "count", "value_cny"]].values.tolist() == [[2025, 2020, 1, 200.0]]
    c = tables["costs"].set_index("category")["cny"]
    assert c["resale"] == pytest.approx(-200.0)
