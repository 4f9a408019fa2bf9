"""Rooftop PV (within the roof, a fixed cost the first time) and stationary storage (hourly state
of charge with round-trip losses, cyclic over each representative day)."""

from __future__ import annotations

import pyomo.environ as pyo

from evfleet.inputs import Inputs


def add_solar_storage(m: pyo.ConcreteModel, inp: Inputs) -> None:
    """PV and storage variables, constraints and cost expressions."""
    _add_solar(m, inp)
    _add_storage(m, inp)


def _add_solar(m: pyo.ConcreteModel, inp: Inputs) -> None:
    m.pv_added_kw = pyo.Var(m.PV_YEARS, within=pyo.NonNegativeReals,
                            bounds=lambda m, d, y: (0, inp.pv_roof_kw[d]), doc="PV added [kW]")
    m.pv_first = pyo.Var(m.PV_FIRST, within=pyo.Binary, doc="1 in the year PV is first built [-]")
    m.pv_kw = pyo.Var(m.PV_YEARS, within=pyo.NonNegativeReals, doc="PV in service [kW]")
    m.pv_kw_def = pyo.Constraint(m.PV_YEARS, rule=pv_kw_def_rule,
                                 doc="PV in service: existing plus additions still in their life")
    m.roof_limit = pyo.Constraint(m.PV_YEARS, rule=roof_limit_rule, doc="PV within the usable roof")
    m.PV_FIRST_DEPOTS = pyo.Set(initialize=sorted({d for d, _ in m.PV_FIRST}), ordered=True,
                                doc="depots without PV at start_year")
    m.pv_needs_first = pyo.Constraint(m.PV_FIRST, rule=pv_needs_first_rule,
                                      doc="PV is added only once its fixed cost has been paid")
    m.pv_used_kw = pyo.Var(m.PV_HOURS, within=pyo.NonNegativeReals, doc="PV used on site [kW]")
    m.export_kw = pyo.Var(m.EXPORT_HOURS, within=pyo.NonNegativeReals, doc="PV exported [kW]")
    m.pv_available = pyo.Constraint(m.PV_HOURS, rule=pv_available_rule,
                                    doc="PV used plus exported within PV output")
    m.old_export_kw = pyo.Var(m.OLD_EXPORT_HOURS, within=pyo.NonNegativeReals,
                              doc="of PV exported, what PV connected before the market rule sold [kW]")
    m.old_export_within_export = pyo.Constraint(m.OLD_EXPORT_HOURS, rule=old_export_within_export_rule,
                                                doc="old PV's exports are part of the exports")
    m.old_export_within_output = pyo.Constraint(m.OLD_EXPORT_HOURS, rule=old_export_within_output_rule,
                                                doc="old PV's exports within old PV's output")
    m.PV_SELF_USE_YEARS = pyo.Set(dimen=2, ordered=True, doc="(d, y) under a PV self-use floor",
                                  initialize=[(d, y) for d in sorted(inp.pv_self_use_min_share)
                                              for y in inp.years])
    m.pv_self_use = pyo.Constraint(m.PV_SELF_USE_YEARS, rule=pv_self_use_rule,
                                   doc="PV used on site at least the province's share of PV sold or used")

    m.pv_capex_cny = pyo.Expression(m.YEARS, doc="PV built [CNY]", rule=lambda m, y: pyo.quicksum(
        inp.pv_capex_cny_per_kw[y] * m.pv_added_kw[d, y] for d in inp.pv_depots)
        + pyo.quicksum(inp.pv_fixed_cny * m.pv_first[d, y] for d in m.PV_FIRST_DEPOTS))
    m.pv_om_cny = pyo.Expression(m.YEARS, doc="PV operation and maintenance [CNY]",
                                 rule=lambda m, y: pyo.quicksum(
                                     inp.pv_om_cny_per_kw_year * m.pv_kw[d, y] for d in inp.pv_depots))
    left = {c: max(c + inp.pv_life - (inp.end_year + 1), 0) / inp.pv_life for c in inp.years}
    m.pv_terminal_cny = pyo.Expression(doc="book value of PV at end_year + 1 [CNY]", expr=pyo.quicksum(
        left[y] * (inp.pv_capex_cny_per_kw[y] * m.pv_added_kw[d, y]
                   + (inp.pv_fixed_cny * m.pv_first[d, y] if (d, y) in m.PV_FIRST else 0))
        for (d, y) in m.PV_YEARS if left[y] > 0))


def pv_self_use_rule(m, d, y):
    r"""Rooftop PV under the 2025 rules (NEA 2025 No. 7; new-features §E): in the surplus-export
    mode the province sets a least share of the year's PV output used on site.

    .. math:: \sum_r w_r \sum_h L_h \left[u_{dyrh} - \phi_d (u_{dyrh} + x_{dyrh})\right] \ge 0

    phi: the city's pv_self_use_min_share; w: day weights; u used, x exported (curtailed output
    is not counted as generated). Units: kWh per year.
    """
    inp = m.inp
    phi = inp.pv_self_use_min_share[d]
    return pyo.quicksum(inp.day_weight[r] * inp.hour_length_h[h]
                        * ((1 - phi) * m.pv_used_kw[d, y, r, h] - phi * m.export_kw[d, y, r, h])
                        for r in inp.days for h in inp.hours) >= 0


