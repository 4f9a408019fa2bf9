"""Write a run's tables and summary: CSV files, summary.json and plan.xlsx. Pure functions of the
tables; nothing here imports Pyomo.

A run folder keeps what it holds (docs: README, "Run folders"):
- `evfleet solve` lists the files it wrote, with their SHA-256, in MANIFEST; a rerun replaces
  those and removes the ones it no longer writes, and never touches a file it did not write
  (notes, a folder of the planner's own; report.html, which the pipeline writes again for the
  new plan);
- files are written to a temporary folder inside the run folder first (nothing is ever written
  outside it) and moved in one by one, summary.json last (and the old one removed first), so a
  folder read while a run is interrupted is no run rather than half of one;
- a rerun that finds no plan never replaces an earlier plan: its summary and case go to
  NO_PLAN_DIR inside the folder, beside the plan kept;
- a folder being written is locked (`run_lock`): a second solve into it stops at once."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from evfleet.errors import InputError, InputProblem
from evfleet.results.folder import SUMMARY, read_summary
from evfleet.results.record import Summary
from evfleet.writers.xlsx import write_plan_xlsx

MANIFEST = ".evfleet-files.json"  # the files evfleet wrote here: {name: sha256}
LOCK = ".evfleet.lock"  # held (flock) while a run is solved and written into the folder
NO_PLAN_DIR = "no-plan-attempt"  # a failed rerun's summary and case, beside an earlier plan
WRITING = ".evfleet-writing."  # prefix of the folder, inside the run folder, files are written in
OWN_MARKERS = (MANIFEST, LOCK)


def _problem(out: Path, message: str) -> InputError:
    return InputError([InputProblem(str(out), None, "", message)])


def check_output_dir(out: Path, case_name: str, force: bool) -> None:
    """Refuse to write into a folder holding something other than an earlier run of this case
    (with `force`, write anyway: still only evfleet's own files are replaced)."""
    if out.exists() and not out.is_dir():
        raise _problem(out, "expected an output folder, got a file")
    if force or not out.exists():
        return
    if (out / SUMMARY).exists():
        try:
            owner = read_summary(out).case
        except InputError:
            owner = None
        if owner == case_name:
            return
        raise _problem(out, f"holds a run of case '{owner}'; choose another --out or use --force "
                       "to write this case's files over that run's")
    if any(p.name not in OWN_MARKERS and not p.name.startswith(WRITING) for p in out.iterdir()):
        raise _problem(out, "is not empty and holds no evfleet run; choose another --out or use "
                       "--force to write into it (files evfleet did not write are kept)")


@contextlib.contextmanager
def run_lock(out: Path) -> Iterator[None]:
    """Hold the folder's lock while a run is solved and written; a second holder fails at once
    (InputError: exit 2). The lock is an flock on LOCK, released by the kernel if the process
    dies; the file is removed on release (a holder checks that the file it locked is still the
    one at LOCK, so removing it never lets two runs in)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _problem(out, f"cannot write the output folder: {exc.strerror}") from None
    handle = _acquire(out / LOCK)
    try:
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        (out / LOCK).unlink(missing_ok=True)
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _acquire(path: Path):
    while True:
        try:
            handle = open(path, "a+", encoding="utf-8")
        except OSError as exc:
            raise _problem(path.parent, f"cannot write the output folder: {exc.strerror}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            raise _problem(path.parent, f"another evfleet ({holder}) is writing this folder; "
                           "wait for it or choose another --out") from None
        try:
            same = os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            handle.truncate(0)
            return handle
        handle.close()  # removed by the holder that just finished: lock the new file


def read_manifest(folder: Path) -> dict[str, str]:
    """{file name: sha256} of the files evfleet wrote in `folder` ({} if none is recorded)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_intact(folder: Path) -> bool:
    """Every file the manifest lists is there with its recorded checksum (sweep reuse)."""
    files = read_manifest(folder)
    return bool(files) and all((folder / name).is_file() and file_sha256(folder / name) == sha
                               for name, sha in files.items())


def _write_manifest(folder: Path, files: dict[str, str]) -> None:
    tmp = folder / f"{MANIFEST}.tmp"
    tmp.write_text(json.dumps({"files": dict(sorted(files.items()))}, indent=1) + "\n",
                   encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)


def _has_plan(folder: Path) -> bool:
    try:
        return read_summary(folder).has_plan
    except InputError:
        return False


def write_run(out: Path, summary: Summary, tables: dict[str, pd.DataFrame],
              case_text: str | None = None, lang: str = "en") -> Path:
    """Write the run into `out` (see the module's rules); returns the folder written: `out`, or
    `out/NO_PLAN_DIR` when this run has no plan and `out` keeps an earlier one. `case_text`, the
    case file as given, is kept as case.yaml so that runs can be compared input by input; `lang`
    is plan.xlsx's ("en" or "zh")."""
    if not summary.has_plan and _has_plan(out):
        out = out / NO_PLAN_DIR
    out.mkdir(parents=True, exist_ok=True)
    for left in out.glob(f"{WRITING}*"):  # a run killed while writing left it
        shutil.rmtree(left, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=WRITING, dir=out))
    try:
        (tmp / SUMMARY).write_text(json.dumps(summary.to_json(), indent=2) + "\n",
                                   encoding="utf-8")
        if case_text is not None:
            (tmp / "case.yaml").write_text(case_text, encoding="utf-8")
        for name, df in tables.items():
            df.to_csv(tmp / f"{name}.csv", index=False, lineterminator="\n")
        if summary.has_plan:
            write_plan_xlsx(tmp / "plan.xlsx", summary, tables, summary_frame(summary), lang)
        _move_in(tmp, out, summary.has_plan)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _move_in(tmp: Path, out: Path, has_plan: bool) -> None:
    """Replace evfleet's files in `out` by those written in `tmp`: summary.json removed first and
    moved in last, evfleet's files of the earlier run that this one does not write removed (and a
    failed attempt's NO_PLAN_DIR once a plan is written); nothing else in `out` is touched."""
    new = {p.name: file_sha256(p) for p in tmp.iterdir()}
    stale = set(read_manifest(out)) - set(new)
    (out / SUMMARY).unlink(missing_ok=True)
    for name in sorted(new):
        if name != SUMMARY:
            os.replace(tmp / name, out / name)
    for name in stale:
        (out / name).unlink(missing_ok=True)
    attempt = out / NO_PLAN_DIR
    if has_plan and attempt.is_dir() and (attempt / MANIFEST).is_file():
        shutil.rmtree(attempt, ignore_errors=True)
    _write_manifest(out, new)
    os.replace(tmp / SUMMARY, out / SUMMARY)


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
