"""Fleet constraints on tiny cases with hand-derived optima."""

import pytest


def fleet_in(tables, year):
    f = tables["fleet"]
    return f[f["year"] == year].groupby("model")["count"].sum().to_dict()


def test_electric_clearly_cheaper_whole_fleet_electric(solve_tiny):
    # Per van-year: diesel 1000 + 36,500 km x 0.1 l/km x 1 CNY/l = 4,650 CNY;
    # electric 2000 + 7,300 kWh x 0.1 CNY/kWh = 2,730 CNY. Two electric vans need one charger (100).
    summary, tables = solve_tiny()
    assert fleet_in(tables, 2025) == {"e": 2}
    assert summary.objective_npv_cny == pytest.approx(2 * 2730 + 100, abs=1e-3)


def test_diesel_cheaper_stays_diesel(solve_tiny):
    # Electric van at 10,000 CNY: 10,730 > 4,650 per year.
    summary, tables = solve_tiny({"vehicles": {"e": {"price_cny": 10000}}})
    assert fleet_in(tables, 2025) == {"d": 2}
    assert summary.objective_npv_cny == pytest.approx(2 * 4650, abs=1e-3)


def test_end_of_life_forces_replacement(solve_tiny):
    # A diesel van bought 2020 with a 6-year life serves 2020-2025 and leaves in 2026. Only diesel
    # exists (the electric van is priced out). At r = 10 % keeping it through 2025 and buying in 2026
    # costs 1000/1.1 - 666.7/1.1^3 = 408.2 CNY of capital; selling it early for 166.7 and buying in
    # 2025 costs 1000 - 166.7 - 500/1.1^3 = 457.6. So one diesel van is bought in 2026, none in 2025.
    change = {"end_year": 2027, "discount_rate": 0.1, "vehicles": {"d": {"life_years": 6}, "e": {"price_cny": 1e7}}}
    summary, tables = solve_tiny(change, duty={"vehicles": 1,
                                               "fleet": [{"model": "d", "count": 1, "bought": 2020}]})
    ret = tables["retirements"]
    eol = ret[ret["reason"] == "end of life"]
    assert eol[["year", "bought", "count"]].values.tolist() == [[2026, 2020, 1]]
    buys = tables["purchases"]
    assert buys[["year", "model", "count"]].values.tolist() == [[2026, "d", 1]]


def test_range_short_pair_is_excluded(solve_tiny):
    # Battery 10 kWh x 0.9 / 0.2 kWh/km = 45 km < 100 km a day.
    summary, tables = solve_tiny({"vehicles": {"e": {"battery_kwh": 10}}})
    ex = tables["excluded"]
    assert ex.values.tolist() == [["dep", "run", "e", "range 45 km < daily_km 100 km"]]
    assert fleet_in(tables, 2025) == {"d": 2}


def test_growth_rounds_need_up(solve_tiny):
    # need(y) = ceil(2 x 1.3^(y-2025)): 2, 3 (2.6), 4 (3.38).
    summary, tables = solve_tiny({"end_year": 2027}, duty={"growth": 0.3})
    counts = tables["fleet"].groupby("year")["count"].sum().to_dict()
    assert counts == {2025: 2, 2026: 3, 2027: 4}


def test_early_sale_at_market_value(solve_tiny):
    # Two diesel vans bought 2024 (life 10, residual 0.5, price 1,000): at age 1 in 2025 each is
    # worth 1000 x (1 - 0.5 x 1/10) = 950. Electric vans are cheaper to run, so both diesels are sold
    # at the start of 2025 for 1,900 in all.
    change = {"vehicles": {"d": {"life_years": 10, "residual_share": 0.5}}}
    summary, tables = solve_tiny(change, duty={"fleet": [{"model": "d", "count": 2, "bought": 2024}]})
    ret = tables["retirements"]
    sold = ret[ret["reason"] == "sold early"]
    assert sold[["year", "count", "value_cny"]].values.tolist() == [[2025, 2, 1900.0]]
    assert fleet_in(tables, 2025) == {"e": 2}


# 车辆购置税 (new-features §F.2): 10 % of the price before its 13 % VAT, here on quotes that do not
# hold it. A 1,000 CNY van pays 1,000 / 1.13 x 0.1 = 88.50 CNY; an electric one none in 2025, half
# in 2026 and 2027, all from 2028 (2,000 CNY: 0, 88.50, 88.50, 176.99).
TAXED = {"vehicles": {"d": {"price_includes_purchase_tax": False},
                      "e": {"price_includes_purchase_tax": False}}}
VAN_TAX = 1000 / 1.13 * 0.1


def test_the_purchase_tax_by_year_and_energy(resolve_tiny):
    inp = resolve_tiny({**TAXED, "end_year": 2028})
    assert inp.purchase_tax_cny == pytest.approx({
        **{("d", y): VAN_TAX for y in range(2025, 2029)},
        ("e", 2025): 0.0, ("e", 2026): 2 * VAN_TAX / 2, ("e", 2027): 2 * VAN_TAX / 2,
        ("e", 2028): 2 * VAN_TAX})
    assert set(resolve_tiny().purchase_tax_cny.values()) == {0.0}  # TINY's prices hold it


def test_diesel_vans_pay_the_purchase_tax_in_the_capital_spend(solve_tiny):
    # The electric van priced out: two diesel vans at 4,650 CNY a year each, plus 2 x 88.50 tax,
    # its own cost category, within the capital spend.
    summary, tables = solve_tiny({**TAXED, "vehicles": {**TAXED["vehicles"],
                                                        "e": {"price_cny": 10000}}})
    assert fleet_in(tables, 2025) == {"d": 2}
    costs = tables["costs"].set_index("category")["cny"]
    assert costs["purchase_tax"] == pytest.approx(2 * VAN_TAX, abs=1e-4)
    assert summary.objective_npv_cny == pytest.approx(2 * 4650 + 2 * VAN_TAX, abs=1e-3)
    assert summary.per_year["2025"]["capex_cny"] == pytest.approx(2000 + 2 * VAN_TAX, abs=1e-3)
