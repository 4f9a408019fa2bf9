"""Budget, carbon cap and electric share on tiny cases with hand-derived optima."""

import pytest

from conftest import merge

DIESEL_T_PER_VAN = 36500 * 0.10 * 2.68 / 1000  # 3,650 l x 2.68 kg/l = 9.782 t a year


def models_bought(tables, year):
    b = tables["purchases"]
    return b[b["year"] == year].groupby("model")["count"].sum().to_dict()


LONG_LIVED = {"end_year": 2026,
              "vehicles": {"d": {"life_years": 10, "residual_share": 1.0},
                           "e": {"life_years": 10, "residual_share": 1.0}},
              "chargers": {"c": {"life_years": 10}}}
FOUR_DIESELS = {"vehicles": 4, "fleet": [{"model": "d", "count": 4, "bought": 2024}]}


def test_budget_buys_exactly_two_a_year(solve_tiny):
    # With no depreciation (residual 1) and r = 0 an electric van costs nothing in NPV and saves
    # 4,650 - 1,000... per year, so as many as possible are bought as early as possible. A budget
    # of 4,100 a year buys two vans (4,000) and one charger (100) each year.
    summary, tables = solve_tiny({**LONG_LIVED, "budget_cny": 4100}, duty=FOUR_DIESELS)
    assert models_bought(tables, 2025) == {"e": 2}
    assert models_bought(tables, 2026) == {"e": 2}
    # NPV by hand: 2025: capex 4,100 - resale 2 x 1,000 + fuel 2 x 3,650 + power 2 x 730;
    # 2026: 4,100 - 2,000 + 4 x 730; minus terminal: 4 vans x 2,000 + chargers 100 x 8/10 + 100 x 9/10.
    npv = (4100 - 2000 + 7300 + 1460) + (4100 - 2000 + 2920) - (8000 + 80 + 90)
    assert summary.objective_npv_cny == pytest.approx(npv, abs=1e-3)


def test_more_budget_never_costs_more(solve_tiny):
    tight = solve_tiny({**LONG_LIVED, "budget_cny": 4100}, duty=FOUR_DIESELS)[0]
    loose = solve_tiny({**LONG_LIVED, "budget_cny": 8200}, duty=FOUR_DIESELS)[0]
    assert loose.objective_npv_cny <= tight.objective_npv_cny + 1e-6
    # With 8,200 all four vans and two chargers are bought in 2025: 2025: 8,200 - 4 x 1,000 resale
    # + 4 x 730; 2026: 4 x 730; terminal: 4 x 2,000 + two chargers at 8/10 of 100. NPV 1,880.
    assert loose.objective_npv_cny == pytest.approx(
        (8200 - 4000 + 2920) + 2920 - (8000 + 160), abs=1e-3)


PRICEY_EV = {"vehicles": {"e": {"price_cny": 10000}}}


def test_carbon_cap_forces_minimum_electric(solve_tiny):
    # 5 vans; diesel is cheaper; each diesel emits 9.782 t. A 25 t cap allows floor(25/9.782) = 2
    # diesels, so exactly 3 electric vans (the grid is carbon-free here).
    summary, tables = solve_tiny({**PRICEY_EV, "carbon_cap_t": 25}, duty={"vehicles": 5})
    assert models_bought(tables, 2025) == {"d": 2, "e": 3}
    em = tables["emissions"]["t"].sum()
    assert em == pytest.approx(2 * DIESEL_T_PER_VAN, rel=1e-9)


def test_tighter_cap_never_cheaper(solve_tiny):
    loose = solve_tiny({**PRICEY_EV, "carbon_cap_t": 25}, duty={"vehicles": 5})[0]
    tight = solve_tiny({**PRICEY_EV, "carbon_cap_t": 15}, duty={"vehicles": 5})[0]
    assert tight.objective_npv_cny >= loose.objective_npv_cny - 1e-6
    # one more electric van instead of a diesel: 10,730 - 4,650 = 6,080 (chargers: 2 for 3 or 4 EVs)
    assert tight.objective_npv_cny - loose.objective_npv_cny == pytest.approx(6080, abs=1e-3)


