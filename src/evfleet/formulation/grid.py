"""Grid: hourly site balance, import within the connection (and its upgrades), the yearly peak
billed as a demand charge on the two-part tariff, energy bought at the time-of-use price and PV
sold at the feed-in price."""

from __future__ import annotations

import pyomo.environ as pyo

from evfleet.inputs import Inputs


def add_grid(m: pyo.ConcreteModel, inp: Inputs) -> None:
    """Grid variables, constraints and the per-year electricity cost and emission expressions."""
    m.grid_import_kw = pyo.Var(m.DEPOT_HOURS, within=pyo.NonNegativeReals, doc="grid import [kW]")
    m.site_balance = pyo.Constraint(m.DEPOT_HOURS, rule=site_balance_rule,
                                    doc="power in equals power out at each depot and hour")

    span = {d: inp.upgrade_max_kw[d] - inp.grid_kw[d] for d in inp.upgrade_depots}
    m.upgrade_kw = pyo.Var(m.UPGRADE_YEARS, within=pyo.NonNegativeReals,
                           bounds=lambda m, d, y: (0, span[d]), doc="grid connection added [kW]")
    m.upgrade_built = pyo.Var(m.UPGRADE_YEARS, within=pyo.Binary,
                              doc="1 in a year the connection is upgraded [-]")
    m.upgraded_kw = pyo.Var(m.UPGRADE_YEARS, within=pyo.NonNegativeReals,
                            bounds=lambda m, d, y: (0, span[d]),
                            doc="connection added by upgrades up to year y, at most "
                                "grid_upgrade.max_kw - grid_kw [kW]")
    m.upgraded_kw_def = pyo.Constraint(m.UPGRADE_YEARS, rule=upgraded_kw_def_rule,
                                       doc="connection added: the upgrades built so far")
    m.connection_kw = pyo.Expression(m.DEPOT_YEARS, doc="grid connection limit [kW]",
                                     rule=lambda m, d, y: inp.grid_kw[d] + (
                                         m.upgraded_kw[d, y] if d in span else 0))
    m.upgrade_needs_build = pyo.Constraint(m.UPGRADE_YEARS, rule=upgrade_needs_build_rule,
                                           doc="an upgrade pays its fixed cost in its year")
    if "grid_slack_kw" in inp.slack_groups:
        m.grid_slack_kw = pyo.Var(m.DEPOT_YEARS, within=pyo.NonNegativeReals,
                                  doc="diagnosis: import above the connection [kW]")
    m.grid_limit = pyo.Constraint(m.DEPOT_HOURS, rule=grid_limit_rule,
                                  doc="grid import within the connection")

    m.peak_kw = pyo.Var(m.DEMAND_YEARS, within=pyo.NonNegativeReals,
                        doc="yearly peak grid import [kW]")
    m.peak_def = pyo.Constraint(m.DEMAND_YEARS * m.DAYS * m.HOURS, rule=peak_def_rule,
                                doc="the yearly peak is at least every hour's import")
    m.two_part = pyo.Var(m.TWO_PART_CHOICE, within=pyo.Binary,
                         doc="1 when the connection is at or above the two-part threshold [-]")
    m.billed_peak_kw = pyo.Var(m.TWO_PART_CHOICE, within=pyo.NonNegativeReals,
                               doc="peak billed where the tariff depends on an upgrade [kW]")
    m.two_part_rule = pyo.Constraint(m.TWO_PART_CHOICE, rule=two_part_rule_rule,
                                     doc="a connection above the threshold puts the depot on two-part")
    m.billed_peak = pyo.Constraint(m.TWO_PART_CHOICE, rule=billed_peak_rule,
                                   doc="on the two-part tariff the whole peak is billed")

    _add_grid_expressions(m, inp)


def site_balance_rule(m, d, y, r, h):
    r"""Power into a depot equals power used, every hour of every representative day.

    .. math:: g_{dyrh} + u_{dyrh} + d_{dyrh} = \sum_q p_{dqyrh} + L_{drh} + c_{dyrh}

    g grid import, u PV used, d/c storage discharge/charge, p charging by each charger model,
    L building load.
    Units: kW.
    """
    inp = m.inp
    supply = [m.grid_import_kw[d, y, r, h]]
    use = [m.charge_kw[d, q, y, r, h] for q in inp.chargers_at.get(d, ())]
    if d in inp.pv_depot_set:
        supply.append(m.pv_used_kw[d, y, r, h])
    if d in inp.storage_depot_set:
        supply.append(m.storage_discharge_kw[d, y, r, h])
        use.append(m.storage_charge_kw[d, y, r, h])
    return pyo.quicksum(supply) - pyo.quicksum(use) == inp.building_load_kw[d, r, h]


def upgraded_kw_def_rule(m, d, y):
    r"""Connection added by the upgrades built up to year y, a state variable so that each hourly
    row has one term for it.

    .. math:: U_{dy} = \sum_{y' \le y} a^{grid}_{dy'}

    Units: kW.
    """
    return m.upgraded_kw[d, y] == pyo.quicksum(m.upgrade_kw[d, c] for c in m.inp.years if c <= y)


def upgrade_needs_build_rule(m, d, y):
    r"""Connection is added only in a year the upgrade is built (paying its fixed cost).

    .. math:: a^{grid}_{dy} \le (\bar G_d - G_d)\, z_{dy}

    The bound is the largest possible upgrade, from the data. Units: kW.
    """
    inp = m.inp
    return m.upgrade_kw[d, y] <= (inp.upgrade_max_kw[d] - inp.grid_kw[d]) * m.upgrade_built[d, y]


