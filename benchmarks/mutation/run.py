"""Mutation check: each mutant of mutants.py installed in turn, the default test suite run
against it (stopping at the first failure); a mutant is killed when some test fails.

    python benchmarks/mutation/run.py [--only TEXT] [--jobs 2] [--out benchmarks/results/mutation.csv]

`--only drop` runs the mutants whose name contains "drop" (CI runs one module this way). The
unmutated suite must pass first, or nothing is measured. Writes one CSV row per mutant (name,
killed, seconds, the first failing test) and prints the score; exits 1 when the score is below
--min-score (default 0.9).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import csv
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from mutants import all_mutants  # noqa: E402


def run_suite(mutant: str | None, extra: list[str]) -> tuple[bool, float, str, str]:
    """(suite passed, seconds, first failing test, the end of pytest's output)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    if mutant:
        env["EVFLEET_MUTANT"] = mutant
    else:
        env.pop("EVFLEET_MUTANT", None)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "mutants_plugin",
                           "-p", "no:cacheprovider", *extra], cwd=REPO, env=env,
                          capture_output=True, text=True)
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", proc.stdout, re.M)
    tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-15:])
    return proc.returncode == 0, time.perf_counter() - start, failed[0] if failed else "", tail


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="run the mutants whose name contains this")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "mutation.csv")
    ap.add_argument("--min-score", type=float, default=0.9)
    ap.add_argument("pytest_args", nargs="*", help="passed to pytest (default: the default suite)")
    a = ap.parse_args()
    mutants = [m for m in all_mutants() if a.only in m.name]
    ok, seconds, failed, tail = run_suite(None, a.pytest_args)
    if not ok:
        print(f"the unmutated suite fails ({failed}); nothing measured\n{tail}", file=sys.stderr)
        return 2
    print(f"unmutated suite passed in {seconds:.0f} s; {len(mutants)} mutants", flush=True)
    rows = []
    with cf.ThreadPoolExecutor(a.jobs) as pool:
        futures = {pool.submit(run_suite, m.name, a.pytest_args): m for m in mutants}
        for future in cf.as_completed(futures):
            m = futures[future]
            passed, secs, first, _ = future.result()
            rows.append({"mutant": m.name, "killed": not passed, "seconds": round(secs, 1),
                         "killed_by": first})
            print(f"{'killed  ' if not passed else 'SURVIVED'} {m.name} ({secs:.0f} s) {first}",
                  flush=True)
    rows.sort(key=lambda r: [m.name for m in mutants].index(r["mutant"]))
    a.out.parent.mkdir(parents=True, exist_ok=True)
    with a.out.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, ["mutant", "killed", "seconds", "killed_by"])
        writer.writeheader()
        writer.writerows(rows)
    killed = sum(r["killed"] for r in rows)
    score = killed / len(rows) if rows else 1.0
    print(f"mutation score: {killed} of {len(rows)} killed ({score:.0%}); wrote {a.out}")
    for r in rows:
        if not r["killed"]:
            print(f"  survived: {r['mutant']}")
    return 0 if score >= a.min_score else 1


if __name__ == "__main__":
    sys.exit(main())