def test_min_ev_share_of_purchases(solve_tiny):
    # 80 % of 5 purchases must be electric: ceil(0.8 x 5) = 4 electric, 1 diesel.
    summary, tables = solve_tiny({**PRICEY_EV, "min_ev_share_of_purchases": 0.8},
                                 duty={"vehicles": 5})
    assert models_bought(tables, 2025) == {"d": 1, "e": 4}
    comp = tables["compliance"]
    row = comp[comp["rule"] == "pilot_ev_share_of_purchases"].iloc[0]
    assert row["achieved"] == pytest.approx(0.8) and bool(row["met"])


def test_need_is_a_lower_bound_surplus_electric_vans_lift_the_share(solve_tiny):
    # Contract §4. A 200 km duty only the diesel van can serve (the electric van's 40 kWh x 0.9 /
    # 0.2 kWh/km = 180 km) and a 50 km duty, one vehicle each, share 0.8: one diesel asks for
    # four electric vans (4 >= 0.8 x 5), three of them beyond the 50 km duty's need.
    # NPV: diesel 1,000 + 200 km x 365 x 0.1 l x 1 CNY = 8,300; four electric vans 8,000, their
    # 4 x 10 kWh a day x 365 x 0.1 CNY = 1,460, two chargers 200: 17,960.
    long = {"name": "long", "vehicle_class": "test-van", "daily_km": 200, "days_per_year": 365,
            "vehicles": 1}
    short = {**long, "name": "short", "daily_km": 50}
    summary, tables = solve_tiny({"min_ev_share_of_purchases": 0.8,
                                  "vehicles": {"e": {"battery_kwh": 40}}},
                                 depot={"duties": [long, short]})
    buys = tables["purchases"].groupby(["duty", "model"])["count"].sum().to_dict()
    assert buys == {("long", "d"): 1, ("short", "e"): 4}
    assert summary.objective_npv_cny == pytest.approx(17960, abs=1e-6)


def test_purchases_are_bounded_by_what_the_share_can_ask(resolve_tiny):
    # the bound behind the test above: diesel at the duty's largest need, electric at that need
    # plus ceil(0.8 / 0.2 x the combustion-capable needs) = 1 + 4 x 2 (both duties here)
    long = {"name": "long", "vehicle_class": "test-van", "daily_km": 200, "days_per_year": 365,
            "vehicles": 1}
    short = {**long, "name": "short", "daily_km": 50}
    inp = resolve_tiny({"min_ev_share_of_purchases": 0.8, "vehicles": {"e": {"battery_kwh": 40}}},
                       depot={"duties": [long, short]})
    assert inp.buy_max_count == {("dep", "long", "d"): 1, ("dep", "short", "d"): 1,
                                 ("dep", "short", "e"): 1 + 8}
    assert resolve_tiny().buy_max_count == {("dep", "run", "d"): 2, ("dep", "run", "e"): 2}


# --- the no-churn share rule (contract §4) ---------------------------------------------------
# A 200 km duty only the diesel van can serve (range 40 x 0.9 / 0.2 = 180 km), one vehicle, and a
# 50 km duty of four electric vans owned since 2024. The electric van: 2,000 CNY, life 4, residual
# 0.2, so it is worth 2,000 x (1 - 0.8 x age / 4): 1,600 at age 1, 1,200 at age 2. Discount 10 %.
LONG = {"name": "long", "vehicle_class": "test-van", "daily_km": 200, "days_per_year": 365,
        "vehicles": 1}
SHORT = {**LONG, "name": "short", "daily_km": 50, "vehicles": 4,
         "fleet": [{"model": "e", "count": 4, "bought": 2024}]}
CHURN = {"min_ev_share_of_purchases": 0.8, "discount_rate": 0.1,
         "vehicles": {"e": {"battery_kwh": 40, "life_years": 4, "residual_share": 0.2}}}


