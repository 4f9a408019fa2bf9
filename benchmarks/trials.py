"""The hostile-input and fault trials of issue #18, one per class the red-team run found, run
against the installed `evfleet` and recorded with exit status, seconds, peak memory and the first
line of the answer. A trial passes when it ends with the exit status it deserves, within 60 s
and 1 GB, without a traceback, and its own check (nothing written outside the folder, nothing
lost) holds.

    python benchmarks/trials.py                    # writes benchmarks/results/trials.csv

Each class is also held by a test of the default suite (tests/case/test_limits.py,
tests/writers/test_files.py, tests/studies/test_sweep.py, ...); this script is the list a
planner or reviewer can read and re-run in one go.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[1]
CASE = REPO / "cases" / "shenzhen-depot.yaml"
LIMIT_S, LIMIT_MB = 60.0, 1024.0
PREAMBLE = ("solving variants", "Usage:", "Try ")  # lines before the answer, not recorded


@dataclass
class Trial:
    name: str
    kind: str  # what the red-team run called it
    expect: tuple[int, ...]  # exit statuses it deserves
    make: Callable[[Path], list]  # folder -> argv after `evfleet`
    check: Callable[[Path, str], bool] = lambda folder, out: True
    drive: Callable[[subprocess.Popen, Path], None] | None = None  # acts on the running command


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def yaml_text(data) -> str:
    import io

    buf = io.StringIO()
    YAML().dump(data, buf)
    return buf.getvalue()


def case_data() -> dict:
    return YAML(typ="safe").load(CASE.read_text())


def quick_case(folder: Path, **change) -> Path:
    """The Shenzhen depot over two years (a solve of about a second)."""
    data = {**case_data(), "end_year": 2026, "carbon_cap_t": 800, **change}
    return write(folder, "case.yaml", yaml_text(data))


def study(folder: Path, data: dict) -> list:
    return ["sweep", quick_case(folder), write(folder, "study.yaml", yaml_text(data)),
            "-o", folder / "study", "--workers", "1"]


def victim_untouched(folder: Path, out: str) -> bool:
    return (folder / "victim" / "keep.txt").read_text() == "mine"


def with_victim(folder: Path) -> list:
    (folder / "victim").mkdir()
    (folder / "victim" / "keep.txt").write_text("mine")
    (folder / "a" / "b").mkdir(parents=True)
    return study(folder / "a" / "b", {"design": "scenarios",
                                      "scenarios": {"../../victim": {"budget_cny": 5.0e6}}})


def rerun_without_plan(folder: Path) -> list:
    good = quick_case(folder)
    subprocess.run([*EVFLEET, "solve", good, "--out", folder / "run"], capture_output=True)
    (folder / "run" / "notes.txt").write_text("my notes")
    bad = write(folder, "bad.yaml", yaml_text({**case_data(), "end_year": 2026,
                                               "budget_cny": 1000}))
    return ["solve", bad, "--out", folder / "run", "--force"]


def plan_kept(folder: Path, out: str) -> bool:
    run = folder / "run"
    return ((run / "plan.xlsx").is_file() and (run / "notes.txt").read_text() == "my notes"
            and (run / "no-plan-attempt" / "summary.json").is_file())


def two_solves_one_folder(folder: Path) -> list:
    """A second solve into a folder another evfleet is writing. The first writer is a process
    holding the folder's lock (`run_lock`, as `solve` does from reading the case to the last
    file) until the trial's folder is removed: a real first solve of the example holds it for
    only 2 to 6 s, and on a fast machine it was done before the second one reached the lock."""
    holder = ("import sys, time; from pathlib import Path; "
              "from evfleet.writers.files import run_lock\n"
              "out = Path(sys.argv[1])\n"
              "with run_lock(out / 'run'):\n"
              "    end = time.monotonic() + 120\n"
              "    while out.exists() and time.monotonic() < end: time.sleep(0.1)\n")
    subprocess.Popen([sys.executable, "-c", holder, str(folder)],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not (folder / "run" / ".evfleet.lock").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return ["solve", quick_case(folder), "--out", folder / "run", "--force"]


def alias_bomb() -> str:
    text, prev = "a: &a [x, x, x, x, x, x, x, x, x, x]\n", "a"
    for level in "bcdefghi":
        text += f"{level}: &{level} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
        prev = level
    return text + "name: bomb\n"


def depots_table(folder: Path, name: str, content: bytes) -> list:
    write(folder, name, content)
    data = {k: v for k, v in case_data().items() if k != "depots"}
    return ["validate", write(folder, "case.yaml", yaml_text({**data, "depots_table": name}))]


def formula_without_value(folder: Path) -> list:
    """The case as a workbook (export-case), its roof replaced by a formula no program saved."""
    from openpyxl import load_workbook

    path = folder / "case.xlsx"
    subprocess.run([*EVFLEET, "export-case", CASE, "-o", path], capture_output=True)
    wb = load_workbook(path)
    header = [c.value for c in wb["depots"][1]]
    wb["depots"].cell(row=2, column=header.index("roof_m2") + 1, value="=1000*3")
    wb.save(path)
    return ["validate", path]


def corrupt_pv_cache(folder: Path) -> list:
    os.environ["EVFLEET_CACHE"] = str(folder / "cache")
    case = folder / "wuhan.yaml"
    subprocess.run([*EVFLEET, "new", "wuhan-demo", "--city", "wuhan", "--lat", "30.59",
                    "--lon", "114.31", "--depots", "1", "--end-year", "2026", "-o", case],
                   capture_output=True)
    cache = folder / "cache" / "pv"
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "30.5900_114.3100_1120.00.csv").write_text("0.1,0.2\n")
    return ["solve", case, "--out", folder / "run"]


def blocked_output(command: list) -> Callable[[Path], list]:
    def make(folder: Path) -> list:
        (folder / "file").write_text("x")
        return [arg if arg != "BLOCKED" else folder / "file" / "out" for arg in command]
    return make


def compare_blocked(folder: Path) -> list:
    for name in ("one", "two"):
        subprocess.run([*EVFLEET, "solve", quick_case(folder), "--out", folder / name],
                       capture_output=True)
    (folder / "file").write_text("x")
    return ["compare", folder / "one", folder / "two", "-o", folder / "file" / "c.xlsx"]


def fifo(folder: Path) -> list:
    os.mkfifo(folder / "case.yaml")
    return ["validate", folder / "case.yaml"]


def dev_zero(folder: Path) -> list:
    (folder / "case.yaml").symlink_to("/dev/zero")
    return ["validate", folder / "case.yaml"]


def text_case(text: str | bytes) -> Callable[[Path], list]:
    return lambda folder: ["validate", write(folder, "case.yaml", text)]


def changed_case(**change) -> Callable[[Path], list]:
    return lambda folder: ["validate", write(folder, "case.yaml",
                                             yaml_text({**case_data(), **change}))]


def long_horizon(folder: Path) -> list:
    case = write(folder, "case.yaml", yaml_text({**case_data(), "end_year": 2064,
                                                 "carbon_cap_t": 1}))
    return ["solve", case, "--out", folder / "run", "--time-limit", "20"]


def not_a_run(folder: Path) -> list:
    (folder / "x").mkdir()
    (folder / "x" / "notes.txt").write_text("hi")
    return ["compare", folder / "x", folder / "x", "-o", folder / "c.xlsx"]


def oat_close_values(folder: Path) -> list:
    return study(folder, {"design": "oat", "parameters": {
        "budget_cny": {"values": [5000000, 5000001]}}})


def two_folders(folder: Path, out: str) -> bool:
    return {"budget_cny=5000000", "budget_cny=5000001"} <= {p.name for p in
                                                            (folder / "study").iterdir()}


# --- sweep faults: the command runs while `drive` kills or interrupts it ---------------------

DIESEL = "cities.shenzhen.diesel_cny_per_l"


def long_sweep(workers: int, samples: int = 200) -> Callable[[Path], list]:
    """A sweep of the quick case (200 variants: minutes), for a drive to act on."""
    def make(folder: Path) -> list:
        return study(folder, {"design": "lhs", "samples": samples, "seed": 3,
                              "parameters": {DIESEL: {"low": 5.0, "high": 9.0}}})[:-1] + [workers]
    return make


def wait_for(folder: Path, finished: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 45
    while (time.monotonic() < deadline and proc.poll() is None
           and len(list((folder / "study").glob("s*/summary.json"))) < finished):
        time.sleep(0.05)


def children(pid: int) -> set[int]:
    """Live processes whose parent is `pid` (Linux /proc; zombies left out)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def kill_parent(proc: subprocess.Popen, folder: Path) -> None:
    wait_for(folder, 2, proc)
    (folder / "workers.txt").write_text(" ".join(map(str, children(proc.pid))))
    proc.send_signal(signal.SIGKILL)


