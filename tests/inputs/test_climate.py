"""Temperature (inputs/climate.py): energy per km and range by month, worked out by hand from the
van curve of models/policy.yaml (new-features §B.2) and the cities' January and July means."""

from datetime import date, timedelta

import pytest

from conftest import write_case
from evfleet.inputs import load_inputs

TRUCK_DUTY = {"name": "long", "vehicle_class": "light-truck", "daily_km": 200,
              "days_per_year": 300, "vehicles": 1}


def truck_case(tmp_path, city):
    data = {"name": f"trucks-{city}", "city": city, "start_year": 2025, "end_year": 2025,
            "discount_rate": 0.05, "depots": [{"id": "dep", "grid_kw": 500, "duties": [TRUCK_DUTY]}]}
    return load_inputs(write_case(tmp_path, data, f"{city}.yaml"))


def test_a_truck_that_covers_200_km_nominally_is_excluded_by_a_changchun_january(tmp_path):
    # e-light-truck: 100 kWh x 0.9 usable / 0.36 kWh/km = 250 km at 20 °C. Changchun's January
    # mean -14.7 °C, +2 °C by day: -12.7 °C, between the curve's -20 (1.60, 0.85) and -10 (1.40,
    # 0.92): energy x 1.454. The first trip starts cold-soaked at the mean minimum, -19.8 °C:
    # usable battery x (0.85 + 0.02 x 0.07) = 0.8514. 250 x 0.8514 / 1.454 = 146.4 km.
    cold = truck_case(tmp_path, "changchun")
    reasons = {(e[2]): e[3] for e in cold.excluded}
    assert reasons["e-light-truck"] == "range 146 km in January < daily_km 200 km"
    assert ("dep", "long", "e-light-truck") not in cold.servable
    # Haikou's January is 18.1 °C (20.1 by day): the truck keeps its 250 km and serves
    warm = truck_case(tmp_path, "haikou")
    assert ("dep", "long", "e-light-truck") in warm.servable


# TINY's city held at -8 °C all year (January = July), its van on the van curve: -6 °C by day,
# between 0 (1.22, 0.97) and -10 (1.40, 0.92): energy x (1.22 + 0.6 x 0.18) = 1.328.
COLD_ALL_YEAR = {"cities": {"shenzhen": {"jan_mean_c": -8, "jul_mean_c": -8}},
                 "vehicles": {"e": {"temperature_curve": "van-ptc-lfp"}}}


def test_cold_raises_every_days_charging_energy_by_the_curves_factor(solve_tiny, resolve_tiny):
    inp = resolve_tiny(COLD_ALL_YEAR)
    assert list(inp.day_energy_factor.values()) == pytest.approx([1.328] * len(inp.days))
    assert inp.charge_kwh_per_vehicle_year["dep", "run", "e"] == pytest.approx(20 * 365 * 1.328)
    summary, tables = solve_tiny(COLD_ALL_YEAR)
    daily = tables["energy"].groupby("day")["charge_kw"].sum()
    assert daily.tolist() == pytest.approx([2 * 20 * 1.328] * len(daily))
    # 2 vans 4,000 + one charger 100 (26.6 kWh a van fits 50 kW x 11 h twice over) +
    # 365 x 53.12 kWh x 0.1 CNY
    assert summary.objective_npv_cny == pytest.approx(4100 + 365 * 53.12 * 0.1, abs=1e-6)


def test_the_years_energy_is_the_weighted_sum_of_the_days(resolve_tiny):
    # a real year (Changchun's curve of months): whatever the days' factors, the year's kWh of a
    # van is its 20 °C day x the sum over days of weight x factor, and the weights sum to 365
    inp = resolve_tiny({"cities": {"shenzhen": {"jan_mean_c": -14.7, "jul_mean_c": 23.7}},
                        "vehicles": {"e": {"temperature_curve": "van-ptc-lfp"}}})
    by_day = {r: inp.day_energy_factor["dep", "e", r] for r in inp.days}
    assert sum(inp.day_weight[r] * by_day[r] for r in inp.days) * 20 == pytest.approx(
        inp.charge_kwh_per_vehicle_year["dep", "run", "e"])
    assert max(by_day.values()) > 1.2 and min(by_day.values()) < 1.1  # winter and summer days


def test_energy_csv_gives_each_days_month_and_temperature(solve_tiny, resolve_tiny):
    # held at -8 °C all year: every day at -6 °C by day; its month is where most members fall
    _, tables = solve_tiny(COLD_ALL_YEAR)
    assert tables["energy"]["temperature_c"].tolist() == pytest.approx([-6.0] * len(tables["energy"]))
    inp = resolve_tiny(COLD_ALL_YEAR)
    for r, days in inp.day_members.items():
        months = [(date(2023, 1, 1) + timedelta(days=i)).month for i in days]
        assert inp.day_month[r] == max(set(months), key=months.count)
    by_day = tables["energy"].groupby("day")["month"].unique()
    assert {r: list(m) for r, m in by_day.items()} == {r: [inp.day_month[r]] for r in inp.days}


CHANGCHUN_MONTHS = {"cities": {"shenzhen": {"jan_mean_c": -14.7, "jul_mean_c": 23.7}},
                    "vehicles": {"e": {"temperature_curve": "van-ptc-lfp"}}}


def test_the_month_where_the_cold_binds_is_a_day_of_its_own(resolve_tiny):
    # Changchun's January, -12.7 °C by day, costs the van 1.454 x its 20 °C energy (above). The
    # clustered days average January with warmer days; with January kept apart the hardest day
    # is January itself: 31 days, members 1-31 January, factor 1.454, so chargers are sized for it
    plain = resolve_tiny({"cities": CHANGCHUN_MONTHS["cities"]})  # no curve: nothing binds
    inp = resolve_tiny(CHANGCHUN_MONTHS)
    assert len(inp.days) == len(plain.days) + 1
    assert inp.day_members["r-0101"] == tuple(range(31)) and inp.day_weight["r-0101"] == 31
    assert inp.day_energy_factor["dep", "e", "r-0101"] == pytest.approx(1.454, abs=5e-4)
    assert max(inp.day_energy_factor.values()) == inp.day_energy_factor["dep", "e", "r-0101"]
    assert sum(inp.day_weight.values()) == 365


def test_a_mild_year_keeps_the_clustered_days(resolve_tiny):
    # Haikou's months (18.1 / 29.1 °C): the hardest month's factor (July, air conditioning) is
    # within 2 % of the hardest clustered day's, so no day is added
    mild = {"cities": {"shenzhen": {"jan_mean_c": 18.1, "jul_mean_c": 29.1}},
            "vehicles": {"e": {"temperature_curve": "van-ptc-lfp"}}}
    assert resolve_tiny(mild).days == resolve_tiny({"cities": mild["cities"]}).days
