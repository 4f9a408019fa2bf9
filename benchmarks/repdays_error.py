"""How many representative days? Error of k clustered days against the full 365-day year.

For each k, the days of the year are clustered jointly over the cities given (as a case holding
depots in all of them would be), each representative day being the average of its members. Per
city, three annual figures are computed both ways and compared:
- PV value: sum over hours of PV output x time-of-use price (1 kWp) - what PV saves;
- depot bill: a reference depot (100 kW mean building load with the shipped shape, 200 kWp PV,
  no export) pays price x max(load - PV, 0) - the net-import cost, non-linear in the day;
- PV peak: the highest hourly PV output (what a connection or inverter must carry).
PV energy and the cost of any load that repeats daily are exact by construction (days are means).

    python benchmarks/repdays_error.py [--cities beijing,ordos] [-o docs/representative-days.csv]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from evfleet.catalog.profiles import LOAD_SHAPE, pv_year
from evfleet.catalog.repdays import cluster_days, day_features, price_year
from evfleet.catalog.show import shipped_cities
from evfleet.catalog.tariffs import tariff_periods

KS = (2, 4, 6, 8, 12, 16, 24, 32)
LOAD_KW, PV_KWP = 100.0, 200.0


def figures(pv: np.ndarray, price: np.ndarray, weight: np.ndarray) -> dict[str, float]:
    load = LOAD_KW * LOAD_SHAPE
    net = np.maximum(load - PV_KWP * pv, 0.0)
    return {"pv_energy": float((weight[:, None] * pv).sum()),
            "pv_value": float((weight[:, None] * pv * price).sum()),
            "depot_bill": float((weight[:, None] * net * price).sum()),
            "pv_peak": float(pv.max())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cities", default=None)
    ap.add_argument("-o", "--out", type=Path, default=None)
    a = ap.parse_args()
    cities = shipped_cities()
    keys = a.cities.split(",") if a.cities else list(cities)
    pv = {k: pv_year(cities[k].lat, cities[k].lon, cities[k].pv_kwh_per_kwp) for k in keys}
    price = {k: price_year({mh: cities[k].tariff.prices_cny_per_kwh[p]
                            for mh, p in tariff_periods(cities[k].tariff).items()}) for k in keys}
    ones = np.ones(365)
    full = {k: figures(pv[k], price[k], ones) for k in keys}
    rows = []
    features = day_features([pv[k] for k in keys], [price[k] for k in keys])
    for n in KS:
        days = cluster_days(features, n)
        w = np.array([days.weight[r] for r in days.names])
        for k in keys:
            rep_pv, rep_price = days.means(pv[k]), days.means(price[k])
            got = figures(rep_pv, rep_price, w)
            rows.append({"days": len(days.names), "city": k,
                         **{f"{m}_error_pct": 100 * (got[m] - full[k][m]) / full[k][m] for m in got}})
    table = pd.DataFrame(rows)
    worst = table.drop(columns="city").abs().groupby("days").max()
    print(worst.round(3).to_string())
    if a.out:
        table.round(4).to_csv(a.out, index=False)
        print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
