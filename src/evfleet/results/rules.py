"""The compliance table's rules as the writers read them (pandas only: the writers import no
Pyomo): which rows are references rather than rules, the rows a plan misses and the electric share
of purchases year by year."""

from __future__ import annotations

import pandas as pd

# compliance.csv rows reported against a reference evfleet does not enforce: chargers per
# electric vehicle is the pilot cities' public-and-private ratio (about 1:1), a city target; a
# depot's plan meets its vehicles' charging by chargers.enough, public stations or swap instead.
REFERENCE_RULES = frozenset({"pilot_chargers_per_ev"})
PURCHASE_SHARE_RULE = "pilot_ev_share_of_purchases"


def unmet(compliance_rows: pd.DataFrame) -> pd.DataFrame:
    """The compliance rows a plan misses, leaving out reference ratios (REFERENCE_RULES)."""
    c = compliance_rows
    return c[~c["met"].astype(bool) & ~c["rule"].isin(REFERENCE_RULES)]


def purchase_shares(compliance_rows: pd.DataFrame) -> dict[int, float | None]:
    """Year -> the electric share of purchases, counting no churn (None: nothing bought)."""
    c = compliance_rows[compliance_rows["rule"] == PURCHASE_SHARE_RULE]
    return {int(y): (None if pd.isna(a) else float(a)) for y, a in zip(c["year"], c["achieved"])}
