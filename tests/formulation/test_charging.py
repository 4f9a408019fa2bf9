"""Charger counts and hourly charging."""

import pytest

from conftest import FOUR_TRIKES, TRIKES, merge


def test_chargers_are_ceil_of_evs_over_vehicles_per_charger(solve_tiny):
    # 5 electric vans, 2 per charger, power ample: ceil(5/2) = 3 chargers.
    summary, tables = solve_tiny(duty={"vehicles": 5})
    ch = tables["chargers"]
    assert ch[ch["year"] == 2025]["installed"].sum() == 3


def test_charging_energy_matches_need_every_day(solve_tiny):
    # 2 vans x 100 km x 20 kWh/100 km = 40 kWh on every representative day.
    summary, tables = solve_tiny()
    daily = tables["energy"].groupby("day", observed=True)["charge_kw"].sum()
    assert len(daily) == 4  # the default number of representative days (policy.yaml)
    assert daily.tolist() == pytest.approx([40.0] * 4, abs=1e-6)


def test_demand_charge_flattens_the_peak(solve_tiny):
    # On the two-part tariff (connection 1,000 kW >= 315 kVA) with a flat energy price, the cheapest
    # way to deliver 40 kWh a day is evenly over 24 hours: a peak of 40/24 kW. Every hour has
    # intake room: the smallest plugged-in share 0.1 x 2 vans x 50 kW = 10 kW > 40/24.
    summary, tables = solve_tiny({"cities": {"shenzhen": {"demand_charge_cny_per_kw_month": 30}}})
    grid = tables["grid"]
    assert grid["peak_kw"].max() == pytest.approx(40 / 24, abs=1e-6)
    assert bool(grid["demand_charged"].iloc[0])
    demand = tables["costs"].set_index("category").loc["electricity_demand", "cny"]
    assert demand == pytest.approx(40 / 24 * 30 * 12, abs=1e-4)


def test_no_demand_charge_below_two_part_threshold(solve_tiny):
    summary, tables = solve_tiny({"cities": {"shenzhen": {"demand_charge_cny_per_kw_month": 30}}},
                                 depot={"grid_kw": 300})
    assert tables["costs"].set_index("category").loc["electricity_demand", "cny"] == 0
    assert not bool(tables["grid"]["demand_charged"].iloc[0])


def test_vans_that_cannot_take_their_energy_while_plugged_in_are_not_bought(solve_tiny):
    # At 1 kW intake a van takes at most 1 kW x the 11 hours every van is plugged in (20-07 h,
    # catalog/profiles.PLUGGED_SHARE) = 11 kWh a day, short of its 20 kWh; the test class has no
    # public station or swap plan: diesel vans, 2 x (1,000 + 3,650).
    summary, tables = solve_tiny({"vehicles": {"e": {"max_charge_kw": 1}}})
    assert set(tables["purchases"]["model"]) == {"d"}
    assert summary.objective_npv_cny == pytest.approx(2 * 4650, abs=1e-6)
    reason = tables["excluded"].set_index("model").loc["e", "reason"]
    assert "11 h all vehicles are plugged in" in reason


@pytest.mark.parametrize("charger_kw, chargers", [
    (2, 2),  # 2 kW x 11 h = 22 kWh a night: one van's 20 kWh, not two, though it serves two
    (4, 1),  # 44 kWh: both vans on one charger, one after the other
])
def test_the_energy_each_van_needs_sets_the_chargers(solve_tiny, charger_kw, chargers):
    # NPV: 2 vans 4,000 + chargers x 100 + 14,600 kWh x 0.1; over the day the vans take
    # 40 kWh within 2 x charger_kw x the plug-in shares (14.5 h): 58 or 116 kWh.
    summary, tables = solve_tiny({"chargers": {"c": {"power_kw": charger_kw}}})
    assert tables["chargers"]["installed"].sum() == chargers
    assert summary.objective_npv_cny == pytest.approx(4000 + 100 * chargers + 1460, abs=1e-6)


