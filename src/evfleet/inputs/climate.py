"""Temperature for Inputs: each city's month by month, and what it does to an electric vehicle's
energy per km and usable battery (the catalog's temperature curves, policy.yaml).

A month's mean temperature is a sinusoid through the city's January and July means (the
reference's advice: within about 1.5 °C of the monthly normals in every pilot city); couriers
drive by day, `operating_above_mean_c` warmer. A representative day stands for its member days,
so its energy factor is the mean of their months' factors: the year's energy is then exact.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np

from evfleet.catalog.schema import City, Policy, VehicleModel

MONTHS = 12
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
YEAR_START = date(2023, 1, 1)  # a year of 365 days, as the representative days (catalog.repdays)
DAY_MONTH = tuple((YEAR_START + timedelta(days=i)).month for i in range(365))  # day -> 1..12


def month_mean_c(city: City, month: int) -> float | None:
    """The month's mean temperature [°C]: mid + half the July-January swing x cos, July warmest;
    None when the city gives no temperatures."""
    if city.jan_mean_c is None or city.jul_mean_c is None:
        return None
    mid, half = (city.jan_mean_c + city.jul_mean_c) / 2, (city.jul_mean_c - city.jan_mean_c) / 2
    return mid + half * math.cos(2 * math.pi * (month - 7) / MONTHS)


def factors(vehicle: VehicleModel, policy: Policy, temperature_c: float | None) -> tuple[float, float]:
    """(energy per km, usable battery) relative to 20 °C at this temperature: the model's curve,
    linear between its points and flat beyond them; (1, 1) without a curve or a temperature."""
    if vehicle.temperature_curve is None or temperature_c is None:
        return 1.0, 1.0
    points = np.array(policy.temperature_curves[vehicle.temperature_curve].points)
    return (float(np.interp(temperature_c, points[:, 0], points[:, 1])),
            float(np.interp(temperature_c, points[:, 0], points[:, 2])))


def month_factors(vehicle: VehicleModel, policy: Policy, city: City) -> list[tuple[float, float]]:
    """The factors of each month 1..12 at the month's daytime temperature."""
    out = []
    for month in range(1, MONTHS + 1):
        mean = month_mean_c(city, month)
        out.append(factors(vehicle, policy, None if mean is None else
                           mean + policy.operating_above_mean_c))
    return out


def shortest_range(vehicle: VehicleModel, policy: Policy, city: City,
                   range_20c_km: float) -> tuple[float, str]:
    """The model's daily range in the city's hardest month [km], and that month's name.

    In January a city with `jan_min_c` starts the day with a battery cold-soaked at the month's
    mean daily minimum: its usable capacity is the curve's at that temperature, its energy per
    km the daytime one (new-features §0 and §A.2: the first trip of the day, E)."""
    by_month = month_factors(vehicle, policy, city)
    if city.jan_min_c is not None:
        by_month[0] = (by_month[0][0], factors(vehicle, policy, city.jan_min_c)[1])
    ranges = [range_20c_km * cap / cons for cons, cap in by_month]
    month = int(np.argmin(ranges))
    return ranges[month], MONTH_NAMES[month]


def day_factors(vehicle: VehicleModel, policy: Policy, city: City,
                members: dict[str, tuple[int, ...]]) -> dict[str, float]:
    """Representative day -> the mean over its member days of their month's energy factor."""
    by_month = [cons for cons, _ in month_factors(vehicle, policy, city)]
    return {r: float(np.mean([by_month[DAY_MONTH[i] - 1] for i in days]))
            for r, days in members.items()}


def day_months_and_temperatures(cities: dict[str, City], policy: Policy, depot_city: dict[str, str],
                                members: dict[str, tuple[int, ...]]) -> dict:
    """For energy.csv: each representative day's most common month, and its mean daytime
    temperature at each depot (None where the city gives no temperatures)."""
    month = {r: int(np.bincount([DAY_MONTH[i] for i in days]).argmax()) for r, days in members.items()}
    temperature = {}
    for d, c in depot_city.items():
        by_month = [month_mean_c(cities[c], m) for m in range(1, MONTHS + 1)]
        for r, days in members.items():
            temps = [by_month[DAY_MONTH[i] - 1] for i in days]
            temperature[d, r] = (None if temps[0] is None else
                                 float(np.mean(temps)) + policy.operating_above_mean_c)
    return {"day_month": month, "day_temperature_c": temperature}


def hardest_month_days(cities: dict[str, City], policy: Policy, vehicles, depot_cities,
                    members: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    """The days (0-364) of the month where the cold (or, in the south, the heat) binds, to be kept
    as a representative day of their own; () where it does not.

    For each depot city and each temperature curve of the electric `vehicles`, the month with
    the highest energy factor is compared with the representative day of highest factor (the
    mean over its members): where the month's factor exceeds it by more than
    policy.cold_day_tolerance, the representative days would size that month's charging short.
    The month of the largest excess is kept apart (one at most)."""
    worst, month = policy.cold_day_tolerance, None
    for c in sorted(set(depot_cities)):
        for v in vehicles:
            if v.energy != "electricity" or v.temperature_curve is None:
                continue
            by_month = [cons for cons, _ in month_factors(v, policy, cities[c])]
            by_day = day_factors(v, policy, cities[c], members)
            excess = max(by_month) / max(by_day.values()) - 1.0
            if excess > worst:
                worst, month = excess, int(np.argmax(by_month)) + 1
    return () if month is None else tuple(i for i, m in enumerate(DAY_MONTH) if m == month)
