"""One solve of one set of Inputs: build (or re-use) the model, solve it with HiGHS, turn the
plan into tables and its Summary, with the like-for-like baseline; explain a case with no plan.
The single model behind `evfleet solve`, a sweep's variant and a decomposed network's depots."""

from __future__ import annotations

import dataclasses
import time

import pandas as pd
import pyomo.environ as pyo

from evfleet.errors import NoPlanError
from evfleet.formulation.baseline import fix_like_for_like
from evfleet.inputs import Inputs
from evfleet.inputs.checks import duties_without_electric
from evfleet.results.extract import extract_tables
from evfleet.results.record import Summary
from evfleet.results.summary import per_year, plan_summary
from evfleet.solver.cache import ModelCache
from evfleet.solver.diagnosis import diagnose
from evfleet.solver.highs import SolveOptions, Status
from evfleet.solver.progress import QUIET, Progress


def model_size(m: pyo.ConcreteModel) -> dict[str, int]:
    """Variables, integer variables and constraints of a built model."""
    variables = list(m.component_data_objects(pyo.Var, descend_into=True))
    return {
        "variables": len(variables),
        "integers": sum(1 for v in variables if v.is_integer() or v.is_binary()),
        "constraints": sum(1 for _ in m.component_data_objects(pyo.Constraint, active=True)),
    }


def solve_inputs(inp: Inputs, options: SolveOptions, cache: ModelCache | None = None,
                 explain: bool = True, warm_start: bool = False, progress: Progress = QUIET
                 ) -> tuple[Summary, dict[str, pd.DataFrame]]:
    """Build, solve and extract; with the like-for-like baseline. Raises NoPlanError.

    With a `cache` (sweeps), a model built for an earlier variant is re-used when this one differs
    only in its budget or carbon cap (solver/cache.py). `explain` names the conflicting targets of
    an infeasible case (several extra solves).
    """
    started = time.perf_counter()
    refuse_certain_infeasibility(inp)
    if options.strategy is None:  # the case's own choice
        options = dataclasses.replace(options, strategy=inp.strategy)
    cache = cache if cache is not None else ModelCache()
    progress.phase("building the model and handing it to HiGHS")
    model, reused = cache.get("plan", inp, options)
    model.highs.watch(progress)
    outcome = model.solve(options, warm_start=warm_start)
    model.highs.watch(QUIET)
    build = 0.0 if reused else model.pyomo_build_seconds
    handoff = 0.0 if reused else outcome.handoff_seconds
    fields = dict(status=outcome.status, objective_npv_cny=outcome.objective_cny,
                  mip_gap=outcome.mip_gap, bound_npv_cny=outcome.bound_cny,
                  build_seconds=round(build + handoff, 3),
                  solve_seconds=round(outcome.solve_seconds, 3),
                  pyomo_build_seconds=round(build, 3), handoff_seconds=round(handoff, 3),
                  model_reused=reused, strategy=options.strategy, model=model_size(model.m))
    if not outcome.has_plan:
        if outcome.status is not Status.INFEASIBLE:
            lines = [f"HiGHS stopped ({outcome.message}) before finding a plan; raise --time-limit"]
        elif explain:
            diagnosed = time.perf_counter()
            deadline = started + options.time_limit_s if options.time_limit_s else None
            progress.phase("no plan: relaxing the targets one at a time to name the conflict")
            lines = diagnose(inp, options, deadline)
            fields["diagnosis_seconds"] = round(time.perf_counter() - diagnosed, 3)
        else:
            lines = ["no plan meets every target; evfleet solve on this variant's case.yaml names "
                     "the targets in conflict"]
        if outcome.status is Status.INFEASIBLE:
            lines = duties_without_electric(inp) + lines  # the cause a planner must see first
        raise NoPlanError(outcome.status, lines, Summary(case=inp.name, conflicts=tuple(lines),
                                                         **fields))
    tables = extract_tables(model.m, inp)
    progress.phase("the like-for-like baseline")
    return plan_summary(inp, tables, baseline(inp, options, cache), **fields), tables


def refuse_certain_infeasibility(inp: Inputs) -> None:
    """A case the checks prove has no plan (inputs/checks.py) is infeasible without a solve:
    NoPlanError with the causes, located at the fields that cause them."""
    if inp.no_plan_because:
        lines = duties_without_electric(inp) + list(inp.no_plan_because)
        raise NoPlanError(Status.INFEASIBLE, lines,
                          Summary(case=inp.name, status=Status.INFEASIBLE, conflicts=tuple(lines)))


def baseline(inp: Inputs, options: SolveOptions, cache: ModelCache) -> dict:
    """The like-for-like plan's NPV and per-year figures (same model, fleet decisions fixed).
    Budget, cap and electric share do not apply to it, so a variant moving only those re-uses it."""
    model, _ = cache.get("baseline", inp, options, fix=fix_like_for_like)
    outcome = model.solve(options)
    if not outcome.has_plan:
        return {"status": outcome.status.value, "objective_npv_cny": None, "per_year": None}
    tables = extract_tables(model.m, inp)
    return {"status": outcome.status.value, "objective_npv_cny": outcome.objective_cny,
            "per_year": per_year(tables, inp)}
