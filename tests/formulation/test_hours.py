"""Merged hours (`hour_blocks: true`): which hours merge, and that a block counts its hours.

Where the price is equal over a block, merging is exact for energy: the block's cost is its
length x price x mean power. Each test below has a hand-worked value that holds for 24 hours
and must hold unchanged for the blocks, so a block that forgot its length would fail it.
"""

import numpy as np
import pytest

from evfleet.inputs.hourly import hour_blocks

BLOCKS = {"hour_blocks": True}


def test_blocks_split_at_price_changes_and_profile_spread():
    price = np.array([[1.0] * 4 + [2.0] * 4])
    profile = np.array([[0.0, 0.0, 0.1, 0.5, 0.5, 0.55, 0.9, 0.9]])
    # price splits 0-3 | 4-7; within them the profile spreads at most 0.2:
    # 0,1,2 (spread 0.1) | 3 (0.5 after 0.0 spreads 0.5) ; 4,5 (0.05) | 6,7
    assert hour_blocks(price, profile, 0.2) == ((0, 1, 2), (3,), (4, 5), (6, 7))
    assert hour_blocks(price, profile, 1.0) == ((0, 1, 2, 3), (4, 5, 6, 7))
    assert hour_blocks(price, profile, 0.0) == ((0, 1), (2,), (3,), (4,), (5,), (6, 7))


def test_every_row_must_agree():
    price = np.array([[1.0] * 4, [1.0, 1.0, 3.0, 3.0]])  # a second city's tariff splits at 2
    profile = np.zeros((1, 4))
    assert hour_blocks(price, profile, 0.5) == ((0, 1), (2, 3))


def test_blocks_cover_the_day_in_a_real_case(solve_tiny):
    summary, tables = solve_tiny(BLOCKS)
    energy = tables["energy"]
    hours = energy.groupby("day", observed=True)["hour"].apply(list)
    assert all(h == list(range(24)) for h in hours)  # one row per hour, as without blocks


def test_charging_energy_matches_need_with_blocks(solve_tiny):
    # 2 electric vans (diesel made dear) x 100 km x 20 kWh/100 km = 40 kWh every day, also when the
    # model charges in blocks: the 24 hourly rows of a day carry 40 kWh (each row rounded to
    # 1e-6 kW in the tables: 24 x 0.5e-6 at most).
    summary, tables = solve_tiny({**BLOCKS, "vehicles": {"d": {"price_cny": 1e6}}})
    daily = tables["energy"].groupby("day", observed=True)["charge_kw"].sum()
    assert daily.tolist() == pytest.approx([40.0] * 4, abs=24 * 0.5e-6)


def test_demand_charge_flattens_the_peak_with_blocks(solve_tiny):
    # As in test_charging: 40 kWh spread over 24 hours, peak 40/24 kW, whatever the blocks.
    change = {**BLOCKS, "vehicles": {"d": {"price_cny": 1e6}},
              "cities": {"shenzhen": {"demand_charge_cny_per_kw_month": 30}}}
    summary, tables = solve_tiny(change)
    assert tables["grid"]["peak_kw"].max() == pytest.approx(40 / 24, abs=1e-6)


@pytest.mark.parametrize("change", [{}, BLOCKS], ids=["hourly", "blocks"])
def test_storage_shifts_the_same_energy(solve_tiny, change):
    # Valley 0.5 CNY/kWh 00-08, 1.0 after; storage nearly free, 100 kWh at most, one-way
    # efficiency 0.9. Building load 10 kW x the shipped shape: 70 kWh in the valley, 170 kWh after
    # (catalog/profiles.py). The vans stay diesel (an electric van costs 5,700 CNY a year against
    # 4,650). A full 100 kWh store costs 100/0.9 valley kWh and saves 90 peak kWh:
    # 0.5 x (70 + 100/0.9) + 1.0 x (170 - 90) = 170.556 CNY a day, 365 days.
    tou = {"cities": {"shenzhen": {"tariff": {
        "prices_cny_per_kwh": {"flat": 1.0, "valley": 0.5},
        "schedule": [{"period": "valley", "hours": [[0, 8]]}]}}},
        "storage": {"capex_cny_per_kwh": 0.001, "om_cny_per_kwh_year": 0, "round_trip_efficiency": 0.81}}
    summary, tables = solve_tiny({**tou, **change},
                                 depot={"building_load_kw": 10, "max_storage_kwh": 100})
    assert tables["storage"]["storage_kwh"].iloc[0] == pytest.approx(100.0, abs=1e-6)
    energy_cny = tables["costs"].set_index("category").loc["electricity_energy", "cny"]
    assert energy_cny == pytest.approx(365 * (0.5 * (70 + 100 / 0.9) + 1.0 * (170 - 90)), rel=1e-9)
    soc = tables["energy"].groupby("day", observed=True)["storage_soc_kwh"].max()
    assert soc.tolist() == pytest.approx([100.0] * 4, abs=1e-6)  # full at the end of the valley
