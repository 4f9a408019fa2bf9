"""The objective: discounting, resale and end-of-horizon values, the carbon price; every NPV
worked out by hand in the tiny world of conftest.py (an electric van 2,000 CNY + 730 CNY of
electricity a year, a charger 100 CNY, a diesel van 1,000 CNY + 3,650 CNY of fuel)."""

import pytest

DIESEL_T_PER_VAN = 100 * 365 * 10 / 100 * 2.68 / 1000  # 9.782 t a year


def cost(tables, category: str, year: int | None = None) -> float:
    c = tables["costs"]
    if year is not None:
        c = c[c["year"] == year]
    return float(c.loc[c["category"] == category, "cny"].sum())


def test_later_years_are_discounted(solve_tiny):
    # two years at 10 %: the same 2 x 2,000 + 100 + 1,460 = 5,560 CNY each year (one-year lives,
    # nothing left at the end); 2026 counts 1/1.1.
    summary, tables = solve_tiny({"end_year": 2026, "discount_rate": 0.1})
    assert summary.objective_npv_cny == pytest.approx(5560 + 5560 / 1.1, rel=1e-9)
    c = tables["costs"]
    assert c["discounted_cny"].sum() == pytest.approx(summary.objective_npv_cny, rel=1e-9)
    assert c.loc[c["year"] == 2026, "discounted_cny"].sum() == pytest.approx(5560 / 1.1, rel=1e-9)


def test_vehicles_leaving_are_sold_at_their_residual_value(solve_tiny):
    # residual share 0.5 after a one-year life: each van bought in 2025 sells for 1,000 in 2026;
    # those bought in 2026 are worth 1,000 each at the end (2027).
    summary, tables = solve_tiny({"end_year": 2026, "vehicles": {"e": {"residual_share": 0.5}}})
    assert cost(tables, "resale", 2026) == pytest.approx(-2000, rel=1e-9)
    assert cost(tables, "terminal_value") == pytest.approx(-2000, rel=1e-9)
    assert summary.objective_npv_cny == pytest.approx(2 * 5560 - 2000 - 2000, rel=1e-9)


def test_the_carbon_price_is_paid_on_every_tonne(solve_tiny):
    # the electric van at 10,000 CNY: diesel stays cheaper even at 100 CNY/t (2 x 9.782 t)
    summary, tables = solve_tiny({"vehicles": {"e": {"price_cny": 10000}},
                                  "carbon_price_cny_per_t": 100})
    assert cost(tables, "carbon") == pytest.approx(100 * 2 * DIESEL_T_PER_VAN, rel=1e-9)
    assert summary.objective_npv_cny == pytest.approx(2 * 4650 + 100 * 2 * DIESEL_T_PER_VAN,
                                                      rel=1e-9)
    assert tables["emissions"].set_index("source").loc["fuel", "t"] == pytest.approx(
        2 * DIESEL_T_PER_VAN, rel=1e-9)
