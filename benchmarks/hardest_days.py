"""How far the representative days fall short of the month of most energy per km (docs/
representative-days.md, "The hardest month"): for every city case and for each city of the
pilot, the highest monthly energy factor of an electric van (the van-ptc-lfp curve) against the
highest factor of a representative day, with the hardest month kept apart (as evfleet does now)
and without (clustering alone).

    python benchmarks/hardest_days.py     # writes benchmarks/results/hardest-days.csv
"""

from __future__ import annotations

import csv
import glob
from pathlib import Path

from evfleet.catalog.load import load_catalog
from evfleet.catalog.repdays import cluster_days, day_features, keep_apart
from evfleet.catalog.tariffs import city_tariffs, tariff_key, tariff_year
from evfleet.inputs import load
from evfleet.inputs.climate import day_factors, hardest_month_days, month_factors

REPO = Path(__file__).resolve().parents[1]
VAN = "e-light-van"


def rows_for(path: str) -> list[dict]:
    loaded = load(path)
    inp, case = loaded.inputs, loaded.case
    catalog = load_catalog(case, loaded.doc)
    cities = sorted(set(inp.depot_city.values()))
    prices = [tariff_year(city_tariffs(c, catalog.cities[c])[tariff_key(c, catalog.cities[c],
                                                                         case.start_year)])
              for c in cities]
    rep = cluster_days(day_features([catalog.pv_years[c] for c in cities], prices),
                       case.representative_days or catalog.policy.default_representative_days)
    hard = hardest_month_days(catalog.cities, catalog.policy, list(catalog.vehicles.values()),
                              cities, rep.members)
    kept = keep_apart(rep, hard) if hard else rep
    van, out = catalog.vehicles[VAN], []
    for c in cities:
        month = max(cons for cons, _ in month_factors(van, catalog.policy, catalog.cities[c]))
        before = max(day_factors(van, catalog.policy, catalog.cities[c], rep.members).values())
        after = max(day_factors(van, catalog.policy, catalog.cities[c], kept.members).values())
        out.append({"case": Path(path).stem, "city": c, "days_before": len(rep.names),
                    "days_after": len(kept.names), "month_factor": round(month, 4),
                    "short_before_pct": round(100 * (month / before - 1), 2),
                    "short_after_pct": round(100 * (month / after - 1), 2)})
    return out


def main() -> None:
    rows = [r for path in sorted(glob.glob(str(REPO / "cases" / "*.yaml"))) for r in rows_for(path)]
    out = REPO / "benchmarks" / "results" / "hardest-days.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    for r in rows:
        print(f"{r['case']:<16}{r['city']:<14}{r['days_before']:>3}{r['days_after']:>3}"
              f"{r['month_factor']:>8}{r['short_before_pct']:>8}{r['short_after_pct']:>8}")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
