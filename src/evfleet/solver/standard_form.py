"""The built Pyomo model as sparse matrices for HiGHS: rows, columns, bounds and costs.

Pyomo's LinearStandardFormCompiler was the fastest of Pyomo's routes to HiGHS measured
(docs/performance.md), but it walks every constraint with a general expression visitor: on the
pilot that walk was half of the time from case file to HiGHS. evfleet's constraints are all linear
and built from a handful of node types (variables, monomials, sums, named expressions, constant
products and quotients), so this module reads those nodes directly and produces the same arrays
the compiler does, in the same order: rows in declaration order, split in two where a constraint
has two different finite bounds (mixed form); columns grouped by variable component, components
in the order first met (objective first), unused columns dropped. An expression with any other
node makes `compile_model` fall back to Pyomo's compiler, so the route is never wrong, only
sometimes slower (tests/test_standard_form.py checks both give the same arrays).

Fixed variables are constants. A row left without variables is dropped when its bounds hold and
kept (empty, so HiGHS reports the model infeasible) when they do not.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.common.gc_manager import PauseGC
from pyomo.core.expr.numeric_expr import (
    DivisionExpression,
    LinearExpression,
    MonomialTermExpression,
    NegationExpression,
    ProductExpression,
    SumExpression,
)
from pyomo.core.expr.relational_expr import (
    EqualityExpression,
    InequalityExpression,
    RangedExpression,
)
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler
from pyomo.repn.util import FileDeterminism, FileDeterminism_to_SortComponents

log = logging.getLogger(__name__)

NUMBERS = (int, float, np.float64, np.int64)
SORT = FileDeterminism_to_SortComponents(FileDeterminism.ORDERED)  # the compiler's default


@dataclass
class StandardForm:
    """min c x + offset  s.t.  rows of A x (<=, =, >=) rhs by `rows[i][1]` (1, 0, -1)."""

    c: np.ndarray  # objective coefficient per column
    offset: float
    a: sp.csc_matrix
    rhs: np.ndarray
    rows: list  # (ConstraintData, sense): sense 1 is <=, 0 is ==, -1 is >=
    columns: list  # VarData per column


class Unsupported(Exception):
    """An expression node this reader does not handle: use Pyomo's compiler instead."""


def compile_model(m: pyo.ConcreteModel) -> StandardForm:
    """The model's standard form, read directly; Pyomo's compiler for anything unusual."""
    try:
        with PauseGC():  # millions of Pyomo objects: a cyclic collection mid-read costs seconds
            return _Reader(m).read()
    except Unsupported as err:
        log.debug("standard form: %s; using Pyomo's LinearStandardFormCompiler", err)
        return pyomo_compile(m)


def pyomo_compile(m: pyo.ConcreteModel) -> StandardForm:
    """The same arrays through Pyomo's LinearStandardFormCompiler (the reference route)."""
    with PauseGC():
        repn = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
    c = np.asarray(repn.c.toarray()[0], dtype=float) if repn.c.shape[0] else np.zeros(len(repn.columns))
    offset = float(repn.c_offset[0]) if repn.c.shape[0] else 0.0
    return StandardForm(c, offset, repn.A.tocsc(), np.asarray(repn.rhs, dtype=float),
                        list(repn.rows), list(repn.columns))