def grid_limit_rule(m, d, y, r, h):
    r"""Grid import within the connection in service that year.

    .. math:: g_{dyrh} \le G_d + U_{dy} + s^{grid}_{dy}

    Units: kW. s only when diagnosing.
    """
    slack = m.grid_slack_kw[d, y] if "grid_slack_kw" in m.inp.slack_groups else 0
    return m.grid_import_kw[d, y, r, h] <= m.connection_kw[d, y] + slack


def peak_def_rule(m, d, y, r, h):
    r"""The yearly peak is at least the import of every hour.

    .. math:: \hat g_{dy} \ge g_{dyrh}

    Units: kW.
    """
    return m.peak_kw[d, y] >= m.grid_import_kw[d, y, r, h]


def two_part_rule_rule(m, d, y):
    r"""A connection at or above the two-part threshold puts the depot on the two-part tariff.

    .. math:: G_d + U_{dy} \le T^- + (\bar G_d - T^-)\, w_{dy}

    T-: single_part_max_kw, the largest connection still single-part: the threshold T
    (two_part_tariff_threshold_kva, power factor 1) less 1 W (inputs/grid.py, the one place of the
    rule), so a connection of exactly T is two-part, as the contract says. Units: kW.
    """
    inp = m.inp
    single = inp.single_part_max_kw
    return m.connection_kw[d, y] <= single + (inp.upgrade_max_kw[d] - single) * m.two_part[d, y]


def billed_peak_rule(m, d, y):
    r"""On the two-part tariff the billed peak is the whole yearly peak.

    .. math:: \tilde g_{dy} \ge \hat g_{dy} - \bar G_d (1 - w_{dy})

    The big-M is the largest connection the depot can have. Units: kW.
    """
    return m.billed_peak_kw[d, y] >= m.peak_kw[d, y] - m.inp.upgrade_max_kw[d] * (1 - m.two_part[d, y])


def _add_grid_expressions(m: pyo.ConcreteModel, inp: Inputs) -> None:
    w, length = inp.day_weight, inp.hour_length_h

    def energy(m, y):
        price = inp.price_cny_per_kwh  # of the tariff in force at d in y
        return pyo.quicksum(w[r] * length[h] * price[inp.tariff_of[d, y], r, h] * m.grid_import_kw[d, y, r, h]
                            for d in inp.depots for r in inp.days for h in inp.hours)

    def export(m, y):  # market price on every kWh, the old plants' premium on theirs
        return (pyo.quicksum(w[r] * length[h] * inp.export_market_cny_per_kwh[d] * m.export_kw[d, y, r, h]
                             for d in inp.export_depots for r in inp.days for h in inp.hours)
                + pyo.quicksum(w[r] * length[h] * m.old_export_kw[d, y, r, h]
                               * (inp.feed_in_cny_per_kwh[d] - inp.export_market_cny_per_kwh[d])
                               for d in m.OLD_EXPORT_DEPOTS for r in inp.days for h in inp.hours))

    def demand(m, y):
        return pyo.quicksum(
            inp.demand_cny_per_kw_year[d, y] * (m.peak_kw[d, y] if (d, y) in inp.two_part_fixed
                                                else m.billed_peak_kw[d, y])
            for d in inp.depots if (d, y) in inp.demand_cny_per_kw_year)

    def grid_capex(m, y):
        return pyo.quicksum(inp.upgrade_cost_cny_per_kw[d] * m.upgrade_kw[d, y]
                            + inp.upgrade_fixed_cny[d] * m.upgrade_built[d, y]
                            for d in inp.upgrade_depots)

    def grid_emissions(m, d, y):
        return pyo.quicksum(inp.grid_tco2_per_kwh[d, y] * w[r] * length[h] * m.grid_import_kw[d, y, r, h]
                            for r in inp.days for h in inp.hours)

    m.energy_cny = pyo.Expression(m.YEARS, rule=energy, doc="grid energy at the hourly tariff [CNY]")
    m.export_revenue_cny = pyo.Expression(m.YEARS, rule=export, doc="PV sold: market price, old plants at feed-in [CNY]")
    m.demand_charge_cny = pyo.Expression(m.YEARS, rule=demand, doc="demand charge on the peak [CNY]")
    m.grid_capex_cny = pyo.Expression(m.YEARS, rule=grid_capex, doc="grid upgrades [CNY]")
    m.grid_emissions_depot_t = pyo.Expression(m.DEPOT_YEARS, rule=grid_emissions,
                                              doc="CO2 of grid electricity imported at a depot [t]")
    m.grid_emissions_t = pyo.Expression(m.YEARS, doc="CO2 of grid electricity imported [t]",
                                        rule=lambda m, y: pyo.quicksum(
                                            m.grid_emissions_depot_t[d, y] for d in inp.depots))
    left = {c: max(c + inp.upgrade_life - (inp.end_year + 1), 0) / inp.upgrade_life for c in inp.years}
    m.grid_terminal_cny = pyo.Expression(doc="book value of grid upgrades at end_year + 1 [CNY]",
                                         expr=pyo.quicksum(
                                             left[y] * (inp.upgrade_cost_cny_per_kw[d] * m.upgrade_kw[d, y]
                                                        + inp.upgrade_fixed_cny[d] * m.upgrade_built[d, y])
                                             for (d, y) in m.UPGRADE_YEARS))
