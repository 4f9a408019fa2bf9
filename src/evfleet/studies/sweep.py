"""`evfleet sweep`: a study of a case, variant by variant, resumable and loss-free.

case + study -> variants (design.py) -> checked all at once (bad input: nothing is solved) ->
each unfinished variant solved by an executor (executors.py) -> each result written to its own
folder as soon as it arrives (writers.files.write_run) -> results tables and charts.

A variant folder is reused by a later run when its record (variant, settings, a hash of its
case data and the solver options) matches and its files are intact (writers.files manifest):
nothing finished is ever solved twice, nothing stale or edited is ever reused.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from pydantic import ValidationError
from ruamel.yaml import YAML

from evfleet.case.schema import Case
from evfleet.catalog.load import Catalog, load_catalog
from evfleet.document import Document, schema_problems
from evfleet.errors import InputError, InputProblem
from evfleet.inputs import in_memory, load, prepare
from evfleet.parallel import make_executor
from evfleet.results.folder import read_run, read_summary
from evfleet.results.record import Summary
from evfleet.solver.highs import SolveOptions, Status
from evfleet.studies.design import (BASE, Parameter, Variant, frontier_variants, number_label,
                                    parameters, variants)
from evfleet.studies.paths import PathError, set_value
from evfleet.studies.study import Study, load_study
from evfleet.studies.worker import Outcome, Task, solve_variant
from evfleet.writers.files import manifest_intact, write_run
from evfleet.writers.study import write_study_results

MARKER = "sweep.json"


@dataclass(frozen=True)
class SweepOptions:
    solve: SolveOptions = SolveOptions(threads=1)
    workers: int = 1
    scheduler: str | None = None
    reuse: bool = True  # keep each worker's model across variants (solver/cache.py)
    warm_start: bool = False  # offer the worker's previous plan to HiGHS as a start
    breakpoints: tuple[str, ...] = ()
    breakpoint_tolerance: float = 0.01  # bisection stops at this share of the parameter's range
    force: bool = False


class Progress(Protocol):
    def start(self, phase: str, total: int) -> None: ...
    def advance(self, outcome: Outcome) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, phase: str, total: int) -> None:
        pass

    def advance(self, outcome: Outcome) -> None:
        pass

    def finish(self) -> None:
        pass


@dataclass
class SweepReport:
    out_dir: Path
    results: pd.DataFrame
    reused: int = 0
    solved: int = 0
    failed: int = 0
    retried: int = 0  # variants sent again to a fresh worker after their worker was lost
    executor: str = ""
    files: list[str] = field(default_factory=list)


@dataclass
class _Study:
    """Everything the phases share."""

    case_path: Path
    case_name: str
    data: dict
    catalog: dict
    years: list[int]
    study: Study
    study_doc: Document
    study_name: str
    params: list[Parameter]
    out_dir: Path
    opts: SweepOptions


def sweep(case_path: str | Path, study_path: str | Path, out_dir: str | Path | None = None,
          opts: SweepOptions = SweepOptions(), progress: Progress | None = None) -> SweepReport:
    """Run (or finish) a study; raises InputError for bad input before solving anything."""
    progress = progress or NoProgress()
    st = _prepare(Path(case_path), Path(study_path), out_dir, opts)
    planned = variants(st.study, st.params)
    checked = _checked_variants(st, planned)
    st.out_dir.mkdir(parents=True, exist_ok=True)
    (st.out_dir / MARKER).write_text(json.dumps({"case": st.case_name, "study": st.study_name})
                                     + "\n", encoding="utf-8")
    executor = make_executor(opts.workers, opts.scheduler)
    report = SweepReport(st.out_dir, pd.DataFrame(), executor=executor.name)
    rows: dict[str, dict] = {}
    breakpoints: list[list[dict]] = []
    try:
        _run(st, planned, checked, executor, report, progress, "variants", rows)
        if st.study.design == "frontier":
            free = rows.get("cap-free")
            if free is None or free["status"] not in ("optimal", "time_limit"):
                raise InputError([InputProblem(str(study_path), None, "design",
                                               "the case has no plan even without its carbon cap; "
                                               "no frontier to trace")])
            summary = read_summary(st.out_dir / "cap-free")
            emissions = {int(y): v["emissions_t"] for y, v in summary.per_year.items()}
            more = frontier_variants(st.study, emissions)
            _run(st, more, _checked_variants(st, more), executor, report,
                 progress, "frontier", rows)
            planned += more
        for p in _breakpoint_params(st):
            breakpoints.append(_breakpoint(st, p, executor, report, rows, progress))
    finally:
        table = _results_frame(st, rows, planned)
        report.results = table
        report.files = write_study_results(st.out_dir, table, st.study.design,
                                           [p.path for p in st.params], breakpoints)
        executor.shutdown()
    return report


def _prepare(case_path: Path, study_path: Path, out_dir, opts: SweepOptions) -> _Study:
    loaded = load(case_path)  # the base case: checked as `evfleet solve` would
    case, doc = loaded.case, loaded.doc
    catalog = load_catalog(case, doc)
    study, sdoc = load_study(study_path)
    years = list(range(case.start_year, case.end_year + 1))
    cat = catalog_data(catalog)
    try:
        params = parameters(study, doc.data, cat, years)
    except PathError as exc:
        raise InputError([_at(sdoc, ("parameters",), str(exc))]) from None
    out = Path(out_dir) if out_dir is not None else Path("runs") / f"{case.name}-{study_path.stem}"
    _check_out_dir(out, case.name, study_path, opts.force)
    st = _Study(case_path, case.name, doc.data, cat, years, study, sdoc, study_path.name, params,
                out, opts)
    unknown = [p for p in opts.breakpoints if p not in study.parameters]
    if unknown:
        raise InputError([InputProblem("--breakpoint", None, p, "expected one of the study's "
                                       f"parameters ({', '.join(study.parameters)})")
                          for p in unknown])
    return st


def catalog_data(catalog: Catalog) -> dict:
    """The catalog as plain data, for reading base values of study paths."""
    def dump(rec):
        return rec.model_dump(exclude={"sources"})
    return {"vehicles": {k: dump(v) for k, v in catalog.vehicles.items()},
            "chargers": {k: dump(v) for k, v in catalog.chargers.items()},
            "cities": {k: dump(v) for k, v in catalog.cities.items()},
            "solar": dump(catalog.solar), "storage": dump(catalog.storage)}


def _at(doc: Document, loc: tuple, message: str) -> InputProblem:
    while loc and doc.line(loc) is None:
        loc = loc[:-1]
    return doc.problem(loc, message)


@dataclass(frozen=True)
class _Checked:
    """A variant's case: its data (hashed and kept as case.yaml) and the Case validated from it."""

    data: dict
    case: Case


