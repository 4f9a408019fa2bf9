"""The hourly part of Inputs: representative days clustered from the cities' PV and tariffs,
hours merged into blocks where asked, each depot's PV, building load and plug-in share by (day,
hour), the tariff in force at each depot in each year and each tariff's price by (day, hour)."""

from __future__ import annotations

import numpy as np

from evfleet.case.schema import Case
from evfleet.catalog.load import Catalog
from evfleet.catalog.profiles import LOAD_SHAPE, PLUGGED_SHARE
from evfleet.catalog.repdays import cluster_days, day_features, keep_apart
from evfleet.inputs.climate import hardest_month_days
from evfleet.catalog.tariffs import HOURS, city_tariffs, tariff_key, tariff_year

PRICE_EQUAL_CNY_PER_KWH = 1e-9  # prices closer than this are one time-of-use period


def hour_blocks(equal: np.ndarray, similar: np.ndarray,
                tolerance: float) -> tuple[tuple[int, ...], ...]:
    """The hours of the day merged into blocks of consecutive hours, greedily from hour 0.

    An hour joins the block before it while every row of `equal` (time-of-use prices, one row per
    city and day) is the same over the block and every row of `similar` (PV kW/kWp, the load shape
    with mean 1, the plugged-in share) spans at most `tolerance` over it. Blocks never wrap past
    midnight. With equal prices a block's energy cost is exact; what merging loses is the shape of
    PV, load and plug-in within the block (docs/representative-days.md, hour blocks).
    """
    blocks, current = [], [0]
    for h in range(1, equal.shape[1]):
        trial = current + [h]
        same_price = np.ptp(equal[:, trial], axis=1).max() <= PRICE_EQUAL_CNY_PER_KWH
        close = np.ptp(similar[:, trial], axis=1).max() <= tolerance
        if same_price and close:
            current = trial
        else:
            blocks.append(tuple(current))
            current = [h]
    blocks.append(tuple(current))
    return tuple(blocks)


def hourly_fields(case: Case, catalog: Catalog, depot_city: dict[str, str],
                  day_cities: tuple[str, ...] | None) -> dict:
    """Days, weights, hour blocks and the (d, r, h) profiles of Inputs (see record.Inputs).

    `day_cities`: cluster the days over these cities instead of the case's own (one depot of a
    network keeps the network's days: decompose/worker.py)."""
    used = sorted(set(depot_city.values()) | set(day_cities or ()))
    cities = catalog.cities
    tariff_of = {(dp.id, y): tariff_key(depot_city[dp.id], cities[depot_city[dp.id]], y)
                 for dp in case.depots for y in case.years}
    # the days are clustered on each city's tariff at the start; every tariff in force is priced
    start = {c: tariff_key(c, cities[c], case.start_year) for c in used}
    tariffs = {k: t for c in used for k, t in city_tariffs(c, cities[c]).items()
               if k in set(tariff_of.values()) | set(start.values())}
    prices = {k: tariff_year(t) for k, t in tariffs.items()}
    clustered = sorted(day_cities) if day_cities else used
    rep = cluster_days(day_features([catalog.pv_years[c] for c in clustered],
                                    [prices[start[c]] for c in clustered]),
                       case.representative_days or catalog.policy.default_representative_days)
    classes = {duty.vehicle_class for dp in case.depots for duty in dp.duties}
    cold = hardest_month_days(cities, catalog.policy,
                           [v for v in catalog.vehicles.values() if v.vehicle_class in classes],
                           depot_city.values(), rep.members)
    if cold:  # the month of the most energy per km, a day of its own (inputs/climate.py)
        rep = keep_apart(rep, cold)
    day_index = {r: i for i, r in enumerate(rep.names)}  # row of a day in the (days, 24) arrays
    pv_by_city = {c: rep.means(catalog.pv_years[c]) for c in used}
    price_by_tariff = {k: rep.means(prices[k]) for k in sorted(set(tariff_of.values()))}
    depot_cities = sorted(set(depot_city.values()))
    windows = [np.array([float(w.start_hour <= h < w.start_hour + w.hours) for h in HOURS])
               for w in {duty.top_up for dp in case.depots for duty in dp.duties if duty.top_up}]
    blocks = (hour_blocks(np.vstack([*price_by_tariff.values(), *windows]),
                          np.vstack([*(pv_by_city[c] for c in depot_cities), LOAD_SHAPE,
                                     PLUGGED_SHARE]),
                          catalog.policy.hour_block_tolerance)
              if case.hour_blocks else tuple((h,) for h in HOURS))
    pv_kw_per_kwp, load_kw, plugged = {}, {}, {}
    for dp in case.depots:
        city = depot_city[dp.id]
        for r in rep.names:
            for b in blocks:
                h, i, block = b[0], day_index[r], list(b)
                pv_kw_per_kwp[dp.id, r, h] = float(pv_by_city[city][i, block].mean())
                load_kw[dp.id, r, h] = dp.building_load_kw * float(LOAD_SHAPE[block].mean())
                plugged[dp.id, r, h] = float(PLUGGED_SHARE[block].mean())
    price_h = {(k, r, b[0]): float(price[day_index[r], list(b)].mean())
               for k, price in price_by_tariff.items() for r in rep.names for b in blocks}
    return dict(days=rep.names, day_weight=rep.weight, day_members=rep.members,
                hours=tuple(b[0] for b in blocks),
                hour_length_h={b[0]: float(len(b)) for b in blocks},
                pv_kw_per_kwp=pv_kw_per_kwp, building_load_kw=load_kw, plugged_share=plugged,
                tariff_of=tariff_of, price_cny_per_kwh=price_h)