def no_orphans(folder: Path, out: str) -> bool:
    workers = [int(w) for w in (folder / "workers.txt").read_text().split()]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(alive(w) for w in workers):
        time.sleep(0.1)
    return len(workers) >= 2 and not any(alive(w) for w in workers)


def kill_a_worker_twice(proc: subprocess.Popen, folder: Path) -> None:
    """SIGKILL one worker, wait for the fresh pool's workers, SIGKILL one of them."""
    for _ in range(2):
        wait_for(folder, len(list((folder / "study").glob("s*/summary.json"))) + 1, proc)
        workers = [w for w in children(proc.pid) if "resource_tracker" not in
                   Path(f"/proc/{w}/cmdline").read_bytes().decode("utf-8", "replace")]
        if not workers:
            return
        os.kill(max(workers), signal.SIGKILL)


def failures_reported(folder: Path, out: str) -> bool:
    """Exit 0 only when every variant has its answer; a retry or a loss is said on the terminal."""
    import pandas as pd

    results = pd.read_csv(folder / "study" / "results.csv")
    answered = (results["status"] == "optimal").all()
    said = "sent again to a fresh worker" in out or "failed without an answer" in out
    return said and (answered or "run the same command again" in out)


def interrupt(proc: subprocess.Popen, folder: Path) -> None:
    wait_for(folder, 3, proc)
    proc.send_signal(signal.SIGINT)


