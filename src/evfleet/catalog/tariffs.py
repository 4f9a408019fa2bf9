"""A city's time-of-use tariff as prices by hour: the period of every (month, hour) and the
price of every hour of a year. The only reader of a Tariff's schedule."""

from __future__ import annotations

import numpy as np

from evfleet.catalog.repdays import price_year
from evfleet.catalog.schema import Tariff

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