def test_no_electric_vehicle_is_sold_to_pad_the_share(solve_tiny):
    # One diesel (8,300 with its fuel) asks for four electric purchases that count. Selling the
    # four owned vans and buying four new ones would meet the old rule at 5,741.8 (resale 6,400,
    # terminal 4 x 1,600 / 1.1, two chargers); with no churn those four count on neither side. The
    # cheapest plan keeps the owned vans and buys four more that stand in the fleet:
    # 8,300 + 8,000 - (4 x 1,200 + 4 x 1,600) / 1.1 + 8 x 365 CNY of power + 4 chargers x 100
    # = 9,438.18. Selling one owned van and buying five (r = 1: 4 >= 0.8 x 4) costs 36.36 more.
    summary, tables = solve_tiny(CHURN, depot={"duties": [LONG, SHORT]})
    gone = tables["retirements"]
    assert gone[gone["reason"] == "sold early"].empty
    assert models_bought(tables, 2025) == {"d": 1, "e": 4}
    assert summary.objective_npv_cny == pytest.approx(19620 - 11200 / 1.1, abs=1e-6)
    row = tables["compliance"].query("rule == 'pilot_ev_share_of_purchases'").iloc[0]
    assert row["achieved"] == pytest.approx(0.8) and bool(row["met"])


def test_surplus_electric_vans_may_be_sold_when_only_electric_is_bought(solve_tiny):
    # A new 50 km duty buys one electric van (electric is the cheaper here: diesel 1,000 + 1,825 l
    # vs 2,000 - 1,600 / 1.1 + 365), while a duty that no longer needs its two owned vans sells
    # them (A = 2 > B = 1). r = 1: 0 >= 0.8 x 0 holds, since nothing but electric is bought.
    # The rule without its binary (B - 0.8 T - 0.2 A = -0.2) would forbid this plan.
    new = {**LONG, "name": "new", "daily_km": 50}
    idle = {**SHORT, "name": "idle", "vehicles": 0,
            "fleet": [{"model": "e", "count": 2, "bought": 2024}]}
    summary, tables = solve_tiny(CHURN, depot={"duties": [new, idle]})
    gone = tables["retirements"]
    assert gone.loc[gone["reason"] == "sold early", "count"].sum() == 2
    assert models_bought(tables, 2025) == {"e": 1}
    # NPV: 2,000 - resale 2 x 1,600 - terminal 1,600 / 1.1 + 365 of power + one charger 100
    assert summary.objective_npv_cny == pytest.approx(2000 - 3200 - 1600 / 1.1 + 365 + 100,
                                                      abs=1e-6)


def test_vehicles_younger_than_the_holding_period_are_kept(solve_tiny):
    # As above with min_years_before_sale 2: the vans bought in 2024 (age 1) may not be sold, so
    # they stand idle: 2,000 - terminal (1,600 + 2 x 1,200) / 1.1 + 3 x 365 of power (the idle
    # duty's vans run its 50 km too) + two chargers.
    new = {**LONG, "name": "new", "daily_km": 50}
    idle = {**SHORT, "name": "idle", "vehicles": 0,
            "fleet": [{"model": "e", "count": 2, "bought": 2024}]}
    summary, tables = solve_tiny({**CHURN, "min_years_before_sale": 2},
                                 depot={"duties": [new, idle]})
    assert tables["retirements"].query("reason == 'sold early'").empty
    assert summary.objective_npv_cny == pytest.approx(2000 - 4000 / 1.1 + 3 * 365 + 200, abs=1e-6)
    # the same period set on the vehicle model instead of the case
    by_model = merge(CHURN, {"vehicles": {"e": {"min_years_before_sale": 2}}})
    again, _ = solve_tiny(by_model, depot={"duties": [new, idle]})
    assert again.objective_npv_cny == pytest.approx(summary.objective_npv_cny, abs=1e-6)
