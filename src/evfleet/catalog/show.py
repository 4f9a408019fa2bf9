"""Text views of the shipped city data for `evfleet cities` (the CLI only parses and prints)."""

from __future__ import annotations

import pandas as pd
from ruamel.yaml import YAML

from evfleet.yearly import by_year
from evfleet.catalog.load import shipped_path
from evfleet.catalog.profiles import LOAD_SHAPE, PLUGGED_SHARE, read_shipped_pv
from evfleet.catalog.repdays import cluster_days, day_features
from evfleet.catalog.schema import City, Policy
from evfleet.catalog.tariffs import tariff_periods, tariff_year

FIELDS = ("lat", "lon", "grid_tco2_per_mwh", "diesel_cny_per_l", "gasoline_cny_per_l",
          "feed_in_cny_per_kwh", "pv_export_market_cny_per_kwh", "pv_self_use_min_share",
          "demand_charge_cny_per_kw_month", "pv_kwh_per_kwp", "jan_mean_c", "jul_mean_c",
          "jan_min_c")
REFERENCE_YEAR = 2025
UNSET = {"jan_mean_c": "energy per km and battery as at 20 °C all year",
         "jul_mean_c": "energy per km and battery as at 20 °C all year",
         "jan_min_c": "January's first trip starts at the month's mean temperature"}


def shipped_cities() -> dict[str, City]:
    data = YAML(typ="safe").load(shipped_path("cities.yaml").read_text(encoding="utf-8"))
    return {key: City.model_validate(rec) for key, rec in data.items()}


def status_of(source: str | None) -> str:
    """The status tag that opens a source note: verified, recalled, estimate or unverified."""
    if not source:
        return "no source"
    head = source.split(":", 1)[0].upper()
    if "UNVERIFIED" in head:
        return "unverified"
    if head.startswith("V/E") or head.startswith("V/DRAFT") or head.startswith("V-ISH"):
        return "partly verified"
    return {"V": "verified", "R": "recalled", "E": "estimate"}.get(head, "see source")


def cities_table() -> str:
    """One line per shipped city."""
    lines = [f"{'city':<14}{'province':<32}{'grid tCO2/MWh ' + str(REFERENCE_YEAR):>20}"
             f"{'PV kWh/kWp':>12}{'diesel CNY/l':>14}{'Jan °C':>8}{'Jul °C':>8}{'Jan min °C':>12}"]
    for key, c in shipped_cities().items():
        ef = by_year(c.grid_tco2_per_mwh, [REFERENCE_YEAR])[REFERENCE_YEAR]
        temps = "".join(f"{'-' if t is None else f'{t:.1f}':>{w}}" for t, w in
                        ((c.jan_mean_c, 8), (c.jul_mean_c, 8), (c.jan_min_c, 12)))
        lines.append(f"{key:<14}{c.province:<32}{ef:>20.4f}{c.pv_kwh_per_kwp:>12g}"
                     f"{c.diesel_cny_per_l:>14.2f}{temps}")
    lines.append("`evfleet cities NAME` shows a city's figures with their sources.")
    return "\n".join(lines)


def shipped_policy() -> Policy:
    return Policy.model_validate(YAML(typ="safe").load(
        shipped_path("policy.yaml").read_text(encoding="utf-8")))


def city_text(key: str) -> str:
    """Every figure of one city with its status and source, and its time-of-use schedule."""
    c = shipped_cities()[key]
    rules = shipped_policy().rooftop_pv
    lines = [f"{c.name} ({c.name_zh}), {c.province}"]
    for f in FIELDS:
        value = getattr(c, f)
        if value is None and f == "pv_export_market_cny_per_kwh":  # the national default
            value = rules.market_export_cny_per_kwh
            c.sources[f] = rules.sources.get("market_export_cny_per_kwh")
        if value is None:  # a temperature the city leaves out
            lines.append(f"  {f:<32}not set ({UNSET[f]})")
            continue
        shown = ", ".join(f"{y}: {v:g}" for y, v in value.items()) if isinstance(value, dict) \
            else f"{value:g}"
        src = c.sources.get(f) or (c.sources.get("lat") if f == "lon" else None)
        lines.append(f"  {f:<32}{shown}")
        lines.append(f"  {'':<32}[{status_of(src)}] {src or ''}")
    lines.append("  tariff (CNY/kWh): " + ", ".join(f"{p} {v:g}" for p, v in
                                                   c.tariff.prices_cny_per_kwh.items()))
    lines.append(f"  {'':<32}[{status_of(c.sources.get('tariff'))}] {c.sources.get('tariff', '')}")
    periods = tariff_periods(c.tariff)
    lines.append("    month  " + " ".join(f"{h:>4}" for h in range(24)))
    for month in range(1, 13):
        lines.append(f"    {month:>5}  " + " ".join(
            f"{c.tariff.prices_cny_per_kwh[periods[month, h]]:>4.2f}" for h in range(24)))
    if "notes" in c.sources:
        lines.append(f"  notes: {c.sources['notes']}")
    return "\n".join(lines)


def typical_days(key: str) -> pd.DataFrame:
    """One shipped city's representative days as the model would use them (the default number,
    clustered on that city alone): day, weight_days, hour, pv_kw_per_kwp, load_share,
    plugged_share, price_cny_per_kwh."""
    pv = read_shipped_pv(shipped_path("pv_hourly.csv"))[key]
    price = tariff_year(shipped_cities()[key].tariff)
    policy = shipped_policy()
    rep = cluster_days(day_features([pv], [price]), policy.default_representative_days)
    pv_avg, price_avg = rep.average(pv), rep.average(price)
    return pd.DataFrame([{"day": r, "weight_days": rep.weight[r], "hour": h,
                          "pv_kw_per_kwp": pv_avg[r, h], "load_share": LOAD_SHAPE[h],
                          "plugged_share": PLUGGED_SHARE[h], "price_cny_per_kwh": price_avg[r, h]}
                         for r in rep.names for h in range(24)])