def old_export_within_export_rule(m, d, y, r, h):
    r"""Exports credited to PV connected before the market rule are part of the exports.

    .. math:: x^{old}_{dyrh} \le x_{dyrh}

    Units: kW.
    """
    return m.old_export_kw[d, y, r, h] <= m.export_kw[d, y, r, h]


def old_export_within_output_rule(m, d, y, r, h):
    r"""Exports at the old price come from the old plant's output (NDRC/NEA 2025 No. 136: a plant
    connected before 1 June 2025 keeps the coal benchmark; one connected later sells at market).

    .. math:: x^{old}_{dyrh} \le g_{drh} \Big(\mathit{PV}^0_d + \sum_{c < Y^m,\; y - L < c \le y} a^{pv}_{dc}\Big)

    Y^m: market_export_from_year; g: output per kWp. The depot's plants share one meter, so the
    model credits exports to the old plant first (its price is the higher one: old_export_depots).
    Units: kW.
    """
    inp = m.inp
    old_kw = inp.pv_existing_kw[d] + pyo.quicksum(
        m.pv_added_kw[d, c] for c in inp.years
        if c < inp.market_export_from_year and c <= y < c + inp.pv_life)
    return m.old_export_kw[d, y, r, h] <= inp.pv_kw_per_kwp[d, r, h] * old_kw


def pv_kw_def_rule(m, d, y):
    r"""PV in service, a state variable so that each hourly row has one term for it.

    .. math:: \mathit{PV}_{dy} = \mathit{PV}^0_d + \sum_{y - L < c \le y} a^{pv}_{dc}

    L: PV life in years. Units: kW.
    """
    inp = m.inp
    return m.pv_kw[d, y] - pyo.quicksum(m.pv_added_kw[d, c] for c in inp.years
                                        if c <= y < c + inp.pv_life) == inp.pv_existing_kw[d]


def roof_limit_rule(m, d, y):
    r"""PV in service fits on the usable roof.

    .. math:: \mathit{PV}_{dy} \le A_d \, \rho

    A: roof_m2; rho: kw_per_m2. Units: kW.
    """
    return m.pv_kw[d, y] <= m.inp.pv_roof_kw[d]


def pv_needs_first_rule(m, d, y):
    r"""PV is added in year y only if its fixed cost was paid in y or before.

    .. math:: a^{pv}_{dy} \le A_d \rho \sum_{y' \le y} f_{dy'}

    The bound is the roof's capacity, taken from the data. Units: kW.
    """
    return m.pv_added_kw[d, y] <= m.inp.pv_roof_kw[d] * pyo.quicksum(
        m.pv_first[d, c] for c in m.YEARS if c <= y)


def pv_available_rule(m, d, y, r, h):
    r"""PV used on site plus PV exported never exceeds PV output; the rest is curtailed.

    .. math:: u_{dyrh} + x_{dyrh} \le \mathit{PV}_{dy}\, g_{drh}

    g: output per kWp of the depot's city at that hour. Units: kW.
    """
    export = m.export_kw[d, y, r, h] if (d, y, r, h) in m.EXPORT_HOURS else 0
    return m.pv_used_kw[d, y, r, h] + export <= m.inp.pv_kw_per_kwp[d, r, h] * m.pv_kw[d, y]