def _checked_variants(st: _Study, planned: list[Variant]) -> dict[str, _Checked]:
    """Every variant's case, checked before anything is solved; every problem of every variant in
    one InputError, at the study file's lines."""
    checked, problems = {}, []
    for v in planned:
        try:
            checked[v.name] = _variant_data(st, v)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return checked


def _variant_data(st: _Study, v: Variant) -> _Checked:
    """The variant's case data, checked as strictly as a case file: the case schema, then the
    front door (catalog and city overrides, references, cross-field rules; inputs.prepare). The
    problems are placed in the study file, at the variant's line."""
    data = st.data
    try:
        for path, value in v.changes.items():
            data = set_value(data, st.catalog, path, value, st.years)
    except PathError as exc:
        named = "" if path in v.loc else f"{path}: "  # a parameter's line names its path
        raise InputError([_at(st.study_doc, v.loc, f"{named}{exc}")]) from None
    try:
        case = Case.model_validate(data)
        prepare(case, in_memory(case, st.case_path))
    except ValidationError as exc:
        problems = schema_problems(Document(str(st.case_path), None, data), exc, Case)
        raise InputError(_in_study(st, v, problems)) from None
    except InputError as exc:
        raise InputError(_in_study(st, v, exc.problems)) from None
    return _Checked(data, case)


def _in_study(st: _Study, v: Variant, problems: list[InputProblem]) -> list[InputProblem]:
    return [_at(st.study_doc, v.loc, f"variant {v.name} gives {p.field}: {p.message}")
            for p in problems]