def finished_marked(folder: Path, out: str) -> bool:
    import pandas as pd

    finished = {p.parent.name for p in (folder / "study").glob("s*/summary.json")}
    results = pd.read_csv(folder / "study" / "results.csv").set_index("variant")
    return ("ERROR" not in out and len(results) == 200 and len(finished) >= 3
            and set(results.index[results["status"] == "optimal"]) == finished
            and (results.loc[~results.index.isin(finished), "status"] == "not_run").all())


def edited_variant(folder: Path) -> list:
    """A finished two-variant sweep, one variant's fleet.csv edited and the other's deleted."""
    argv = study(folder, {"design": "scenarios", "scenarios": {"dear": {DIESEL: 9.0},
                                                              "cheap": {DIESEL: 5.0}}})
    subprocess.run([*EVFLEET, *map(str, argv)], capture_output=True)
    (folder / "study" / "dear" / "fleet.csv").write_text("edited\n")
    (folder / "study" / "cheap" / "purchases.csv").unlink()
    return argv


def redone(folder: Path, out: str) -> bool:
    return ("2 solved, 1 reused" in out  # the base variant untouched, the two edited ones redone
            and (folder / "study" / "dear" / "fleet.csv").read_text() != "edited\n"
            and (folder / "study" / "cheap" / "purchases.csv").is_file())


# --- run folders and tables ------------------------------------------------------------------

def rerun_with_user_files(folder: Path) -> list:
    subprocess.run([*EVFLEET, "solve", quick_case(folder), "--out", folder / "run"],
                   capture_output=True)
    (folder / "run" / "notes.txt").write_text("my notes")
    (folder / "run" / "charts").mkdir()
    (folder / "run" / "charts" / "mine.png").write_bytes(b"png")
    return ["solve", folder / "case.yaml", "--out", folder / "run"]


def user_files_kept(folder: Path, out: str) -> bool:
    run = folder / "run"
    return ((run / "notes.txt").read_text() == "my notes"
            and (run / "charts" / "mine.png").read_bytes() == b"png"
            and (run / "plan.xlsx").is_file())


def csv_folder(encode: Callable[[str], bytes], depot_id: str = "shenzhen-hub") -> Callable:
    """The example case's depots as a folder of CSV files (export-case's sheets), each file
    encoded by `encode`; the first depot's id replaced by `depot_id`."""
    def make(folder: Path) -> list:
        from openpyxl import load_workbook

        subprocess.run([*EVFLEET, "export-case", CASE, "-o", folder / "all.xlsx"],
                       capture_output=True)
        wb = load_workbook(folder / "all.xlsx")
        first = wb["depots"].cell(row=2, column=1).value
        (folder / "csv").mkdir()
        for sheet in ("depots", "duties", "fleet", "chargers"):
            rows = [",".join("" if v is None else depot_id if v == first else str(v) for v in row)
                    for row in wb[sheet].iter_rows(values_only=True)]
            (folder / "csv" / f"{sheet}.csv").write_bytes(encode("\n".join(rows) + "\n"))
        data = {k: v for k, v in case_data().items() if k != "depots"}
        return ["validate", write(folder, "case.yaml", yaml_text({**data, "depots_table": "csv"}))]
    return make


