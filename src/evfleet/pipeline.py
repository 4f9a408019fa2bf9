"""The pipeline behind `evfleet solve`: case file -> checked Inputs (inputs.load_inputs) -> one
model (single.py) or the network depot by depot (decompose/) -> tables and Summary -> the run
folder (writers/files.py)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from ruamel.yaml import YAML

from evfleet.decompose import DecomposeOptions, solve_decomposed
from evfleet.document import Document
from evfleet.errors import NoPlanError
from evfleet.inputs import Inputs, load
from evfleet.results.extract import excluded_table
from evfleet.results.folder import REPORT
from evfleet.results.record import Summary
from evfleet.single import solve_inputs
from evfleet.solver.highs import SolveOptions
from evfleet.solver.progress import QUIET, Progress
from evfleet.writers.files import check_output_dir, run_lock, write_run


@dataclass(frozen=True)
class Run:
    """A finished solve: where it was written, its summary and its tables."""

    out_dir: Path
    summary: Summary
    tables: dict[str, pd.DataFrame]
    inputs: Inputs
    lang: str = "en"  # of the workbook, report and terminal plan: --lang, else the case's


def case_record(doc: Document) -> str:
    """What a run keeps as case.yaml: the file as given, or the merged case if it extends one."""
    if doc.base is None and doc.cells is None:
        return Path(doc.path).read_text(encoding="utf-8")
    buf = io.StringIO()
    buf.write(f"# {doc.path} as read (merged over what it extends, tables read into depots)\n")
    YAML().dump(doc.data, buf)
    return buf.getvalue()


def solve_case(case_path: str | Path, out_dir: str | Path | None = None,
               options: SolveOptions = SolveOptions(), force: bool = False,
               decompose: DecomposeOptions | None = None, lang: str | None = None,
               progress: Progress = QUIET) -> Run:
    """`evfleet solve`: everything from the case file to the written plan. With `decompose`, a
    network is solved depot by depot (decompose/). `lang`: plan.xlsx's, else the case's.
    `progress` hears each phase and HiGHS's search (solver/progress.py)."""
    progress.phase("reading and checking the case")
    loaded = load(case_path)
    inp, doc = loaded.inputs, loaded.doc
    lang = lang or loaded.case.lang
    out = Path(out_dir) if out_dir is not None else Path("runs") / inp.name
    check_output_dir(out, inp.name, force)
    case_text = case_record(doc)
    with run_lock(out):
        try:
            if decompose is not None and len(inp.depots) > 1:
                summary, tables = solve_decomposed(loaded, decompose)
            else:
                summary, tables = solve_inputs(inp, options, progress=progress)
        except NoPlanError as exc:
            if exc.summary is not None:
                written = write_run(out, exc.summary, {"excluded": excluded_table(inp)},
                                    case_text)
                if written != out:
                    exc.lines.append(f"the earlier plan in {out}/ is kept; this attempt's "
                                     f"summary.json and case.yaml are in {written}/")
            raise
        progress.phase("writing the plan")
        write_run(out, summary, tables, case_text, lang)
        if (out / REPORT).is_file():  # a report of the earlier plan: made again for this one
            from evfleet.writers.report import write_report  # matplotlib: only when needed

            write_report(out, lang)
    return Run(out, summary, tables, inp, lang)