def _check_out_dir(out: Path, case_name: str, study_path: Path, force: bool) -> None:
    """A study folder belongs to one case and one study file; anything else needs --force."""
    if not out.exists():
        return
    if not out.is_dir():
        raise InputError([InputProblem(str(out), None, "", "expected a study folder, got a file")])
    marker = out / MARKER
    if marker.exists():
        try:
            owner = json.loads(marker.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            owner = {}
        if owner == {"case": case_name, "study": study_path.name} or force:
            return
        raise InputError([InputProblem(str(out), None, "", f"holds the study '{owner.get('study')}' "
                                       f"of case '{owner.get('case')}'; choose another -o or use "
                                       "--force to share it")])
    if any(out.iterdir()) and not force:
        raise InputError([InputProblem(str(out), None, "", "is not empty and holds no evfleet "
                                       "study; choose another -o or use --force")])


def _record(st: _Study, v: Variant, data: dict) -> dict:
    """What identifies a finished variant: its name, settings, case data and solver options."""
    opts = st.opts.solve
    payload = json.dumps([_plain(data), opts.mip_gap, opts.time_limit_s], sort_keys=True)
    return {"variant": v.name, "settings": _plain(v.settings),
            "inputs_sha256": hashlib.sha256(payload.encode()).hexdigest()}


def _plain(value: Any) -> Any:
    """JSON-ready: mapping keys as strings (years are ints in YAML)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _kept(st: _Study, v: Variant, record: dict) -> Summary | None:
    """The variant's Summary from an earlier run of the same record, if its folder has one and
    every file evfleet wrote there is intact (its manifest's checksums): a folder with a table
    deleted or edited is solved again."""
    folder = st.out_dir / v.name
    try:
        summary = read_summary(folder)
    except InputError:
        return None
    return summary if summary.study == record and manifest_intact(folder) else None


def _run(st: _Study, planned: list[Variant], data: dict[str, _Checked], executor,
         report: SweepReport, progress: Progress, phase: str, rows: dict[str, dict]) -> None:
    """Solve what is not finished yet; every outcome written as soon as it arrives and put in
    `rows` at once, so that an interruption (Ctrl-C) leaves the finished ones marked finished."""
    todo = []
    for v in planned:
        record = _record(st, v, data[v.name].data)
        kept = _kept(st, v, record)
        if kept is not None:
            rows[v.name] = _row(v, kept.status.value, kept, "", from_earlier=True)
            report.reused += 1
        else:
            todo.append((v, record))
    if not todo:
        return
    progress.start(phase, len(todo))
    try:
        _solve_all(st, todo, data, executor, report, progress, rows)
    finally:
        progress.finish()


def _solve_all(st: _Study, todo: list, data: dict[str, _Checked], executor, report: SweepReport,
               progress: Progress, rows: dict[str, dict]) -> None:
    """At most one variant per worker in flight, so a worker that dies (which breaks a process
    pool and every call queued on it) takes only the variants that were running with it; each of
    those is solved once more on a fresh worker, and has no answer if that one is lost too."""
    waiting, futures, retried = list(reversed(todo)), {}, set()

    def submit(v: Variant, record: dict) -> None:
        futures[executor.submit(solve_variant, _task(st, v, data[v.name]))] = (v, record)

    while waiting or futures:
        while waiting and len(futures) < max(executor.slots, 1):
            submit(*waiting.pop())
        future = next(iter(executor.as_completed(list(futures))))
        v, record = futures.pop(future)
        try:
            outcome = future.result()
        except Exception as exc:  # noqa: BLE001 - the worker died, not the variant
            if v.name not in retried:
                retried.add(v.name)
                report.retried += 1
                submit(v, record)
                continue
            outcome = Outcome(v.name, "error", reason=f"worker lost twice: "
                              f"{type(exc).__name__}: {exc}")
        rows[v.name] = _keep(st, v, record, data[v.name].data, outcome, report)
        progress.advance(outcome)


def _task(st: _Study, v: Variant, checked: _Checked) -> Task:
    return Task(v.name, str(st.case_path), checked.case, st.opts.solve, st.opts.reuse,
                st.opts.warm_start)


def _keep(st: _Study, v: Variant, record: dict, data: dict, outcome: Outcome,
          report: SweepReport) -> dict:
    """Write a finished variant's folder (atomically); a failure is only reported."""
    if outcome.finished:
        summary = outcome.summary.replace(study=record)
        write_run(st.out_dir / v.name, summary, outcome.tables, _case_text(st, v, data))
        report.solved += 1
        return _row(v, outcome.status, summary, outcome.reason)
    report.failed += 1
    return _row(v, outcome.status, None, outcome.reason)


def _case_text(st: _Study, v: Variant, data: dict) -> str:
    buf = io.StringIO()
    changes = ", ".join(f"{k} = {_plain(x)}" for k, x in v.changes.items()) or "none"
    buf.write(f"# variant {v.name} of {st.case_path} (study {st.study_doc.path}); changes: "
              f"{changes}\n")
    YAML().dump(data, buf)
    return buf.getvalue()


def _row(v: Variant, status: str, summary: Summary | None, reason: str,
         from_earlier: bool = False) -> dict:
    """One results line: the variant, its settings, status and KPIs (spec §6)."""
    row: dict[str, Any] = {"variant": v.name, **v.settings, "status": status}
    s = summary or Summary(v.name, Status.ERROR)
    years = s.per_year or {}
    last = years[max(years, key=int)] if years else {}
    row.update({
        "objective_npv_cny": s.objective_npv_cny, "mip_gap": s.mip_gap,
        "solve_seconds": s.solve_seconds, "build_seconds": s.build_seconds,
        "capex_cny": sum(y["capex_cny"] for y in years.values()) if years else None,
        "emissions_t": sum(y["emissions_t"] for y in years.values()) if years else None,
        "ev_share": last.get("ev_share"),
        "baseline_npv_cny": s.baseline_npv_cny, "model_reused": s.model_reused,
        "from_earlier_run": from_earlier,
        "reason": reason or "; ".join(s.conflicts or ()),
    })
    return row


def _results_frame(st: _Study, rows: dict[str, dict], planned: list[Variant]) -> pd.DataFrame:
    order = [v.name for v in planned] + [n for n in rows if n not in {v.name for v in planned}]
    lines = [rows[n] for n in order if n in rows]
    for v in planned:
        if v.name not in rows:
            lines.append({"variant": v.name, **v.settings, "status": "not_run",
                          "reason": "interrupted before it finished"})
    frame = pd.DataFrame(lines)
    leading = ["variant"] + [c for c in frame.columns if c not in RESULT_COLUMNS and c != "variant"]
    return frame.reindex(columns=leading + [c for c in RESULT_COLUMNS])


RESULT_COLUMNS = ["status", "objective_npv_cny", "mip_gap", "solve_seconds", "build_seconds",
                  "capex_cny", "emissions_t", "ev_share", "baseline_npv_cny", "model_reused",
                  "from_earlier_run", "reason"]


# ---- breakpoints -------------------------------------------------------------------------------

def _breakpoint_params(st: _Study) -> list[Parameter]:
    return [p for p in st.params if p.path in st.opts.breakpoints]


def _plan_signature(folder: Path, status: str) -> tuple:
    """What 'the plan' is for a breakpoint: the vehicles bought (depot, duty, model, year, count)."""
    if status not in ("optimal", "time_limit"):
        return ("no plan",)
    buys = read_run(folder).table("purchases")
    return tuple(sorted((str(r.depot), str(r.duty), str(r.model), int(r.year), int(r.count))
                        for r in buys.itertuples()))


def _describe_change(a: tuple, b: tuple) -> str:
    if a == ("no plan",) or b == ("no plan",):
        return "no plan below" if a == ("no plan",) else "no plan above"
    before = {t[:4]: t[4] for t in a}
    after = {t[:4]: t[4] for t in b}
    diffs = [f"{k[3]} {k[0]}/{k[1]} {k[2]} {before.get(k, 0)}->{after.get(k, 0)}"
             for k in sorted(set(before) | set(after), key=lambda k: (k[3], k))
             if before.get(k, 0) != after.get(k, 0)]
    shown = "; ".join(diffs[:6])
    return shown + (f"; and {len(diffs) - 6} more" if len(diffs) > 6 else "")


def _breakpoint(st: _Study, p: Parameter, executor, report: SweepReport, rows: dict,
                progress: Progress) -> list[dict]:
    """Where the plan changes as `p` moves (others at base): solve its points, then bisect each
    interval whose two ends buy different vehicles down to the tolerance."""
    points = sorted(x for x in p.spec.points() if isinstance(x, (int, float)))
    if len(points) < 2:
        return []
    tolerance = st.opts.breakpoint_tolerance * (points[-1] - points[0])

    def variant_at(x: float) -> Variant:
        if p.is_base(x):
            return Variant(BASE)
        value, shown = p.value(x)
        return Variant(f"{p.path}={number_label(x)}", {p.path: value}, {p.path: shown},
                       ("parameters", p.path))

    def signature(x: float) -> tuple:
        v = variant_at(x)
        if v.name not in rows:
            _run(st, [v], {v.name: _variant_data(st, v)}, executor, report, progress,
                 f"breakpoint {p.path}", rows)
        return _plan_signature(st.out_dir / v.name, rows[v.name]["status"])

    found = []
    sigs = [signature(x) for x in points]
    for (lo, s_lo), (hi, s_hi) in zip(zip(points, sigs), zip(points[1:], sigs[1:])):
        if s_lo == s_hi:
            continue
        while hi - lo > tolerance:
            mid = (lo + hi) / 2
            s_mid = signature(mid)
            if s_mid == s_lo:
                lo = mid
            else:
                hi, s_hi = mid, s_mid
        found.append({"parameter": p.path, "below": lo, "above": hi,
                      "change": _describe_change(s_lo, s_hi)})
    if not found:
        found.append({"parameter": p.path, "below": None, "above": None,
                      "change": f"the same vehicles are bought from {points[0]:g} to "
                                f"{points[-1]:g}"})
    return found
