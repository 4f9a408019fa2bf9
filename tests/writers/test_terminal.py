"""The terminal plan: the fleet share and the share of purchases side by side, misses of the rules
the plan is held to, and the chargers-per-vehicle ratio as a reference, never as a miss."""

from pathlib import Path

import pytest

from evfleet.writers.terminal import plan_text

PRICEY_EV = {"vehicles": {"e": {"price_cny": 10000}}}


@pytest.fixture
def four_of_five(solve_tiny):
    # 80 % share asked of 5 purchases: 4 electric vans and 1 diesel (the electric van is dear);
    # the 4 vans share 2 chargers (2 a charger): 0.5 chargers per electric vehicle against the
    # pilot cities' reference of 1. Every rule the plan is held to is met.
    return solve_tiny({**PRICEY_EV, "min_ev_share_of_purchases": 0.8}, duty={"vehicles": 5})


def test_both_shares_are_shown_and_the_charger_ratio_is_a_reference(four_of_five):
    summary, tables = four_of_five
    text = plan_text(summary, tables, Path("out"))
    header, row = [line for line in text.splitlines() if line.startswith(("year", "2025"))][:2]
    assert "EV % fleet" in header and "EV % bought" in header
    # 4 of 5 in service are electric (fleet 80 %), 4 of 5 bought (80 %)
    cells = row.split()
    assert cells[cells.index("80%")] == "80%" and cells.count("80%") == 2
    assert "not met" not in text
    assert ("for reference 2025: 0.50 depot chargers per electric vehicle (the pilot cities' "
            "public and private ratio is about 1:1)") in text


def test_a_missed_rule_is_still_reported(four_of_five):
    summary, tables = four_of_five
    comp = tables["compliance"].copy()
    comp.loc[comp["rule"] == "pilot_ev_share_of_purchases", ["achieved", "met"]] = [0.6, False]
    text = plan_text(summary, {**tables, "compliance": comp}, Path("out"))
    assert "not met 2025: pilot_ev_share_of_purchases required 0.8, achieved 0.6" in text
    assert "pilot_chargers_per_ev" not in text


def test_the_plan_in_chinese_with_money_in_wan_and_columns_aligned(four_of_five):
    # 4 electric vans at 10,000 CNY, 1 diesel at 1,000 and 2 chargers at 100: capex 41,200 CNY,
    # 4.12 万 -> "4 万"
    summary, tables = four_of_five
    text = plan_text(summary, tables, Path("out"), "zh")
    lines = text.splitlines()
    assert lines[0].startswith("tiny：最优，净现值成本 ")
    header = next(line for line in lines if line.startswith("年份"))
    row = next(line for line in lines if line.startswith("2025"))
    from evfleet.writers.terminal import columns_wide
    assert columns_wide(header) == columns_wide(row)  # wide characters count twice
    assert row.split()[1:3] == ["4", "万"]
    assert "参考 2025 年：每辆新能源车 0.50 台场站充电设备" in text
    assert lines[-1] == "已写入 out/"
