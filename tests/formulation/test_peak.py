"""The parcel peak: owned or rented, worked out by hand on TINY's vans.

Ten vans of 100 km a day, half as many again (+5) for a 20-day peak. An electric van-year costs
2,000 + 7,300 kWh x 0.1 = 2,730 CNY and one charger (100 CNY) serves two: ten vans 27,300 + 500.
Owning the five peak vans: 5 x 2,730 + 3 chargers (15 vans need 8) = 13,950 CNY. Renting them:
5 x 20 days x (the day's price + its energy): an electric van's day is 20 kWh at 0.1 = 2 CNY, a
diesel van's 10 l at 1 CNY = 10 CNY.
"""

import pytest

from evfleet.inputs.fleet import peak_count

TEN_VANS = {"vehicles": 10}


def peak(prices: dict) -> dict:
    return {**TEN_VANS, "peak": {"extra_share": 0.5, "days": 20, "rental_cny_per_vehicle_day": prices}}


def test_the_peak_count_rounds_up():
    class P:
        extra_share = 0.6
    assert [peak_count(n, P) for n in (0, 1, 5, 10)] == [0, 2, 8, 16]


@pytest.mark.parametrize("prices, owned, combustion, electric, npv, rental_t", [
    # 100 x (100 + 2) = 10,200 < 13,950: rent five electric vans
    ({"electricity": 100}, 10, 0, 5, 27_300 + 500 + 10_200, 0.0),
    # 100 x (200 + 2) = 20,200 > 13,950: own fifteen (a rented van-peak 4,040 > 2,730 + 100)
    ({"electricity": 200}, 15, 0, 0, 15 * 2730 + 8 * 100, 0.0),
    # a diesel rental at 50: 100 x (50 + 10) = 6,000, cheaper still; its 1,000 l emit 2.68 t
    ({"electricity": 100, "diesel": 50}, 10, 5, 0, 27_300 + 500 + 6_000, 2.68),
])
def test_a_peak_is_rented_when_renting_is_cheaper_than_owning(solve_tiny, prices, owned, combustion,
                                                               electric, npv, rental_t):
    summary, tables = solve_tiny(duty=peak(prices))
    row = tables["peak"].iloc[0]
    assert (row["need"], row["on_road"], row["days"]) == (10, 15, 20)
    assert (row["owned"], row["rented_combustion"], row["rented_electric"]) == (owned, combustion, electric)
    assert summary.objective_npv_cny == pytest.approx(npv, abs=1e-3)
    costs = tables["costs"].set_index("category")["cny"]
    assert costs["peak_rental"] == pytest.approx(row["rental_cny"], abs=1e-6)
    e = tables["emissions"]
    assert e.loc[e["source"] == "peak rentals", "t"].sum() == pytest.approx(rental_t, abs=1e-9)


def test_the_policy_prices_a_class_it_lists(resolve_tiny):
    # test-van is not in policy.yaml's peak_rental: nothing can be rented, the peak is owned
    inp = resolve_tiny(duty={**TEN_VANS, "peak": {"extra_share": 0.5, "days": 20}})
    assert inp.peak_need_count == {("dep", "run", 2025): 15}
    assert inp.rental_cny_per_vehicle_day == {}
    # a class it lists: the light van rents at 125 CNY a day plus its energy
    change = {"vehicles": {"e": {"vehicle_class": "light-van"}, "d": {"vehicle_class": "light-van"}}}
    inp = resolve_tiny(change, duty={**TEN_VANS, "vehicle_class": "light-van",
                                     "peak": {"extra_share": 0.5, "days": 20}})
    assert set(inp.rental_cny_per_vehicle_day) == {("dep", "run", "diesel", 2025),
                                                   ("dep", "run", "electricity", 2025)}
    # the catalog's diesel light van uses 10 l/100 km, TINY's 10 too, at 1 CNY/l: 125 + 10
    assert inp.rental_cny_per_vehicle_day["dep", "run", "diesel", 2025] == pytest.approx(135.0)


def test_like_for_like_owns_a_peak_no_rental_can_meet(solve_tiny):
    # no rental priced: the plan and like-for-like both own the fifteen vans (like-for-like
    # renews the electric vans TINY's cheapest model: none owned, so its main model is `d`,
    # 15 x 4,650)
    summary, tables = solve_tiny(duty=peak({}))
    assert tables["peak"].iloc[0]["owned"] == 15
    assert summary.objective_npv_cny == pytest.approx(15 * 2730 + 8 * 100, abs=1e-3)
    assert summary.baseline_npv_cny == pytest.approx(15 * 4650, abs=1e-3)
