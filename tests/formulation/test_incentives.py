"""The old-truck trade-in (formulation/incentives.py), by hand on TINY's vans made medium trucks.

The scheme pays a medium truck scrapped 1 / 2 / 4 or more years before its end of life 10,000 /
18,000 / 25,000 CNY, and 35,000 for the new-energy truck bought in its place (policy.yaml
trade_in, new-features §F.1), pair by pair in the same depot and year. Subsidies this large
against TINY's 1,000-2,000 CNY vans make selling and replacing always pay.
"""

import pytest

MEDIUM = {"vehicles": {"d": {"trade_in_class": "medium-truck", "life_years": 10},
                       "e": {"trade_in_class": "medium-truck"}}}


def owned(*bought):
    return {"fleet": [{"model": "d", "count": 1, "bought": b} for b in bought]}


def subsidy(tables) -> float:
    return -tables["costs"].set_index("category").loc["trade_in_subsidy", "cny"]


@pytest.mark.parametrize("bought, scrap_cny", [(2016, 10_000), (2017, 18_000), (2018, 18_000),
                                                (2019, 25_000), (2023, 25_000)])
def test_the_scrapping_subsidy_by_years_early(solve_tiny, bought, scrap_cny):
    # one owned truck bought in `bought`, life 10: sold at the start of 2025 it had
    # bought + 10 - 2025 years left (1, 2, 3, 4, 8); the other truck of the need is bought new
    summary, tables = solve_tiny(MEDIUM, duty=owned(bought))
    assert tables["purchases"].groupby("model")["count"].sum().to_dict() == {"e": 2}
    assert subsidy(tables) == pytest.approx(scrap_cny + 35_000, abs=1e-6)


def test_paid_once_per_scrapped_truck_never_at_end_of_life(solve_tiny, resolve_tiny):
    # two owned: one bought 2015 leaves at its end of life in 2025 (no subsidy), one bought
    # 2023 is scrapped 8 years early: one pair, 25,000 + 35,000, though two trucks are bought
    summary, tables = solve_tiny(MEDIUM, duty=owned(2015, 2023))
    assert tables["purchases"]["count"].sum() == 2
    assert subsidy(tables) == pytest.approx(60_000, abs=1e-6)
    inp = resolve_tiny(MEDIUM, duty=owned(2015, 2023))
    assert list(inp.trade_scrap_cny) == [("dep", "run", "d", 2023, 2025)]


def test_nothing_outside_the_scheme_years(resolve_tiny):
    inp = resolve_tiny({**MEDIUM, "start_year": 2027, "end_year": 2027}, duty=owned(2023))
    assert inp.trade_scrap_cny == {} and inp.trade_new_cny == {}


def test_a_truck_that_cannot_be_sold_earns_nothing(solve_tiny):
    # min_years_before_sale 5 holds the 2023 truck in 2025: the electric truck bought beside it
    # pairs with no scrapped truck, so no subsidy is paid
    summary, tables = solve_tiny({**MEDIUM, "min_years_before_sale": 5}, duty=owned(2023))
    assert tables["purchases"]["count"].sum() == 1
    assert subsidy(tables) == pytest.approx(0.0, abs=1e-6)


def test_each_pair_needs_a_truck_bought(solve_tiny):
    # a need of one and two trucks owned: scrapping both pays only with two electric trucks
    # bought (one beyond the need), 2 x (25,000 + 35,000)
    summary, tables = solve_tiny(MEDIUM, duty={**owned(2023, 2023), "vehicles": 1})
    assert tables["purchases"]["count"].sum() == 2
    assert subsidy(tables) == pytest.approx(120_000, abs=1e-6)


def test_an_unknown_trade_in_class_is_refused(resolve_tiny):
    from evfleet.errors import InputError

    with pytest.raises(InputError, match="unknown trade-in class 'medium'.*did you mean 'medium-truck'"):
        resolve_tiny({"vehicles": {"d": {"trade_in_class": "medium"}}})
