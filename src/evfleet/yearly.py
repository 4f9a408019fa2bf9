"""The single implementation of the case format's `{year: value}` rule (spec §1).

A number applies to every year. A map applies to the years it names; years between two given
years are interpolated linearly; years before the first (after the last) take the first (last)
value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

YearlyValue = float | int | Mapping[int, float]


def is_year_map(node: object) -> bool:
    """A `{year: value}` map as read from a case file: a non-empty mapping whose keys are all
    years (integers, or strings of digits as a workbook or JSON gives them) and whose values are
    numbers."""
    return (isinstance(node, Mapping) and len(node) > 0
            and all(isinstance(k, int) and not isinstance(k, bool)
                    or isinstance(k, str) and k.strip().isdigit() for k in node)
            and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                    for v in node.values()))


def by_year(value: YearlyValue, years: Iterable[int]) -> dict[int, float]:
    """Expand a number or a `{year: value}` map to one float per requested year."""
    years = list(years)
    if isinstance(value, Mapping):
        known = sorted(value.items())
        xs = np.array([k for k, _ in known], dtype=float)
        ys = np.array([v for _, v in known], dtype=float)
        return {y: float(np.interp(y, xs, ys)) for y in years}
    return {y: float(value) for y in years}
