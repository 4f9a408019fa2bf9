"""A city's time-of-use tariff as prices by hour: the period of every (month, hour) and the
price of every hour of a year. The only reader of a Tariff's schedule."""

from __future__ import annotations

import numpy as np

from evfleet.catalog.repdays import price_year
from evfleet.catalog.schema import City, Tariff

HOURS = tuple(range(24))
MONTHS = tuple(range(1, 13))


def tariff_periods(tariff: Tariff) -> dict[tuple[int, int], str]:
    """The period of each (month, hour): rules in order, later ones overriding; the rest flat."""
    out = {}
    for month in MONTHS:
        period = ["flat"] * len(HOURS)
        for rule in tariff.schedule:
            if rule.months is None or month in rule.months:
                for start, end in rule.hours:
                    for h in range(start, end):
                        period[h] = rule.period
        out.update({(month, h): period[h] for h in HOURS})
    return out


def tariff_year(tariff: Tariff) -> np.ndarray:
    """(365, 24) price of every hour of a non-leap year, from the month-hour periods."""
    return price_year({k: tariff.prices_cny_per_kwh[p] for k, p in tariff_periods(tariff).items()})


def tariff_key(city_key: str, city: City, year: int) -> str:
    """The name of the tariff in force in `year`: the city's key, with the year its schedule took
    effect where it is one of `tariff_changes` ("ningbo", "ningbo from 2027")."""
    since = [y for y in city.tariff_changes if y <= year]
    return f"{city_key} from {max(since)}" if since else city_key


def city_tariffs(city_key: str, city: City) -> dict[str, Tariff]:
    """{tariff key: Tariff} of every schedule a city has over time (see tariff_key)."""
    return {city_key: city.tariff} | {f"{city_key} from {y}": t
                                      for y, t in sorted(city.tariff_changes.items())}
