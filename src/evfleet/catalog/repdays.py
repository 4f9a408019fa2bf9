"""Representative days: which days of the year a case's hourly model stands for.

A representative day is the average of its member days (the case-format contract: "an average day
of the year"); its weight is the number of members, so weights sum to 365. Members are chosen by
k-means clustering (scipy.cluster.vq.kmeans2, k-means++ start, fixed seed) of the days of the year
described by their hourly PV output and time-of-use price in every city of the case, each hour's
feature standardised. Because a day is the mean of its members, annual PV energy and the annual
cost of any load that is the same every day are reproduced exactly; what clustering can lose is
the co-variation of PV with price within a day and the highest hours, measured in
benchmarks/repdays_error.py and reported in docs/representative-days.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.cluster.vq import kmeans2

DAYS_IN_YEAR = 365
HOURS_PER_DAY = 24
SEED = 2025
# Month (1-12) of each day of a non-leap year, day 0 = 1 January.
MONTH_OF_DAY = (np.arange("2023-01-01", "2024-01-01", dtype="datetime64[D]")
                .astype("datetime64[M]").astype(int) % 12 + 1)


@dataclass(frozen=True)
class RepresentativeDays:
    """Day names in year order, their weights (days) and member days (0-364)."""

    names: tuple[str, ...]
    weight: dict[str, float]
    members: dict[str, tuple[int, ...]]

    def means(self, year: np.ndarray) -> np.ndarray:
        """(days, 24): each representative day's mean over its members of a (365, 24) series,
        days in the order of `names`."""
        return np.array([year[list(self.members[r])].mean(axis=0) for r in self.names])

    def average(self, year: np.ndarray) -> dict[tuple[str, int], float]:
        """(day, hour) -> mean over the day's members of a (365, 24) series."""
        means = self.means(year)
        return {(r, h): float(means[i, h]) for i, r in enumerate(self.names)
                for h in range(HOURS_PER_DAY)}


def cluster_days(features: np.ndarray, k: int, seed: int = SEED) -> RepresentativeDays:
    """Group the 365 days (rows of `features`) into at most k representative days.

    Columns are standardised (zero mean, unit spread; constant columns dropped). Days are named
    by the date of their first member ('r-0101'), in year order; empty clusters are dropped.
    """
    if features.shape[0] != DAYS_IN_YEAR:
        raise ValueError(f"expected {DAYS_IN_YEAR} days, got {features.shape[0]}")
    if k >= DAYS_IN_YEAR:
        labels = np.arange(DAYS_IN_YEAR)
    else:
        spread = features.std(axis=0)
        keep = spread > 1e-12
        if not keep.any():
            labels = np.zeros(DAYS_IN_YEAR, dtype=int)
        else:
            z = (features[:, keep] - features[:, keep].mean(axis=0)) / spread[keep]
            _, labels = kmeans2(z, k, seed=seed, minit="++")
    groups: dict[int, list[int]] = {}
    for day, label in enumerate(labels):
        groups.setdefault(int(label), []).append(day)
    ordered = sorted(groups.values(), key=lambda days: days[0])
    dates = np.arange("2023-01-01", "2024-01-01", dtype="datetime64[D]")
    names = tuple(f"r-{str(dates[days[0]])[5:7]}{str(dates[days[0]])[8:10]}" for days in ordered)
    return RepresentativeDays(names, {n: float(len(d)) for n, d in zip(names, ordered)},
                              {n: tuple(d) for n, d in zip(names, ordered)})


def keep_apart(rep: RepresentativeDays, days: tuple[int, ...]) -> RepresentativeDays:
    """`rep` with `days` taken out of their clusters into a representative day of their own (a
    cold month whose energy the clustering would average away); names and order as cluster_days."""
    apart = set(days)
    groups = [tuple(d for d in rep.members[r] if d not in apart) for r in rep.names]
    ordered = sorted([g for g in groups if g] + [tuple(sorted(apart))], key=lambda g: g[0])
    dates = np.arange("2023-01-01", "2024-01-01", dtype="datetime64[D]")
    names = tuple(f"r-{str(dates[g[0]])[5:7]}{str(dates[g[0]])[8:10]}" for g in ordered)
    return RepresentativeDays(names, {n: float(len(g)) for n, g in zip(names, ordered)},
                              {n: g for n, g in zip(names, ordered)})


def day_features(pv_years: list[np.ndarray], price_years: list[np.ndarray]) -> np.ndarray:
    """One row per day of the year: the hourly PV and price of every city, side by side."""
    return np.hstack([*pv_years, *price_years])


def price_year(month_hour_price: dict[tuple[int, int], float]) -> np.ndarray:
    """(365, 24) hourly price from a {(month, hour): price} table."""
    return np.array([[month_hour_price[int(m), h] for h in range(HOURS_PER_DAY)]
                     for m in MONTH_OF_DAY])