class _Reader:
    def __init__(self, m: pyo.ConcreteModel):
        self.m = m
        self.col_of: dict[int, int] = {}  # id(VarData) -> column (before unused ones are dropped)
        self.columns: list = []
        self.named: dict[int, tuple[dict[int, float], float]] = {}  # id(named expr) -> linear form

    def column(self, v) -> int:
        """The column of an unfixed variable; its whole component is numbered on first sight."""
        j = self.col_of.get(id(v))
        if j is None:
            for _, vd in v.parent_component().items(SORT):
                self.col_of[id(vd)] = len(self.columns)
                self.columns.append(vd)
            j = self.col_of[id(v)]
        return j

    def add(self, e, coef: float, terms: dict[int, float]) -> float:
        """terms += coef x the linear part of e; returns coef x its constant."""
        kind = _KIND.get(e.__class__) or _kind(e)
        if kind is _VAR:
            if e.fixed:
                return coef * e.value
            j = self.col_of.get(id(e))
            if j is None:
                j = self.column(e)
            terms[j] = terms.get(j, 0.0) + coef
            return 0.0
        if kind is _MONOMIAL:
            k, v = e.args
            if k.__class__ not in NUMBERS:
                k = pyo.value(k)
            return self.add(v, coef * k, terms)
        if kind is _SUM:  # the bulk of every row: variables and monomials handled inline
            const = 0.0
            col_of = self.col_of
            for arg in e.args:
                cls = arg.__class__
                if cls is MonomialTermExpression:
                    k, v = arg.args
                    if k.__class__ in NUMBERS and not v.fixed:
                        j = col_of.get(id(v))
                        if j is None:
                            j = self.column(v)
                        terms[j] = terms.get(j, 0.0) + coef * k
                        continue
                const += self.add(arg, coef, terms)
            return const
        if kind is _NUMBER:
            return coef * e
        if kind is _NAMED:
            linear, const = self.named_form(e)
            for j, k in linear.items():
                terms[j] = terms.get(j, 0.0) + coef * k
            return coef * const
        if not e.is_potentially_variable():
            return coef * pyo.value(e)
        if kind is _NEGATION:
            return self.add(e.args[0], -coef, terms)
        if kind is _PRODUCT:  # linear when one side is constant (numbers, parameters, fixed)
            a, b = e.args
            if a.__class__ in NUMBERS or a.is_fixed():
                return self.add(b, coef * pyo.value(a), terms)
            if b.__class__ in NUMBERS or b.is_fixed():
                return self.add(a, coef * pyo.value(b), terms)
        if kind is _DIVISION:
            a, b = e.args
            if b.__class__ in NUMBERS or b.is_fixed():
                return self.add(a, coef / pyo.value(b), terms)
        raise Unsupported(f"{e.__class__.__name__} in {str(e)[:80]}")

    def named_form(self, e) -> tuple[dict[int, float], float]:
        found = self.named.get(id(e))
        if found is None:
            terms: dict[int, float] = {}
            const = self.add(e.expr, 1.0, terms)
            found = self.named[id(e)] = (terms, const)
        return found

    def read(self) -> StandardForm:
        objectives = list(self.m.component_data_objects(pyo.Objective, active=True, sort=SORT))
        obj_terms: dict[int, float] = {}
        offset = sum(self.add(o.expr, 1.0, obj_terms) for o in objectives)
        indptr, index, data, rhs, rows = [0], [], [], [], []
        col_of = self.col_of
        for con in self.m.component_data_objects(pyo.Constraint, active=True, sort=SORT):
            lower, body, upper = _bounds(con)
            if lower is None and upper is None:
                continue
            terms: dict[int, float] = {}
            const = 0.0
            for part, sign in body:  # a bare variable, the commonest side of a row, inline
                if _KIND.get(part.__class__) is _VAR and not part.fixed:
                    j = col_of.get(id(part))
                    if j is None:
                        j = self.column(part)
                    terms[j] = terms.get(j, 0.0) + sign
                else:
                    const += self.add(part, sign, terms)
            if 0.0 in terms.values():
                terms = {j: k for j, k in terms.items() if k}
            if not terms and (lower is None or lower <= const) and (upper is None or upper >= const):
                continue  # no variables, bounds hold
            senses = [(0, upper)] if lower == upper else [
                (s, b) for s, b in ((1, upper), (-1, lower)) if b is not None]
            for sense, bound in senses:
                index.extend(terms)
                data.extend(terms.values())
                indptr.append(len(index))
                rhs.append(bound - const)
                rows.append((con, sense))
        n = len(self.columns)
        a = sp.csr_matrix((np.asarray(data, dtype=float), np.asarray(index, dtype=np.int64),
                           np.asarray(indptr, dtype=np.int64)), shape=(len(rows), n)).tocsc()
        a.sum_duplicates()
        c = np.zeros(n)
        for j, k in obj_terms.items():
            c[j] += k
        used = (np.diff(a.indptr) > 0) | (c != 0)
        keep = np.flatnonzero(used)
        return StandardForm(c[keep], float(offset), a[:, keep].tocsc(), np.asarray(rhs, dtype=float),
                            rows, [self.columns[j] for j in keep])


_VAR, _MONOMIAL, _SUM, _NUMBER, _NAMED, _NEGATION, _PRODUCT, _DIVISION, _OTHER = range(1, 10)
_KIND: dict[type, int] = {t: _NUMBER for t in NUMBERS}
_KIND.update({MonomialTermExpression: _MONOMIAL, LinearExpression: _SUM, SumExpression: _SUM,
              NegationExpression: _NEGATION, ProductExpression: _PRODUCT,
              DivisionExpression: _DIVISION})


def _kind(e) -> int:
    """The node kind of an expression class met for the first time (then remembered)."""
    if e.__class__ in _KIND:
        return _KIND[e.__class__]
    if e.is_variable_type():
        kind = _VAR
    elif e.is_named_expression_type():
        kind = _NAMED
    else:
        kind = _OTHER  # NPV expressions, parameters: constants, or unsupported
    _KIND[e.__class__] = kind
    return kind


def _bounds(con) -> tuple[float | None, list, float | None]:
    """(lower, body, upper), the body as (expression, sign) parts, as Pyomo's
    ConstraintData.to_bounded_expression decides them: a constant side is the bound; with
    variables on both sides the body is lhs - rhs and the bound 0."""
    expr = con.expr
    cls = expr.__class__
    if cls is RangedExpression:
        lo, body, up = expr.args
        return _number(lo), [(body, 1.0)], _number(up)
    if cls not in (EqualityExpression, InequalityExpression) or getattr(expr, "strict", False):
        raise Unsupported(f"constraint {con.name}")
    lhs, rhs = expr.args
    equality = cls is EqualityExpression
    if rhs.__class__ in NUMBERS or not rhs.is_potentially_variable():
        value = _number(rhs)
        return (value if equality else None), [(lhs, 1.0)], value
    if lhs.__class__ in NUMBERS or not lhs.is_potentially_variable():
        value = _number(lhs)
        return value, [(rhs, 1.0)], (value if equality else None)
    return (0.0 if equality else None), [(lhs, 1.0), (rhs, -1.0)], 0.0


def _number(x):
    if x is None:
        return None
    return x if x.__class__ in NUMBERS else pyo.value(x)
