"""Model re-use across solves: the variants of a study, the plan and its baseline.

A worker keeps the model it last built, already handed to HiGHS. A variant whose resolved inputs
differ from that model's only in the mutable right-hand sides (formulation.policy.MUTABLE_RHS:
the yearly budget and carbon cap, for the same years) is solved by moving those rows' bounds;
anything else (prices, fleet, depots, years) is rebuilt from scratch. Deciding by comparing the
resolved Inputs, not the parameter names, keeps re-use exact: two inputs that compare equal build
the same model.
"""

from __future__ import annotations

import dataclasses
import threading
import time

import pyomo.environ as pyo

from evfleet.formulation import build_model
from evfleet.formulation.policy import MUTABLE_RHS
from evfleet.inputs import Inputs
from evfleet.solver.highs import HighsModel, SolveOptions, SolveOutcome


class ReusableModel:
    """A built model and its HiGHS twin, re-solvable for inputs that differ only in MUTABLE_RHS."""

    def __init__(self, inp: Inputs, options: SolveOptions, fix=None):
        start = time.perf_counter()
        m = build_model(inp)
        if fix is not None:
            fix(m, inp)
        self.pyomo_build_seconds = time.perf_counter() - start
        self.highs = HighsModel(m, options)
        self.inp = inp

    @property
    def m(self) -> pyo.ConcreteModel:
        return self.highs.m

    def accepts(self, inp: Inputs) -> bool:
        """True when `inp` builds this very model up to the values of MUTABLE_RHS."""
        same_keys = all(getattr(inp, f).keys() == getattr(self.inp, f).keys() for f in MUTABLE_RHS)
        if not same_keys:
            return False
        rest = {f: getattr(self.inp, f) for f in MUTABLE_RHS}
        return dataclasses.replace(inp, **rest) == self.inp

    def update(self, inp: Inputs) -> None:
        """Take `inp`'s budget and cap: the Params change and the rows' bounds move with them."""
        m = self.m
        shifts = {}
        for field, (param_name, con_name) in MUTABLE_RHS.items():
            param, con = getattr(m, param_name), getattr(m, con_name)
            for key, new in getattr(inp, field).items():
                if pyo.value(param[key]) == new:
                    continue
                before = pyo.value(con[key].upper)
                param[key] = new
                shifts[con[key]] = pyo.value(con[key].upper) - before
        self.highs.shift_rows(shifts)
        m.inp = inp
        self.inp = inp

    def solve(self, options: SolveOptions, warm_start: bool = False) -> SolveOutcome:
        self.highs.set_options(options)
        return self.highs.solve(warm_start=warm_start)


class ModelCache:
    """One ReusableModel per kind of solve ("plan", "baseline") and per thread."""

    def __init__(self):
        self._local = threading.local()

    def get(self, kind: str, inp: Inputs, options: SolveOptions, fix=None) -> tuple[ReusableModel, bool]:
        """The cached model updated to `inp` (True), or a new one built for it (False)."""
        models = self._local.__dict__.setdefault("models", {})
        cached = models.get(kind)
        if cached is not None and cached.accepts(inp):
            cached.update(inp)
            return cached, True
        models[kind] = ReusableModel(inp, options, fix)
        return models[kind], False
