"""The pipeline behind `evfleet solve`: case file -> Case -> Inputs -> model -> HiGHS -> tables ->
files. Each stage is a function of the previous one's output."""

from __future__ import annotations

import dataclasses
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyomo.environ as pyo
from ruamel.yaml import YAML

from evfleet.case.load import Document, load_case
from evfleet.checks import check_case
from evfleet.decompose import DecomposeOptions, solve_decomposed
from evfleet.catalog.load import load_catalog
from evfleet.errors import NoPlanError
from evfleet.inputs import Inputs, resolve
from evfleet.results.baseline import fix_like_for_like
from evfleet.results.extract import extract_tables
from evfleet.results.summary import compliance, per_year
from evfleet.solve import SolveOptions, diagnose
from evfleet.studies.reuse import ModelCache
from evfleet.writers.files import check_output_dir, write_run

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Run:
    """A finished solve: where it was written, its summary and its tables."""

    out_dir: Path
    summary: dict
    tables: dict[str, pd.DataFrame]
    inputs: Inputs


def load_inputs(case_path: str | Path) -> Inputs:
    """Case file -> resolved Inputs (raises InputError listing every problem)."""
    return _load(case_path)[0]


def _load(case_path: str | Path) -> tuple[Inputs, Document]:
    case, doc = load_case(case_path)
    inp = resolve(case, load_catalog(case, doc), doc)
    check_case(case, inp, doc)
    return inp, doc


def case_record(doc: Document) -> str:
    """What a run keeps as case.yaml: the file as given, or the merged case if it extends one."""
    if doc.base is None and doc.cells is None:
        return Path(doc.path).read_text(encoding="utf-8")
    buf = io.StringIO()
    buf.write(f"# {doc.path} as read (merged over what it extends, tables read into depots)\n")
    YAML().dump(doc.data, buf)
    return buf.getvalue()


def model_size(m: pyo.ConcreteModel) -> dict[str, int]:
    """Variables, integer variables and constraints of a built model."""
    variables = list(m.component_data_objects(pyo.Var, descend_into=True))
    return {
        "variables": len(variables),
        "integers": sum(1 for v in variables if v.is_integer() or v.is_binary()),
        "constraints": sum(1 for _ in m.component_data_objects(pyo.Constraint, active=True)),
    }


def solve_inputs(inp: Inputs, options: SolveOptions, cache: ModelCache | None = None,
                 explain: bool = True, warm_start: bool = False
                 ) -> tuple[dict, dict[str, pd.DataFrame]]:
    """Build, solve and extract; with the like-for-like baseline. Raises NoPlanError.

    With a `cache` (sweeps), a model built for an earlier variant is re-used when this one differs
    only in its budget or carbon cap (studies/reuse.py). `explain` names the conflicting targets of
    an infeasible case (several extra solves).
    """
    if options.strategy is None:  # the case's own choice
        options = dataclasses.replace(options, strategy=inp.strategy)
    cache = cache if cache is not None else ModelCache()
    model, reused = cache.get("plan", inp, options)
    outcome = model.solve(options, warm_start=warm_start)
    build = 0.0 if reused else model.pyomo_build_seconds
    handoff = 0.0 if reused else outcome.handoff_seconds
    summary = {"case": inp.name, "status": outcome.status, "objective_npv_cny": outcome.objective_cny,
               "mip_gap": outcome.mip_gap, "bound_npv_cny": outcome.bound_cny,
               "build_seconds": round(build + handoff, 3),
               "solve_seconds": round(outcome.solve_seconds, 3),
               "pyomo_build_seconds": round(build, 3),
               "handoff_seconds": round(handoff, 3), "model_reused": reused,
               "strategy": options.strategy,
               "model": model_size(model.m)}
    if not outcome.has_plan:
        if outcome.status != "infeasible":
            lines = [f"HiGHS stopped ({outcome.message}) before finding a plan; raise --time-limit"]
        elif explain:
            lines = diagnose(inp, options)
        else:
            lines = ["no plan meets every target; evfleet solve on this variant's case.yaml names "
                     "the targets in conflict"]
        summary["conflicts"] = lines
        raise NoPlanError(outcome.status, lines, summary)
    tables = extract_tables(model.m, inp)
    tables["compliance"] = compliance(tables, inp)
    summary["per_year"] = per_year(tables, inp)
    summary["baseline"] = baseline(inp, options, cache)
    return summary, tables


def baseline(inp: Inputs, options: SolveOptions, cache: ModelCache) -> dict:
    """The like-for-like plan's NPV and per-year figures (same model, fleet decisions fixed).
    Budget, cap and electric share do not apply to it, so a variant moving only those re-uses it."""
    model, _ = cache.get("baseline", inp, options, fix=fix_like_for_like)
    outcome = model.solve(options)
    if not outcome.has_plan:
        return {"status": outcome.status, "objective_npv_cny": None, "per_year": None}
    tables = extract_tables(model.m, inp)
    return {"status": outcome.status, "objective_npv_cny": outcome.objective_cny,
            "per_year": per_year(tables, inp)}


def solve_case(case_path: str | Path, out_dir: str | Path | None = None,
               options: SolveOptions = SolveOptions(), force: bool = False,
               decompose: DecomposeOptions | None = None) -> Run:
    """`evfleet solve`: everything from the case file to the written plan. With `decompose`, a
    network is solved depot by depot (decompose/)."""
    inp, doc = _load(case_path)
    out = Path(out_dir) if out_dir is not None else Path("runs") / inp.name
    check_output_dir(out, inp.name, force)
    case_text = case_record(doc)
    try:
        if decompose is not None and len(inp.depots) > 1:
            summary, tables = solve_decomposed(inp, doc.data, Path(case_path), decompose)
        else:
            summary, tables = solve_inputs(inp, options)
    except NoPlanError as exc:
        write_run(out, exc.summary, {}, case_text)
        raise
    write_run(out, summary, tables, case_text)
    return Run(out, summary, tables, inp)
