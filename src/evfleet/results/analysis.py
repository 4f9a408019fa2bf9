"""Tables a study answers with, computed from its results table (never from models)."""

from __future__ import annotations

import pandas as pd

PLANNED = ("optimal", "time_limit")


def tornado_table(results: pd.DataFrame, params: list[str]) -> pd.DataFrame:
    """One-at-a-time design: each parameter's NPV at its lowest and highest setting (the base
    case included: it is every parameter's base setting), sorted by swing."""
    is_base = results["variant"] == "base"
    base = results.loc[is_base & results["status"].isin(PLANNED), "objective_npv_cny"]
    if base.empty:
        params = []
    rows = []
    for p in params:
        others_at_base = pd.Series(True, index=results.index)
        for q in params:
            if q != p:
                at = results.loc[is_base, q].iloc[0]
                others_at_base &= results[q].isna() if pd.isna(at) else results[q] == at
        own = results[others_at_base & results[p].notna() & results["status"].isin(PLANNED)]
        if len(own) < 2:
            continue
        lo, hi = own.loc[own[p].idxmin()], own.loc[own[p].idxmax()]
        rows.append({"parameter": p, "low_setting": lo[p], "high_setting": hi[p],
                     "npv_low_cny": lo["objective_npv_cny"], "npv_high_cny": hi["objective_npv_cny"],
                     "base_npv_cny": float(base.iloc[0]),
                     "swing_cny": abs(hi["objective_npv_cny"] - lo["objective_npv_cny"])})
    table = pd.DataFrame(rows, columns=["parameter", "low_setting", "high_setting", "npv_low_cny",
                                        "npv_high_cny", "base_npv_cny", "swing_cny"])
    return table.sort_values("swing_cny", ascending=False, kind="stable").reset_index(drop=True)


def frontier_table(results: pd.DataFrame) -> pd.DataFrame:
    """Cost-emissions frontier: the planned points by falling emissions, and between successive
    points the abatement cost = extra NPV / tonnes avoided over the horizon [CNY/t]."""
    points = results[results["status"].isin(PLANNED)].copy()
    points = points.sort_values("emissions_t", ascending=False, kind="stable")
    points = points[["variant", "cap_share", "emissions_t", "objective_npv_cny"]]
    extra = points["objective_npv_cny"].diff()
    avoided = -points["emissions_t"].diff()
    points["abatement_cny_per_t"] = (extra / avoided).where(avoided > 1e-9)
    return points.reset_index(drop=True)


def grid_table(results: pd.DataFrame, params: list[str]) -> pd.DataFrame:
    """Grid design over two parameters: the NPV of each combination, the first parameter's points
    down, the second's across (the heat map). Blank where a variant has no plan. Empty when the
    grid has not exactly two parameters (each pair of more would hold the others fixed at no
    single value)."""
    if len(params) != 2 or results.empty:
        return pd.DataFrame()
    rows, columns = params
    planned = results.assign(objective_npv_cny=results["objective_npv_cny"].where(
        results["status"].isin(PLANNED)))
    table = planned.pivot_table(index=rows, columns=columns, values="objective_npv_cny",
                                aggfunc="first", dropna=False)
    table = table.reindex(index=sorted(results[rows].dropna().unique()),
                          columns=sorted(results[columns].dropna().unique()))
    table.columns = [f"{columns}={c:g}" if isinstance(c, (int, float)) else f"{columns}={c}"
                     for c in table.columns]
    return table.reset_index()
