"""Vehicle incentives of Inputs (new-features §F): the purchase tax on every vehicle bought, by
year and energy, and the old-truck trade-in subsidies."""

from __future__ import annotations

from evfleet.catalog.load import Catalog
from evfleet.yearly import by_year


def purchase_tax(catalog: Catalog, models: set[str], years: tuple[int, ...]) -> dict[tuple[str, int], float]:
    """{(model, year): 车辆购置税 on one vehicle bought} [CNY]: the rate on the price before VAT,
    times the share an electric vehicle pays that year (policy.yaml purchase_tax; new-features
    §F.2). Levied on the price before subsidies; none where the model's price already holds it."""
    tax = catalog.policy.purchase_tax
    electric_share = by_year(tax.electric_share_paid, years)
    out = {}
    for j in sorted(models):
        v = catalog.vehicles[j]
        price = by_year(v.price_cny, years)
        for y in years:
            share = electric_share[y] if v.energy == "electricity" else 1.0
            if v.price_includes_purchase_tax:
                share = 0.0
            out[j, y] = price[y] / (1 + tax.vat_rate) * tax.rate_of_price_ex_vat * share
    return out


def trade_in_fields(catalog: Catalog, cohort_years, buy_cohorts, years: tuple[int, ...]) -> dict:
    """{cohort-year: scrapping subsidy} of eligible combustion vehicles that a sale at the start
    of y would scrap early, and {buy cohort: new-truck subsidy} of eligible electric ones, in
    the scheme's years (policy.yaml trade_in; formulation/incentives.py pairs them) [CNY].
    Only vehicles owned at the start can be scrapped for it (the scheme takes National IV
    trucks or older; a truck the plan buys is National VI)."""
    scheme = catalog.policy.trade_in
    open_years = set(scheme.years) & set(years)
    vehicles = catalog.vehicles
    scrap, new = {}, {}
    for (d, k, j, c, y) in cohort_years:
        v = vehicles[j]
        if (v.trade_in_class is None or v.energy == "electricity" or y not in open_years
                or c >= years[0]):
            continue
        early = c + v.life_years - y  # years of life left when sold at the start of y
        steps = scheme.classes[v.trade_in_class].scrap_cny_by_years_early
        amount = max((cny for at_least, cny in steps.items() if early >= at_least), default=0.0)
        if amount > 0:
            scrap[d, k, j, c, y] = amount
    for (d, k, j, c) in buy_cohorts:
        v = vehicles[j]
        if v.trade_in_class is not None and v.energy == "electricity" and c in open_years:
            amount = scheme.classes[v.trade_in_class].new_electric_cny
            if amount > 0:
                new[d, k, j, c] = amount
    depot_years = {(t[0], t[4]) for t in scrap} & {(t[0], t[3]) for t in new}
    return dict(trade_scrap_cny={t: a for t, a in scrap.items() if (t[0], t[4]) in depot_years},
                trade_new_cny={t: a for t, a in new.items() if (t[0], t[3]) in depot_years},
                trade_depot_years=tuple(sorted(depot_years)))
