"""Write a run's tables and summary: CSV files, summary.json and plan.xlsx. Pure functions of the
tables; nothing here imports Pyomo. Files are written to a temporary folder next to the target and
moved into place at the end, so an interrupted run never leaves half a plan."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from evfleet.errors import InputError, InputProblem
from evfleet.results.folder import SUMMARY, read_summary
from evfleet.results.record import Summary
from evfleet.writers.xlsx import write_plan_xlsx



def check_output_dir(out: Path, case_name: str, force: bool) -> None:
    """Refuse to replace a folder holding something other than an earlier run of this case."""
    if force or not out.exists():
        return
    if not out.is_dir():
        raise InputError([InputProblem(str(out), None, "", "expected an output folder, got a file")])
    if (out / SUMMARY).exists():
        try:
            owner = read_summary(out).case
        except InputError:
            owner = None
        if owner == case_name:
            return
        raise InputError([InputProblem(str(out), None, "", f"holds a run of case '{owner}'; "
                                       f"choose another --out or use --force to replace it")])
    if any(out.iterdir()):
        raise InputError([InputProblem(str(out), None, "", "is not empty and holds no evfleet run; "
                                       "choose another --out or use --force to replace it")])


def write_run(out: Path, summary: Summary, tables: dict[str, pd.DataFrame],
              case_text: str | None = None) -> None:
    """Write everything into a temporary sibling folder, then swap it in for `out`. `case_text`,
    the case file as given, is kept as case.yaml so that runs can be compared input by input."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        (tmp / SUMMARY).write_text(json.dumps(summary.to_json(), indent=2) + "\n",
                                   encoding="utf-8")
        if case_text is not None:
            (tmp / "case.yaml").write_text(case_text, encoding="utf-8")
        for name, df in tables.items():
            df.to_csv(tmp / f"{name}.csv", index=False, lineterminator="\n")
        if tables:
            write_plan_xlsx(tmp / "plan.xlsx", summary, tables, summary_frame(summary))
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            if old.exists():
                shutil.rmtree(old)
            out.rename(old)
        tmp.rename(out)
        if old is not None:
            shutil.rmtree(old)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def summary_frame(summary: Summary) -> pd.DataFrame:
    """The summary's per-year figures as a table (one row per year), baseline figures beside."""
    rows = []
    base = (summary.baseline or {}).get("per_year") or {}
    for year, figures in (summary.per_year or {}).items():
        row = {"year": int(year), **figures}
        for k, v in (base.get(year) or {}).items():
            row[f"baseline_{k}"] = v
        rows.append(row)
    return pd.DataFrame(rows)