def _add_storage(m: pyo.ConcreteModel, inp: Inputs) -> None:
    m.storage_added_kwh = pyo.Var(m.STORAGE_YEARS, within=pyo.NonNegativeReals,
                                  bounds=lambda m, d, y: (0, inp.storage_max_kwh[d]),
                                  doc="storage added [kWh]")
    m.storage_kwh = pyo.Var(m.STORAGE_YEARS, within=pyo.NonNegativeReals,
                            doc="storage in service [kWh]")
    m.storage_kwh_def = pyo.Constraint(m.STORAGE_YEARS, rule=storage_kwh_def_rule,
                                       doc="storage in service: additions still in their life")
    m.storage_limit = pyo.Constraint(m.STORAGE_YEARS, rule=storage_limit_rule,
                                     doc="storage within the depot's allowed size")
    module = inp.storage_module_kwh
    m.STORAGE_MODULE_YEARS = pyo.Set(dimen=2, ordered=True, doc="storage years, sold in modules",
                                     initialize=list(m.STORAGE_YEARS) if module else [])
    m.storage_modules_added = pyo.Var(
        m.STORAGE_MODULE_YEARS, within=pyo.NonNegativeIntegers,
        bounds=lambda m, d, y: (0, int(inp.storage_max_kwh[d] // module)),
        doc="storage modules added, at most max_storage_kwh / module_kwh [count]")
    m.storage_in_modules = pyo.Constraint(m.STORAGE_MODULE_YEARS, rule=storage_in_modules_rule,
                                          doc="storage is added in whole modules")
    m.storage_charge_kw = pyo.Var(m.STORAGE_HOURS, within=pyo.NonNegativeReals,
                                  doc="storage charging [kW]")
    m.storage_discharge_kw = pyo.Var(m.STORAGE_HOURS, within=pyo.NonNegativeReals,
                                     doc="storage discharging [kW]")
    m.storage_soc_kwh = pyo.Var(m.STORAGE_HOURS, within=pyo.NonNegativeReals,
                                doc="storage state of charge at the end of the hour [kWh]")
    m.storage_balance = pyo.Constraint(m.STORAGE_HOURS, rule=storage_balance_rule,
                                       doc="state of charge follows charging and discharging")
    m.storage_energy_limit = pyo.Constraint(m.STORAGE_HOURS, rule=storage_energy_limit_rule,
                                            doc="state of charge within capacity")
    m.storage_charge_limit = pyo.Constraint(m.STORAGE_HOURS, rule=storage_charge_limit_rule,
                                            doc="charging within the battery's power")
    m.storage_discharge_limit = pyo.Constraint(m.STORAGE_HOURS, rule=storage_discharge_limit_rule,
                                               doc="discharging within the battery's power")
    m.storage_capex_cny = pyo.Expression(m.YEARS, doc="storage built [CNY]",
                                         rule=lambda m, y: pyo.quicksum(
                                             inp.storage_capex_cny_per_kwh[y] * m.storage_added_kwh[d, y]
                                             for d in inp.storage_depots))
    m.storage_om_cny = pyo.Expression(m.YEARS, doc="storage operation and maintenance [CNY]",
                                      rule=lambda m, y: pyo.quicksum(
                                          inp.storage_om_cny_per_kwh_year * m.storage_kwh[d, y]
                                          for d in inp.storage_depots))
    left = {c: max(c + inp.storage_life - (inp.end_year + 1), 0) / inp.storage_life for c in inp.years}
    m.storage_terminal_cny = pyo.Expression(doc="book value of storage at end_year + 1 [CNY]",
                                            expr=pyo.quicksum(
                                                left[y] * inp.storage_capex_cny_per_kwh[y]
                                                * m.storage_added_kwh[d, y]
                                                for (d, y) in m.STORAGE_YEARS if left[y] > 0))


def storage_kwh_def_rule(m, d, y):
    r"""Storage in service, a state variable so that each hourly row has one term for it.

    .. math:: S_{dy} = \sum_{y - L < c \le y} a^{sto}_{dc}

    L: storage life in years. Units: kWh.
    """
    inp = m.inp
    return m.storage_kwh[d, y] == pyo.quicksum(m.storage_added_kwh[d, c] for c in inp.years
                                               if c <= y < c + inp.storage_life)


def storage_in_modules_rule(m, d, y):
    r"""Storage is bought in whole modules of the catalog's size (a vendor's cabinet).

    .. math:: a^{sto}_{dy} = M\, N^{sto}_{dy}, \quad N^{sto} \in \mathbb{Z}_{\ge 0}

    M: storage module_kwh. Units: kWh.
    """
    return m.storage_added_kwh[d, y] == m.inp.storage_module_kwh * m.storage_modules_added[d, y]


def storage_limit_rule(m, d, y):
    r"""Storage in service stays within the depot's max_storage_kwh.

    .. math:: S_{dy} \le \bar S_d

    Units: kWh.
    """
    return m.storage_kwh[d, y] <= m.inp.storage_max_kwh[d]


def storage_balance_rule(m, d, y, r, h):
    r"""State of charge at the end of the block starting at hour h, cyclic over the representative
    day (the block before the first is the last).

    .. math:: e_{dyrh} = e_{dyr,h^-} + L_h \left(\eta\, c_{dyrh} - d_{dyrh} / \eta\right)

    h-: the block before h; L_h: its length in hours (1 unless hours are merged);
    eta = sqrt(round_trip_efficiency). Units: kWh.
    """
    inp = m.inp
    prev = inp.hours[(inp.hours.index(h) - 1) % len(inp.hours)]
    eta, length = inp.storage_efficiency, inp.hour_length_h[h]
    return (m.storage_soc_kwh[d, y, r, h] == m.storage_soc_kwh[d, y, r, prev]
            + length * eta * m.storage_charge_kw[d, y, r, h]
            - length * m.storage_discharge_kw[d, y, r, h] / eta)


def storage_energy_limit_rule(m, d, y, r, h):
    r"""State of charge within capacity: :math:`e_{dyrh} \le S_{dy}`. Units: kWh."""
    return m.storage_soc_kwh[d, y, r, h] <= m.storage_kwh[d, y]


def storage_charge_limit_rule(m, d, y, r, h):
    r"""Charging within power: :math:`c_{dyrh} \le \kappa S_{dy}`, kappa = power_kw_per_kwh. Units: kW."""
    return m.storage_charge_kw[d, y, r, h] <= m.inp.storage_power_kw_per_kwh * m.storage_kwh[d, y]


def storage_discharge_limit_rule(m, d, y, r, h):
    r"""Discharging within power: :math:`d_{dyrh} \le \kappa S_{dy}`. Units: kW."""
    return m.storage_discharge_kw[d, y, r, h] <= m.inp.storage_power_kw_per_kwh * m.storage_kwh[d, y]