def test_chargers_per_electric_vehicle_are_reported_against_the_pilot_figure(solve_tiny):
    # 5 vans, 3 chargers: 0.6 chargers per electric vehicle against the pilot's 1.0 (policy.yaml)
    _, tables = solve_tiny(duty={"vehicles": 5})
    comp = tables["compliance"].set_index("rule")
    assert comp.loc["pilot_chargers_per_ev", "achieved"] == pytest.approx(0.6)
    assert comp.loc["pilot_chargers_per_ev", "required"] == 1.0
    assert not bool(comp.loc["pilot_chargers_per_ev", "met"])


# --- supplies: chargers that fit the class, public stations, battery swap ---------------------
TRIKE_POWER_CNY = 4 * 2.5 * 365 * 0.1  # 4 x 50 km x 5 kWh/100 km a day at 0.1 CNY/kWh


def test_a_tricycle_depot_gets_ports_not_van_chargers(solve_tiny):
    # 1.5 kW x 11 h covers a tricycle's 2.5 kWh, so each port serves one: 4 ports, 120 CNY. The
    # van charger would serve two tricycles each (2 x 40 = 80 CNY) but does not fit them.
    summary, tables = solve_tiny(TRIKES, depot=FOUR_TRIKES)
    ch = tables["chargers"].groupby("charger")["installed"].sum().to_dict()
    assert ch == {"port": 4}
    assert tables["chargers"]["classes"].tolist() == ["test-trike"]  # chargers.csv says whom it fits
    assert summary.objective_npv_cny == pytest.approx(2000 + 120 + TRIKE_POWER_CNY, abs=1e-6)
    charging = tables["charging"]
    assert charging[["supply", "vehicles"]].values.tolist() == [["port", 4]]
    assert charging["kwh"].sum() == pytest.approx(4 * 2.5 * 365)
    # were the van charger to fit every class, two of them would do it for 80 CNY
    open_c = merge(TRIKES, {"chargers": {"c": {"classes": ["test-van", "test-trike"]}}})
    summary, tables = solve_tiny(open_c, depot=FOUR_TRIKES)
    assert tables["chargers"].groupby("charger")["installed"].sum().to_dict() == {"c": 2}
    assert summary.objective_npv_cny == pytest.approx(2000 + 80 + TRIKE_POWER_CNY, abs=1e-6)


@pytest.mark.parametrize("fee_per_month, supply, npv", [
    (5, "swap", 2000 + 4 * 12 * 5),  # 60 CNY a year beats a port and its power: 30 + 91.25
    (20, "port", 2000 + 120 + TRIKE_POWER_CNY),  # 240 CNY a year does not
])
def test_tricycles_swap_when_the_fee_beats_ports_and_power(solve_tiny, fee_per_month, supply, npv):
    swap = merge(TRIKES, {"vehicles": {"t": {"swap": {"fee_cny_per_month": fee_per_month}}}})
    summary, tables = solve_tiny(swap, depot=FOUR_TRIKES)
    assert tables["charging"]["supply"].tolist() == [supply]
    assert summary.objective_npv_cny == pytest.approx(npv, abs=1e-6)
    swapped = tables["costs"].set_index("category").loc["battery_swap", "cny"]
    assert swapped == pytest.approx(4 * 12 * fee_per_month if supply == "swap" else 0.0)


# Public stations for TINY's vans: the flat 0.1 CNY/kWh plus a 0.2 fee, a 6-minute detour at
# 10 CNY/h once a working day (a 20 kWh day fits the 90 kWh usable pack): a van a year pays
# 7,300 kWh x 0.3 + 365 x 0.1 h x 10 = 2,555 CNY. At the depot: 730 CNY of power and half a
# 100 CNY charger. The depot has no connection (grid_kw 0): charging there needs an upgrade of
# 40 kWh / 24 h = 1.67 kW at least, 10 CNY/kW plus a fixed cost, worth 29/30 of it at the end
# (30-year book life, policy.yaml), so it costs a thirtieth.
PUBLIC = {"public_charging": {"classes": ["test-van"], "service_fee_cny_per_kwh": 0.2,
                              "detour_minutes_per_session": 6, "driver_cny_per_hour": 10}}


def no_grid(fixed_cny):
    return {"grid_kw": 0, "grid_upgrade": {"max_kw": 100, "cost_cny_per_kw": 10,
                                           "fixed_cny": fixed_cny}}


