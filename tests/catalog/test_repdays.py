"""Representative days: a partition of the year, deterministic, and faithful within the error
reported in docs/representative-days.md (at the default of 4 days, one city alone: PV value within
0.04 %, PV peak within 3.3 %)."""

import numpy as np
import pytest

from evfleet.catalog.load import shipped_path
from evfleet.catalog.profiles import read_shipped_pv
from evfleet.catalog.repdays import MONTH_OF_DAY, cluster_days, day_features
from evfleet.catalog.show import shipped_cities
from evfleet.catalog.tariffs import tariff_year

PV = read_shipped_pv(shipped_path("pv_hourly.csv"))
CITIES = shipped_cities()


def rep_matrix(days, year):
    avg = days.average(year)
    return np.array([[avg[r, h] for h in range(24)] for r in days.names])


@pytest.mark.parametrize("k", [1, 4, 8, 365])
def test_days_partition_the_year(k):
    days = cluster_days(day_features([PV["ordos"]], [tariff_year(CITIES["ordos"].tariff)]), k)
    members = sorted(d for r in days.names for d in days.members[r])
    assert members == list(range(365))
    assert sum(days.weight.values()) == 365 and len(days.names) <= k


def test_separated_days_are_found_whatever_the_seed():
    # Three kinds of day, far apart: 1 Jan-10 Apr (100 days) at 0, 11 Apr-19 Jul (100 days) at 10,
    # 20 Jul-31 Dec (165 days) at 20, with a little noise. Three clusters must be exactly these,
    # named by their first dates and weighted by their sizes, for any seed of the k-means start.
    rng = np.random.default_rng(7)
    level = np.repeat([0.0, 10.0, 20.0], [100, 100, 165])
    f = level[:, None] + rng.normal(0, 0.1, (365, 24))
    for seed in (1, 2025, 99):
        days = cluster_days(f, 3, seed=seed)
        assert days.names == ("r-0101", "r-0411", "r-0720")
        assert [days.weight[r] for r in days.names] == [100.0, 100.0, 165.0]
        assert days.members["r-0411"] == tuple(range(100, 200))


def test_month_of_day():
    assert MONTH_OF_DAY[0] == 1 and MONTH_OF_DAY[58] == 2 and MONTH_OF_DAY[59] == 3
    assert MONTH_OF_DAY[364] == 12


@pytest.mark.parametrize("city", sorted(CITIES))
def test_four_days_reproduce_the_year_within_reported_error(city):
    pv, price = PV[city], tariff_year(CITIES[city].tariff)
    days = cluster_days(day_features([pv], [price]), 4)
    w = np.array([days.weight[r] for r in days.names])[:, None]
    rep_pv, rep_price = rep_matrix(days, pv), rep_matrix(days, price)
    # exact by construction: annual PV energy and the cost of a load that repeats every day
    assert (w * rep_pv).sum() == pytest.approx(pv.sum(), rel=1e-12)
    assert (w * rep_price).sum() == pytest.approx(price.sum(), rel=1e-12)
    # within the reported error: PV value (PV x price) and the PV peak
    assert (w * rep_pv * rep_price).sum() == pytest.approx((pv * price).sum(), rel=5e-4)
    assert rep_pv.max() == pytest.approx(pv.max(), rel=0.035)


def test_days_kept_apart_leave_their_clusters():
    from evfleet.catalog.repdays import RepresentativeDays, keep_apart

    rep = RepresentativeDays(("r-0101", "r-0301"), {"r-0101": 59.0, "r-0301": 306.0},
                             {"r-0101": tuple(range(59)), "r-0301": tuple(range(59, 365))})
    kept = keep_apart(rep, tuple(range(31)))  # January
    assert kept.names == ("r-0101", "r-0201", "r-0301")
    assert kept.weight == {"r-0101": 31.0, "r-0201": 28.0, "r-0301": 306.0}
    assert kept.members["r-0201"] == tuple(range(31, 59))
