"""The pipeline behind `evfleet solve`: case file -> Case -> Inputs -> model -> HiGHS -> tables ->
files. Each stage is a function of the previous one's output."""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyomo.environ as pyo
from ruamel.yaml import YAML

from evfleet.case.load import Document, load_case
from evfleet.checks import check_case
from evfleet.catalog.load import load_catalog
from evfleet.errors import NoPlanError
from evfleet.formulation import build_model
from evfleet.inputs import Inputs, resolve
from evfleet.results.baseline import fix_like_for_like
from evfleet.results.extract import extract_tables
from evfleet.results.summary import compliance, per_year
from evfleet.solve import SolveOptions, diagnose, run_highs
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


def solve_inputs(inp: Inputs, options: SolveOptions) -> tuple[dict, dict[str, pd.DataFrame]]:
    """Build, solve and extract; with the like-for-like baseline. Raises NoPlanError."""
    t0 = time.perf_counter()
    m = build_model(inp)
    build_seconds = time.perf_counter() - t0
    outcome = run_highs(m, options)
    summary = {"case": inp.name, "status": outcome.status, "objective_npv_cny": outcome.objective_cny,
               "mip_gap": outcome.mip_gap,
               "build_seconds": round(build_seconds + outcome.handoff_seconds, 3),
               "solve_seconds": round(outcome.solve_seconds, 3),
               "pyomo_build_seconds": round(build_seconds, 3),
               "handoff_seconds": round(outcome.handoff_seconds, 3), "model": model_size(m)}
    if not outcome.has_plan:
        lines = diagnose(inp, options) if outcome.status == "infeasible" else [
            f"HiGHS stopped ({outcome.message}) before finding a plan; raise --time-limit"]
        summary["conflicts"] = lines
        raise NoPlanError(outcome.status, lines, summary)
    tables = extract_tables(m, inp)
    tables["compliance"] = compliance(tables, inp)
    summary["per_year"] = per_year(tables, inp)
    summary["baseline"] = baseline(inp, options)
    return summary, tables


def baseline(inp: Inputs, options: SolveOptions) -> dict:
    """The like-for-like plan's NPV and per-year figures (same model, fleet decisions fixed)."""
    m = build_model(inp)
    fix_like_for_like(m, inp)
    outcome = run_highs(m, options)
    if not outcome.has_plan:
        return {"status": outcome.status, "objective_npv_cny": None, "per_year": None}
    tables = extract_tables(m, inp)
    return {"status": outcome.status, "objective_npv_cny": outcome.objective_cny,
            "per_year": per_year(tables, inp)}


def solve_case(case_path: str | Path, out_dir: str | Path | None = None,
               options: SolveOptions = SolveOptions(), force: bool = False) -> Run:
    """`evfleet solve`: everything from the case file to the written plan."""
    inp, doc = _load(case_path)
    out = Path(out_dir) if out_dir is not None else Path("runs") / inp.name
    check_output_dir(out, inp.name, force)
    case_text = case_record(doc)
    try:
        summary, tables = solve_inputs(inp, options)
    except NoPlanError as exc:
        write_run(out, exc.summary, {}, case_text)
        raise
    write_run(out, summary, tables, case_text)
    return Run(out, summary, tables, inp)