def fleet_of(**entry) -> Callable[[Path], list]:
    """The quick case with its first duty's fleet replaced by one entry."""
    def make(folder: Path) -> list:
        data = {**case_data(), "end_year": 2026, "carbon_cap_t": 800}
        depot = dict(data["depots"][0])
        duty = dict(depot["duties"][0])
        duty["fleet"] = [entry]
        depot["duties"] = [duty] + depot["duties"][1:]
        data["depots"] = [depot] + data["depots"][1:]
        return ["solve", write(folder, "case.yaml", yaml_text(data)), "--out", folder / "run"]
    return make


def retired_at_start(folder: Path, out: str) -> bool:
    import pandas as pd

    retired = pd.read_csv(folder / "run" / "retirements.csv")
    old = retired[retired["bought"] == 1995]
    return (old[["year", "count", "reason"]].values.tolist() == [[2025, 3, "past life at start"]]
            and old["value_cny"].notna().all())


def no_bound_warnings(folder: Path, out: str) -> bool:
    import json

    baseline = json.loads((folder / "run" / "summary.json").read_text())["baseline"]
    return "outside the bounds" not in out and "WARNING" not in out and baseline is not None


TRIALS = [
    Trial("scenario ../../victim", "names are paths", (2,), with_victim, victim_untouched),
    Trial("scenario base", "names are paths", (2,),
          lambda f: study(f, {"design": "scenarios", "scenarios": {"base": {"budget_cny": 1}}})),
    Trial("scenario results.csv", "names are paths", (2,), lambda f: study(
        f, {"design": "scenarios", "scenarios": {"results.csv": {"budget_cny": 5.0e6}}})),
    Trial("OAT 5000000 and 5000001", "names are paths", (0,), oat_close_values, two_folders),
    Trial("rerun with no plan", "run folders", (1,), rerun_without_plan, plan_kept),
    Trial("two solves into one --out", "run folders", (2,), two_solves_one_folder,
          lambda f, out: "is writing this folder" in out),
    Trial("rerun beside a planner's notes and charts", "run folders", (0,), rerun_with_user_files,
          user_files_kept),
    Trial("sweep --workers 2, parent SIGKILLed", "sweep faults", (-9,), long_sweep(2),
          no_orphans, drive=kill_parent),
    Trial("sweep --workers 2, a worker SIGKILLed twice", "sweep faults", (0, 1),
          long_sweep(2, samples=24),
          failures_reported, drive=kill_a_worker_twice),
    Trial("sweep, Ctrl-C", "sweep faults", (130,), long_sweep(1), finished_marked,
          drive=interrupt),
    Trial("sweep rerun, a variant's CSV edited and another's deleted", "sweep faults", (0,),
          edited_variant, redone),
    Trial("alias bomb", "reading limits", (2,), text_case(alias_bomb())),
    Trial("alias bomb in a field", "reading limits", (2,),
          text_case(alias_bomb().replace("a: &a", "depots: &a"))),
    Trial("case file is a FIFO", "reading limits", (2,), fifo),
    Trial("case file links to /dev/zero", "reading limits", (2,), dev_zero),
    Trial("50,000-deep list", "reading limits", (2,),
          text_case("name: x\nv: " + "[" * 50_000 + "]" * 50_000 + "\n")),
    Trial("3,000-deep map", "reading limits", (2,),
          text_case("name: x\nv: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n")),
    Trial("5,000-digit integer", "reading limits", (2,),
          text_case("name: x\nbudget_cny: " + "9" * 5000 + "\n")),
    Trial("depots_table truncated xlsx", "tables", (2,),
          lambda f: depots_table(f, "depots.xlsx", b"PK\x03\x04truncated")),
    Trial("depots_table empty xlsx", "tables", (2,), lambda f: depots_table(f, "depots.xlsx", b"")),
    Trial("depots_table text as xlsx", "tables", (2,),
          lambda f: depots_table(f, "depots.xlsx", b"id,roof_m2\nhub,100\n")),
    Trial("depots_table CSV file, not a folder", "tables", (2,),
          lambda f: depots_table(f, "depots.csv", "id,roof_m2\ncaf\xe9,100\n".encode("latin-1"))),
    Trial("depots_table Latin-1 CSV", "tables", (2,),
          csv_folder(lambda t: t.encode("latin-1"), depot_id="caf\xe9"),
          lambda f, out: "expected CSV text in UTF-8" in out),
    Trial("depots_table CSV with a BOM", "tables", (0,),
          csv_folder(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
          lambda f, out: "\ufeff" not in out),
    Trial("depots_table GBK CSV from Chinese Excel", "tables", (2,),
          csv_folder(lambda t: t.encode("gbk"), depot_id="深圳仓"),
          lambda f, out: "got '深圳仓'" in out),
    Trial("formula cell without a saved value", "tables", (2,), formula_without_value),
    Trial("corrupt PV cache of a custom city", "caches", (0,), corrupt_pv_cache),
    Trial("compare -o under a file", "output paths", (2,), compare_blocked),
    Trial("export-case -o under a file", "output paths", (2,),
          blocked_output(["export-case", CASE, "-o", "BLOCKED"])),
    Trial("new -o under a file", "output paths", (2,),
          blocked_output(["new", "x", "--city", "shenzhen", "-o", "BLOCKED"])),
    Trial("cities --plot under a file", "output paths", (2,),
          blocked_output(["cities", "ordos", "--plot", "BLOCKED"]),
          lambda f, out: "cannot write this file" in out),
    Trial("40-year infeasible horizon, --time-limit 20", "time limit", (1,), long_horizon),
    Trial("YAML tag", "weak", (2,), text_case("name: x\ncity: !city shenzhen\n")),
    Trial("unclosed quote", "weak", (2,), text_case("name: x\ncity: 'shenzhen\nend_year: 2030\n"),
          lambda f, out: ":2: YAML syntax error" in out),
    Trial("misspelt key", "weak", (2,), lambda f: ["validate", write(f, "case.yaml", yaml_text(
        {**case_data(), "depots": [{**{("gird_kw" if k == "grid_kw" else k): v for k, v in
                                       case_data()["depots"][0].items()}}]}))],
          lambda f, out: "did you mean 'grid_kw'? it is required" in out),
    Trial("two YAML documents", "weak", (2,), text_case("name: a\n---\nname: b\n")),
    Trial("BOM before the first key", "weak", (2,), text_case(b"\xef\xbb\xbfname: x\n"),
          lambda f, out: "\ufeff" not in out),
    Trial("--gap nan", "weak", (2,), lambda f: ["solve", CASE, "--gap", "nan"]),
    Trial("study scale [-1.0]", "weak", (2,), lambda f: study(
        f, {"design": "oat", "parameters": {"budget_cny": {"scale": [-1.0]}}})),
    Trial("subsidy above the price", "weak", (2,),
          changed_case(vehicles={"e-light-truck": {"subsidy_cny": 1.0e7}})),
    Trial("compare of a folder that is no run", "weak", (2,), not_a_run),
    Trial("vehicles bought in 1995", "weak", (0,),
          fleet_of(model="diesel-light-truck", count=3, bought=1995), retired_at_start),
    Trial("500 owned for a need of 24", "weak", (0,),
          fleet_of(model="diesel-light-truck", count=500, bought=2022), no_bound_warnings),
    Trial("new --start-year 2030 --end-year 2025", "weak", (2,), lambda f: [
        "new", "x", "--city", "shenzhen", "--start-year", "2030", "--end-year", "2025",
        "-o", f / "x.yaml"]),
]

EVFLEET = [sys.executable, "-m", "evfleet"]


def run(trial: Trial) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="evfleet-trial-"))
    saved_env = dict(os.environ)
    try:
        argv = [str(a) for a in trial.make(folder)]
        start = time.monotonic()
        proc = subprocess.Popen([*EVFLEET, *argv], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, cwd=folder)
        if trial.drive is not None:
            trial.drive(proc, folder)
        try:
            out, _ = proc.communicate(timeout=LIMIT_S * 2)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        seconds = time.monotonic() - start
        text = out.decode("utf-8", "replace")
        peak_mb = _peak_mb()
        ok = (proc.returncode in trial.expect and "Traceback" not in text
              and seconds <= LIMIT_S and peak_mb <= LIMIT_MB and trial.check(folder, text))
        first = next((line for line in text.splitlines() if line.strip()
                      and not line.startswith(PREAMBLE)), "")
        return {"trial": trial.name, "class": trial.kind, "exit": proc.returncode,
                "expected": "/".join(map(str, trial.expect)), "seconds": round(seconds, 1),
                "peak_mb": round(peak_mb), "ok": ok, "answer": first[:200]}
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        shutil.rmtree(folder, ignore_errors=True)


def _peak_mb() -> float:
    """The largest resident set of any child so far (Linux reports kB): a bound on this trial's,
    since it is the largest of every trial run before it too."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "trials.csv")
    args = parser.parse_args()
    rows = []
    for trial in TRIALS:
        row = run(trial)
        rows.append(row)
        print(f"{'ok ' if row['ok'] else 'BAD'} {row['exit']:>3} {row['seconds']:>5}s "
              f"{row['peak_mb']:>5} MB  {row['trial']}: {row['answer'][:100]}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    bad = [r for r in rows if not r["ok"]]
    print(f"{len(rows) - len(bad)} of {len(rows)} trials end cleanly; written to {args.out}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
