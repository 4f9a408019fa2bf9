"""The plan depot by depot, as a depot manager reads it: one row per depot with the last
planning year's fleet, chargers, PV, storage, connection and emissions, and the horizon's
purchases and vehicle spend. Computed from the plan tables only (results/extract.py)."""

from __future__ import annotations

import pandas as pd

COLUMNS = ["depot", "year", "ev_count", "ice_count", "ev_bought", "ice_bought",
           "vehicle_capex_cny", "chargers", "pv_kw", "storage_kwh", "connection_kw", "peak_kw",
           "emissions_t"]


def _last(frame: pd.DataFrame, year: int, column: str) -> pd.Series:
    """`column` summed by depot in `year`."""
    if frame is None or not len(frame):
        return pd.Series(dtype=float)
    return frame[frame["year"] == year].groupby("depot")[column].sum()


def depot_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per depot, sorted by id as every plan table is: see the module doc. The year column is the
    last planning year, which the in-service figures describe."""
    fleet = tables["fleet"]
    if not len(fleet):
        return pd.DataFrame(columns=COLUMNS)
    year = int(fleet["year"].max())
    depots = list(dict.fromkeys(fleet["depot"]))
    now = fleet[fleet["year"] == year]
    electric = now["energy"] == "electricity"
    energy_of = dict(zip(fleet["model"], fleet["energy"]))
    buys = tables["purchases"].copy()
    buys["electric"] = buys["model"].map(energy_of).eq("electricity")
    rows = pd.DataFrame({"depot": depots}).set_index("depot")
    for column, series in {
        "ev_count": now[electric].groupby("depot")["count"].sum(),
        "ice_count": now[~electric].groupby("depot")["count"].sum(),
        "ev_bought": buys[buys["electric"]].groupby("depot")["count"].sum(),
        "ice_bought": buys[~buys["electric"]].groupby("depot")["count"].sum(),
        "vehicle_capex_cny": buys.groupby("depot")["capex_cny"].sum(),
        "chargers": _last(tables.get("chargers"), year, "installed"),
        "pv_kw": _last(tables.get("solar"), year, "pv_kw"),
        "storage_kwh": _last(tables.get("storage"), year, "storage_kwh"),
        "connection_kw": _last(tables.get("grid"), year, "connection_kw"),
        "peak_kw": _last(tables.get("grid"), year, "peak_kw"),
        "emissions_t": _last(tables.get("emissions"), year, "t"),
    }.items():
        rows[column] = series.reindex(rows.index).fillna(0.0)
    rows.insert(0, "year", year)
    counts = ["ev_count", "ice_count", "ev_bought", "ice_bought", "chargers"]
    rows[counts] = rows[counts].astype(int)
    return rows.reset_index()[COLUMNS]