def test_a_depot_at_its_grid_limit_charges_in_public_when_the_upgrade_is_dear(solve_tiny):
    # fixed cost 150,000: the upgrade's 5,000 a thirtieth, plus 5,560 for vans, one charger
    # shared by both and power, beats neither public charging (4,000 + 2 x 2,555 = 9,110) nor, barely, two diesels
    # (9,300): the vans charge in public.
    summary, tables = solve_tiny(PUBLIC, depot=no_grid(150000))
    assert tables["charging"][["supply", "vehicles"]].values.tolist() == [["public", 2]]
    assert tables["chargers"].empty and tables["grid"]["added_kw"].sum() == 0
    assert summary.objective_npv_cny == pytest.approx(4000 + 2 * 2555, abs=1e-6)
    assert tables["costs"].set_index("category").loc["public_charging", "cny"] == pytest.approx(5110)


def test_the_same_depot_builds_chargers_when_the_upgrade_is_cheap(solve_tiny):
    # fixed cost 100: 4,000 + 100 + 1,460 + (100 + 10 x 40 / 24) / 30 = 5,563.89
    summary, tables = solve_tiny(PUBLIC, depot=no_grid(100))
    assert tables["charging"][["supply", "vehicles"]].values.tolist() == [["c", 2]]
    assert tables["grid"]["added_kw"].sum() == pytest.approx(40 / 24, abs=1e-6)
    assert summary.objective_npv_cny == pytest.approx(5560 + (100 + 10 * 40 / 24) / 30, abs=1e-6)


def test_public_charging_within_its_share_of_the_duty(solve_tiny):
    # at most half the vans' energy in public: one van on public, the other at the depot, pays
    # the dear upgrade (4,000 + 2,555 + 730 + 100 + 5,000 and more); two diesels (9,300) are
    # cheaper.
    capped = merge(PUBLIC, {"public_charging": {"max_share_of_duty_energy": 0.5}})
    summary, tables = solve_tiny(capped, depot=no_grid(150000))
    assert set(tables["purchases"]["model"]) == {"d"}
    assert summary.objective_npv_cny == pytest.approx(9300, abs=1e-6)


def test_the_vehicles_intake_limits_charging_in_the_valley(solve_tiny):
    # Vans that take 2 kW: one a charger (2 x 11 h = 22 kWh a night covers 20, not 40), so two
    # chargers. Valley 0.05 CNY/kWh 00-08: every van plugged in 00-07, 60 % at 07-08
    # (PLUGGED_SHARE), so at most (7 + 0.6) h x 2 x 2 kW = 30.4 kWh of the 40 there, 9.6 kWh at
    # 0.1: 365 x (30.4 x 0.05 + 9.6 x 0.1) = 905.2 CNY a year.
    valley = {"cities": {"shenzhen": {"tariff": {
        "prices_cny_per_kwh": {"flat": 0.1, "valley": 0.05},
        "schedule": [{"period": "valley", "hours": [[0, 8]]}]}}},
        "vehicles": {"e": {"max_charge_kw": 2}}}
    summary, tables = solve_tiny(valley)
    assert tables["chargers"]["installed"].sum() == 2
    assert summary.objective_npv_cny == pytest.approx(4000 + 200 + 905.2, abs=1e-6)


def test_a_swap_cabinet_charges_its_packs_while_the_tricycles_are_out(solve_tiny):
    # A depot-owned swap cabinet (charges_any_hour): 10 kW, 100 CNY, four tricycles. A midday
    # valley at 0.01 CNY/kWh (10-15 h) finds the tricycles out (10 % plugged in) but their packs
    # in the cabinet: 5 h x 4 packs x 1.5 kW = 30 kWh >= the 10 kWh a day, all at 0.01:
    # 2,000 + 100 + 3,650 kWh x 0.01 = 2,136.5. Four ports (120 CNY) could take 3 kWh a day in
    # the valley at most, the rest at 0.1: 120 + 365 x (0.03 + 0.7) = 386.5 more than the tricycles.
    cabinet = merge(TRIKES, {
        "cities": {"shenzhen": {"tariff": {"prices_cny_per_kwh": {"flat": 0.1, "valley": 0.01},
                                           "schedule": [{"period": "valley", "hours": [[10, 15]]}]}}},
        "chargers": {"cab": {"power_kw": 10, "price_cny": 100, "life_years": 1,
                             "vehicles_per_charger": 4, "classes": ["test-trike"],
                             "charges_any_hour": True}}})
    summary, tables = solve_tiny(cabinet, depot=FOUR_TRIKES)
    assert tables["charging"][["supply", "vehicles"]].values.tolist() == [["cab", 4]]
    assert summary.objective_npv_cny == pytest.approx(2136.5, abs=1e-6)


