"""The one scaling of evfleet: money rows and the objective divided by a power of ten taken from
the case's own prices, so that HiGHS sees coefficients near 1 whatever the case's magnitudes."""

from __future__ import annotations

import math

FEN_CNY = 0.01  # the smallest amount of money: a price below it is no price, and sets no scale


def money_scale(prices_cny: list[float]) -> float:
    """The power of ten nearest the geometric mean of the smallest and largest price given.

    Dividing a row (or the objective) by it centres its coefficients on 1: the budget row's
    450 CNY/kW to 200,000 CNY a truck becomes 0.045 to 20. The solver multiplies the objective
    back (solver/highs.py). Amounts below a fen are left out: a price of 1e-100 CNY would put
    the scale at 1e-50 and every coefficient past what HiGHS can hold.
    """
    positive = [p for p in prices_cny if p >= FEN_CNY]
    if not positive:
        return 1.0
    return 10.0 ** round(math.log10(math.sqrt(min(positive) * max(positive))))


def scale_fields(f: dict) -> dict:
    """money_scale_cny (the budget row's capital prices) and objective_scale_cny (capital prices
    and yearly running costs) from the resolved fields `f`."""
    capital = [*f["buy_price_cny"].values(), *f["charger_price_cny"].values(),
               *f["pv_capex_cny_per_kw"].values(), f["pv_fixed_cny"],
               *f["storage_capex_cny_per_kwh"].values()]
    upgrades = [*f["upgrade_cost_cny_per_kw"].values(), *f["upgrade_fixed_cny"].values()]
    running = [*(sum(c.values()) for c in f["run_cost_cny"].values()),
               *(p * min(f["day_weight"].values()) for p in f["price_cny_per_kwh"].values()),
               *f["demand_cny_per_kw_year"].values(), f["pv_om_cny_per_kw_year"],
               f["storage_om_cny_per_kwh_year"]]
    return dict(money_scale_cny=money_scale(capital + upgrades),
                objective_scale_cny=money_scale([*f["buy_price_cny"].values(),
                                                 *f["charger_price_cny"].values(),
                                                 *f["pv_capex_cny_per_kw"].values(), *running]))
