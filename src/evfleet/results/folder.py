"""The one reader of run folders (written by `evfleet solve`, or a sweep's variant): its
Summary, the case it was solved from, and its tables on demand. compare, report, the sweep's
resume and breakpoints all read through it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from evfleet.errors import InputError, InputProblem
from evfleet.results.record import Summary

SUMMARY = "summary.json"
CASE = "case.yaml"
REPORT = "report.html"  # written by `evfleet report`; made again when the run is solved again
PLAN_TABLES = ("fleet", "purchases", "retirements", "chargers", "charging", "solar", "storage",
               "grid", "energy", "costs", "emissions", "compliance", "excluded")


def _problem(path: Path, message: str) -> InputError:
    return InputError([InputProblem(str(path), None, "", message)])


def read_summary(folder: Path) -> Summary:
    """The folder's Summary (InputError when it is no run folder)."""
    path = folder / SUMMARY
    if not path.is_file():
        raise _problem(folder, f"expected a run folder holding {SUMMARY} (written by evfleet solve)")
    try:
        return Summary.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError, OSError) as exc:
        raise _problem(path, f"not an evfleet summary: {exc}") from None


@dataclass
class RunFolder:
    """A run folder read back; `table(name)` reads a CSV table once, when first asked for."""

    folder: Path
    summary: Summary
    case: dict | None  # case.yaml as plain data (None when the run kept none)
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.folder.name

    def has(self, name: str) -> bool:
        return (self.folder / f"{name}.csv").is_file()

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            path = self.folder / f"{name}.csv"
            if not path.is_file():
                raise _problem(self.folder, f"expected {name}.csv in the run folder")
            self._tables[name] = pd.read_csv(path)
        return self._tables[name]

    def tables(self, names: tuple[str, ...] = PLAN_TABLES) -> dict[str, pd.DataFrame]:
        return {n: self.table(n) for n in names}


def read_run(folder: Path, need_plan: bool = False) -> RunFolder:
    """A run folder (InputError when it is not one; with `need_plan`, when it holds no plan or
    misses a table of one)."""
    summary = read_summary(folder)
    if need_plan and not summary.has_plan:
        why = "; ".join(summary.conflicts or ()) or "see summary.json"
        raise _problem(folder, f"holds no plan (status {summary.status.value}): {why}")
    if need_plan:
        missing = [f"{n}.csv" for n in PLAN_TABLES if not (folder / f"{n}.csv").is_file()]
        if missing:
            raise _problem(folder, f"expected a run folder with a plan; missing {', '.join(missing)}")
    case_path = folder / CASE
    case = None
    if case_path.is_file():
        try:
            case = YAML(typ="safe").load(case_path.read_text(encoding="utf-8"))
        except (YAMLError, OSError, UnicodeDecodeError) as exc:
            raise _problem(case_path, f"cannot read the case kept with the run: {exc}") from None
    return RunFolder(folder, summary, case)