def test_a_shared_chargers_power_limits_charging_in_the_valley(solve_tiny):
    # One 4 kW charger at 200 CNY serves both vans (4 x 11 h = 44 >= 2 x 20 kWh). Valley
    # 0.05 CNY/kWh 00-08: the vans could take 2 x 50 kW, the charger gives 4 kW: 8 h x 4 kW =
    # 32 kWh there, 8 kWh at 0.1: 365 x (32 x 0.05 + 8 x 0.1) = 876 CNY a year. A second
    # charger would put all 40 kWh in the valley (730 CNY) for 200 CNY more: not worth it.
    valley = {"cities": {"shenzhen": {"tariff": {
        "prices_cny_per_kwh": {"flat": 0.1, "valley": 0.05},
        "schedule": [{"period": "valley", "hours": [[0, 8]]}]}}},
        "chargers": {"c": {"power_kw": 4, "price_cny": 200}}}
    summary, tables = solve_tiny(valley)
    assert tables["chargers"]["installed"].sum() == 1
    assert summary.objective_npv_cny == pytest.approx(4000 + 200 + 876, abs=1e-6)


@pytest.mark.parametrize("wallbox_cny, chargers", [
    (30, {"w": 2}),  # 2 kW x 11 h = 22 kWh: one van a wallbox, 2 x 30 = 60 < one fast charger 100
    (60, {"c": 1}),  # 2 x 60 = 120 > 100: the 100 kW charger serves both vans
])
def test_wallboxes_by_energy_or_a_fast_charger_where_cheaper(solve_tiny, wallbox_cny, chargers):
    wallbox = {"chargers": {"w": {"power_kw": 2, "price_cny": wallbox_cny, "life_years": 1,
                                  "vehicles_per_charger": 2}}}
    summary, tables = solve_tiny(wallbox)
    assert tables["chargers"].groupby("charger")["installed"].sum().to_dict() == chargers
    capex = tables["costs"].set_index("category").loc["capex_chargers", "cny"]
    assert capex == pytest.approx(min(2 * wallbox_cny, 100))


def test_public_stations_price_energy_at_the_tariffs_of_the_horizon(solve_tiny):
    # As above over 2026-2027, the city's tariff 0.1 CNY/kWh in 2026 and 0.3 from 2027: a
    # station's energy costs their mean over the horizon, 0.2, plus the 0.2 fee. A van-year in
    # public: 7,300 kWh x 0.4 + 365 detours x 0.1 h x 10 CNY/h = 3,285 CNY, the same each year;
    # diesel is priced out (5,000 CNY a van), the upgrade dear: both vans charge in public.
    change = merge(PUBLIC, {"start_year": 2026, "end_year": 2027,
                            "vehicles": {"d": {"price_cny": 5000}},
                            "cities": {"shenzhen": {"tariff_changes": {
                                2027: {"prices_cny_per_kwh": {"flat": 0.3}, "schedule": []}}}}})
    summary, tables = solve_tiny(change, depot=no_grid(150000))
    assert set(tables["charging"]["supply"]) == {"public"}
    public = tables["costs"].set_index(["category", "year"])["cny"]["public_charging"]
    assert public.tolist() == pytest.approx([2 * 3285, 2 * 3285], rel=1e-9)


