"""The grid part of Inputs: connections and their upgrades, the two-part tariff's demand charge
and where it applies, feed-in prices and the grid's emission factor by depot and year.

The two-part rule lives here alone (contract §4, NDRC 15 May 2023): a connection of
`two_part_tariff_threshold_kva` or more is billed on the two-part tariff, with a demand charge on
its yearly peak; below it, single-part. kVA are taken as kW (power factor 1).
"""

from __future__ import annotations

from evfleet.case.schema import Case
from evfleet.catalog.load import Catalog
from evfleet.yearly import by_year

KWH_PER_MWH = 1000.0
MONTHS_PER_YEAR = 12
# Single-part means strictly below the threshold. The model's connection is continuous and its
# feasible sets are closed, so "below" is "at most 1 W below": any connection a planner writes in
# whole kW (or kVA) is classed exactly as the contract says.
SINGLE_PART_BELOW_KW = 1e-3


def is_two_part(connection_kw: float, threshold_kw: float) -> bool:
    """The contract's rule: a connection at or above the threshold is on the two-part tariff."""
    return connection_kw >= threshold_kw


def grid_fields(case: Case, catalog: Catalog, years: tuple[int, ...],
                depot_city: dict[str, str], pv_depots: tuple[str, ...]) -> dict:
    """The grid fields of Inputs (see record.Inputs).

    A depot-year pays a demand charge when its city has one, the year is past the case's
    exemption, and its connection is two-part (always, when grid_kw is; by choice of upgrade,
    when only the upgraded connection would be: formulation/grid.py decides that one)."""
    threshold = catalog.policy.two_part_tariff_threshold_kva
    exempt_until = case.demand_charge_exempt_until
    upgrades = {dp.id: dp.grid_upgrade for dp in case.depots
                if dp.grid_upgrade is not None and dp.grid_upgrade.max_kw > dp.grid_kw}
    demand, two_part_fixed, grid_t = {}, {}, {}
    for dp in case.depots:
        city = catalog.cities[depot_city[dp.id]]
        factor = by_year(city.grid_tco2_per_mwh, years)
        largest = upgrades[dp.id].max_kw if dp.id in upgrades else dp.grid_kw
        for y in years:
            grid_t[dp.id, y] = factor[y] / KWH_PER_MWH
            exempt = exempt_until is not None and y <= exempt_until
            if exempt or city.demand_charge_cny_per_kw_month <= 0 or not is_two_part(largest, threshold):
                continue
            demand[dp.id, y] = city.demand_charge_cny_per_kw_month * MONTHS_PER_YEAR
            if is_two_part(dp.grid_kw, threshold):
                two_part_fixed[dp.id, y] = True
    return dict(
        grid_kw={dp.id: dp.grid_kw for dp in case.depots}, upgrade_depots=tuple(upgrades),
        upgrade_max_kw={d: u.max_kw for d, u in upgrades.items()},
        upgrade_cost_cny_per_kw={d: u.cost_cny_per_kw for d, u in upgrades.items()},
        upgrade_fixed_cny={d: u.fixed_cny for d, u in upgrades.items()},
        upgrade_life=catalog.policy.grid_upgrade_life_years,
        **export_fields(case, catalog, depot_city, pv_depots),
        demand_cny_per_kw_year=demand, two_part_threshold_kw=threshold,
        single_part_max_kw=threshold - SINGLE_PART_BELOW_KW,
        two_part_fixed=two_part_fixed, grid_tco2_per_kwh=grid_t,
    )


def pv_modes(case: Case, catalog: Catalog, pv_depots: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """{PV depot: (category, mode)} under NEA 2025 No. 7 (new-features §E.1).

    A plant of at most `general_ci_max_kw` on the whole roof is general C&I (self-use, or
    self-use with surplus export), a larger one large C&I (full self-use in principle). The mode
    is the depot's `pv_mode`, else self-use where the case forbids export, else surplus export
    for general C&I and self-use for large C&I."""
    rules = catalog.policy.rooftop_pv
    out = {}
    for dp in case.depots:
        if dp.id not in pv_depots:
            continue
        general = dp.roof_m2 * catalog.solar.kw_per_m2 <= rules.general_ci_max_kw
        default = "surplus_export" if general and case.allow_export else "self_use"
        out[dp.id] = ("general_ci" if general else "large_ci", dp.pv_mode or default)
    return out


def export_fields(case: Case, catalog: Catalog, depot_city: dict[str, str],
                  pv_depots: tuple[str, ...]) -> dict:
    """Where PV may be exported and what a kWh exported earns (NDRC/NEA 2025 No. 136): a plant
    connected from `market_export_from_year` at the market price, an earlier one (the depot's
    pv_kw, and PV added in earlier plan years) at the coal benchmark, `feed_in_cny_per_kwh`."""
    rules = catalog.policy.rooftop_pv
    modes = pv_modes(case, catalog, pv_depots)
    exporting = tuple(d for d in pv_depots if modes[d][1] == "surplus_export")
    city = {d: catalog.cities[depot_city[d]] for d in depot_city}
    market = {d: rules.market_export_cny_per_kwh if city[d].pv_export_market_cny_per_kwh is None
              else city[d].pv_export_market_cny_per_kwh for d in exporting}
    return dict(
        pv_category={d: c for d, (c, _) in modes.items()},
        pv_mode={d: mode for d, (_, mode) in modes.items()},
        export_depots=exporting,
        feed_in_cny_per_kwh={d: city[d].feed_in_cny_per_kwh for d in exporting},
        export_market_cny_per_kwh=market,
        market_export_from_year=rules.market_export_from_year,
        pv_self_use_min_share={d: city[d].pv_self_use_min_share for d in exporting
                               if city[d].pv_self_use_min_share > 0
                               and roof_left_kw(case, catalog, d) > 0},
    )


def roof_left_kw(case: Case, catalog: Catalog, d: str) -> float:
    """Roof a depot may still cover with new PV [kW] (what the 2025 rules apply to)."""
    dp = next(p for p in case.depots if p.id == d)
    return dp.roof_m2 * catalog.solar.kw_per_m2 - dp.pv_kw
