"""The hand-off from a built Pyomo model to HiGHS: evfleet's standard-form reader
(standard_form.py) turned into a HighsLp, the fastest route measured (benchmarks/handoff.py)."""

from __future__ import annotations

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from evfleet.solver.standard_form import compile_model


def to_highs(m: pyo.ConcreteModel, compiler=compile_model) -> tuple[highspy.HighsLp, list, list]:
    """The model as a HiGHS LP/MIP, through evfleet's standard-form reader (standard_form.py;
    `compiler=standard_form.pyomo_compile` takes Pyomo's own compiler, the same arrays slower).

    Rows keep their sense (mixed form); columns keep their Pyomo bounds and integrality. Returns
    the LP, the Pyomo variables in column order (to load the solution back) and the Pyomo
    constraints in row order (to name an infeasible subset).
    """
    with PauseGC():  # see formulation.build_model
        return _to_highs(compiler(m))


def _to_highs(form) -> tuple[highspy.HighsLp, list, list]:
    cols = form.columns
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cols), len(form.rows)
    lp.col_cost_ = form.c
    lp.offset_ = form.offset
    bounds = np.array([v.bounds for v in cols], dtype=float).reshape(len(cols), 2)
    lp.col_lower_ = np.nan_to_num(bounds[:, 0], nan=-highspy.kHighsInf)
    lp.col_upper_ = np.nan_to_num(bounds[:, 1], nan=highspy.kHighsInf)
    sense = np.array([mult for _, mult in form.rows], dtype=int)
    rhs = form.rhs
    lp.row_lower_ = np.where(sense >= 0, np.where(sense == 0, rhs, -highspy.kHighsInf), rhs)
    lp.row_upper_ = np.where(sense <= 0, np.where(sense == 0, rhs, highspy.kHighsInf), rhs)
    a = form.a
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr
    lp.a_matrix_.index_ = a.indices
    lp.a_matrix_.value_ = a.data.astype(float)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = len(cols), len(form.rows)
    integer = integrality(cols)
    if integer.any():
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in integer]
    return lp, cols, [con for con, _ in form.rows]


def integrality(cols: list) -> np.ndarray:
    """True per integer or binary column; asked once per domain, not once per variable."""
    integer_domain: dict[int, bool] = {}
    out = np.zeros(len(cols), dtype=bool)
    for i, v in enumerate(cols):
        domain = v.domain
        known = integer_domain.get(id(domain))
        if known is None:
            known = integer_domain[id(domain)] = v.is_integer() or v.is_binary()
        out[i] = known
    return out
