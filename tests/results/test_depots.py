"""results/depots.py: the plan depot by depot, worked by hand on tiny cases."""

import pytest

from evfleet.results.depots import COLUMNS, depot_table


def test_one_depot_four_electric_vans_and_a_diesel(solve_tiny):
    # 80 % of 5 purchases electric: 4 electric vans at 10,000 CNY and 1 diesel at 1,000 (41,000
    # CNY of vehicles), 2 chargers for the 4 vans; the diesel burns 100 km x 365 d x 10 l/100 km
    # x 2.68 kg/l = 9.782 t on a carbon-free grid; TINY's connection is 1,000 kW.
    _, tables = solve_tiny({"vehicles": {"e": {"price_cny": 10000}},
                            "min_ev_share_of_purchases": 0.8}, duty={"vehicles": 5})
    table = depot_table(tables)
    assert list(table.columns) == COLUMNS
    row = table.iloc[0].to_dict()
    assert row["depot"] == "dep" and row["year"] == 2025
    assert (row["ev_count"], row["ice_count"], row["ev_bought"], row["ice_bought"]) == (4, 1, 4, 1)
    assert row["vehicle_capex_cny"] == pytest.approx(41000)
    assert row["chargers"] == 2 and row["pv_kw"] == 0 and row["storage_kwh"] == 0
    assert row["connection_kw"] == 1000
    assert row["emissions_t"] == pytest.approx(100 * 365 * 0.10 * 2.68 / 1000)


def test_every_depot_has_its_row_sorted_by_id(solve_tiny):
    # a second depot with the same duty: each buys two electric vans, 2,000 CNY + 730 CNY of
    # electricity + half a 100 CNY charger a year against 1,000 CNY + 3,650 CNY of diesel
    from conftest import TINY
    second = {**TINY["depots"][0], "id": "annex"}
    _, tables = solve_tiny({"depots": [TINY["depots"][0], second]})
    table = depot_table(tables)
    assert list(table["depot"]) == ["annex", "dep"]
    assert list(table["ev_bought"]) == [2, 2] and list(table["ev_count"]) == [2, 2]
    assert list(table["ice_bought"]) == [0, 0] and list(table["chargers"]) == [1, 1]
    assert list(table["vehicle_capex_cny"]) == [4000, 4000]