def test_vans_swap_at_the_public_price_with_their_detour_when_that_beats_public_charging(solve_tiny):
    # TINY's vans with a swap plan of 10 CNY a month, energy at the public station's price
    # (energy_cny_per_kwh null: 0.1 flat + the 0.2 fee) and a 3-minute detour a swap, one a
    # working day (20 kWh fit the 90 kWh usable pack), at 10 CNY/h. A van-year swapping:
    # 120 + 7,300 kWh x 0.3 + 365 x 0.05 h x 10 = 2,492.5 CNY; in public 2,555 (above); a
    # diesel van 1,000 + 3,650 l of fuel = 4,650 against 2,000 + 2,492.5; the upgrade dear.
    change = merge(PUBLIC, {"vehicles": {"e": {"swap": {
        "fee_cny_per_month": 10, "energy_cny_per_kwh": None, "detour_minutes_per_swap": 3}}}})
    summary, tables = solve_tiny(change, depot=no_grid(150000))
    assert tables["charging"]["supply"].tolist() == ["swap"]
    assert summary.objective_npv_cny == pytest.approx(2 * (2000 + 2492.5), rel=1e-9)
    swapped = tables["costs"].set_index("category").loc["battery_swap", "cny"]
    assert swapped == pytest.approx(2 * 2492.5, rel=1e-9)


# --- the midday top-up ------------------------------------------------------------------------
# TINY's van `e` with a 15 kWh battery: 13.5 kWh usable (policy 0.9), a 67.5 km range for a
# 100 km day of 20 kWh. Midday is dear (12-13 h 0.3, 13-14 h 0.2 CNY/kWh, else 0.1) so the vans
# charge there only what the rule makes them: 20 - 13.5 = 6.5 kWh each.
SMALL_BATTERY = {"vehicles": {"e": {"battery_kwh": 15, "max_charge_kw": 5}},
                 "cities": {"shenzhen": {"tariff": {
                     "prices_cny_per_kwh": {"flat": 0.1, "peak": 0.3, "mid": 0.2},
                     "schedule": [{"period": "peak", "hours": [[12, 13]]},
                                  {"period": "mid", "hours": [[13, 14]]}]}}}}
TOP_UP = {"top_up": {"start_hour": 12, "hours": 2}}


def test_a_van_short_of_its_day_is_excluded_without_a_top_up(solve_tiny):
    # 67.5 km < 100 km: diesel vans, 2 x (1,000 + 3,650 of fuel)
    summary, tables = solve_tiny(SMALL_BATTERY)
    assert set(tables["purchases"]["model"]) == {"d"}
    assert summary.objective_npv_cny == pytest.approx(2 * 4650, abs=1e-6)
    assert tables["excluded"].set_index("model").loc["e", "reason"].startswith(
        "range 68 km < daily_km 100 km")


def test_a_midday_top_up_charges_what_the_battery_cannot_carry(solve_tiny):
    # 67.5 km >= 50 km: with the top-up the van serves. In the window 12-14 h the vans are back
    # (1 - plugged share 0.15 = 0.85 of them, catalog/profiles) at 5 kW: 4.25 kW each an hour,
    # 8.5 kW for the two. They must charge 2 x 6.5 = 13 kWh there: 8.5 at 13 h (0.2), the
    # remaining 4.5 at 12 h (0.3); the other 27 kWh at night at 0.1. One charger tops up one van
    # (5 kW x 1.7 h = 8.5 kWh < 2 x 6.5), so two chargers although `c` serves two a night.
    # NPV: 2 x 2,000 + 2 x 100 + 365 x (4.5 x 0.3 + 8.5 x 0.2 + 27 x 0.1) = 6,298.75.
    summary, tables = solve_tiny(SMALL_BATTERY, duty=TOP_UP)
    assert set(tables["purchases"]["model"]) == {"e"}
    assert tables["chargers"]["installed"].sum() == 2
    by_hour = tables["energy"].groupby("hour")["charge_kw"].sum() / 4  # mean over the 4 days
    assert by_hour[12] == pytest.approx(4.5, abs=1e-6)
    assert by_hour[13] == pytest.approx(8.5, abs=1e-6)
    assert summary.objective_npv_cny == pytest.approx(6298.75, abs=1e-4)


def test_a_top_up_cannot_stretch_a_day_past_two_batteries(solve_tiny):
    # 140 km a day: 67.5 km < 70 km, excluded even with the top-up
    _, tables = solve_tiny(SMALL_BATTERY, duty={**TOP_UP, "daily_km": 140})
    assert set(tables["purchases"]["model"]) == {"d"}
    assert tables["excluded"].set_index("model").loc["e", "reason"].startswith(
        "range 68 km < half of daily_km 140 km")
