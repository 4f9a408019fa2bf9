"""The charging part of Inputs: charger models, their prices net of subsidy, chargers already
installed and their value left at the end of the horizon, and the depots that can charge."""

from __future__ import annotations

from collections import defaultdict

from evfleet.case.schema import Case
from evfleet.catalog.load import Catalog
from evfleet.yearly import by_year


def charger_fields(case: Case, catalog: Catalog, years: tuple[int, ...],
                   horizon: tuple[int, ...], cohorts, vehicle_energy: dict[str, str]) -> dict:
    """The charging fields of Inputs (see record.Inputs)."""
    chargers = catalog.chargers
    end = case.end_year
    price = {(q, y): max(by_year(m.price_cny, [y])[y] - by_year(m.subsidy_cny, [y])[y], 0.0)
             for q, m in chargers.items() for y in horizon}
    existing: dict[tuple[str, str, int], int] = defaultdict(int)
    existing_terminal = 0.0
    for dp in case.depots:
        for ch in dp.chargers:
            life = chargers[ch.model].life_years
            for y in years:
                if ch.installed <= y < ch.installed + life:
                    existing[dp.id, ch.model, y] += ch.count
            left = max(ch.installed + life - (end + 1), 0) / life
            existing_terminal += ch.count * by_year(chargers[ch.model].price_cny,
                                                    [ch.installed])[ch.installed] * left
    terminal = {(q, c): max(c + m.life_years - (end + 1), 0) / m.life_years
                for q, m in chargers.items() for c in years}
    ev_depots = tuple(sorted({d for (d, k, j, c) in cohorts if vehicle_energy[j] == "electricity"}
                             | {d for (d, q, y) in existing}))
    return dict(
        charger_models=tuple(chargers), charger_power_kw={q: m.power_kw for q, m in chargers.items()},
        vehicles_per_charger={q: m.vehicles_per_charger for q, m in chargers.items()},
        charger_price_cny=price, charger_existing=dict(existing),
        charger_life={q: m.life_years for q, m in chargers.items()},
        charger_terminal_share=terminal, charger_existing_terminal_cny=existing_terminal,
        ev_depots=ev_depots,
    )
