"""Time per variant of a sweep: with and without model re-use, with 1 and 2 local workers, and on
a Dask cluster (a scheduler and two worker processes started here on 127.0.0.1).

The study is an n x n grid of the case's budget and carbon cap (scaled 0.6-1.4 and 0.6-1.0):
the kind of variant whose model is re-used (only right-hand sides move). Each configuration runs
the whole study into a fresh folder; the objectives of all configurations must agree.

    python benchmarks/sweep.py cases/shenzhen-depot.yaml --grid 10      # 100 variants
    python benchmarks/sweep.py cases/shenzhen-depot.yaml --grid 2 --quick   # smoke test

Writes benchmarks/results/sweep.csv (or --out) and prints a table.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

from evfleet.solver.highs import SolveOptions
from evfleet.studies.sweep import SweepOptions, sweep

CONFIGS = [  # (label, workers, re-use, dask)
    ("1 worker, rebuild each variant", 1, False, False),
    ("1 worker, re-use the model", 1, True, False),
    ("2 workers, rebuild each variant", 2, False, False),
    ("2 workers, re-use the model", 2, True, False),
    ("Dask, 2 workers, re-use the model", 2, True, True),
]


def study(n: int) -> dict:
    def spread(lo, hi):
        return [round(lo + (hi - lo) * i / (n - 1), 4) for i in range(n)]
    return {"design": "grid", "parameters": {"budget_cny": {"scale": spread(0.6, 1.4)},
                                             "carbon_cap_t": {"scale": spread(0.6, 1.0)}}}


def run(case: Path, study_path: Path, out: Path, workers: int, reuse: bool, dask: bool):
    opts = dict(solve=SolveOptions(threads=1), workers=workers, reuse=reuse)
    if not dask:
        start = time.perf_counter()
        rep = sweep(case, study_path, out, SweepOptions(**opts))
        return time.perf_counter() - start, rep
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        start = time.perf_counter()
        rep = sweep(case, study_path, out, SweepOptions(**opts, scheduler=cluster.scheduler_address))
        return time.perf_counter() - start, rep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case", type=Path)
    ap.add_argument("--grid", type=int, default=10, help="n: the study has n x n variants")
    ap.add_argument("--quick", action="store_true", help="only the first two configurations")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/sweep.csv"))
    args = ap.parse_args()
    rows, objectives = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        study_path = Path(tmp) / "budget-cap.yaml"
        YAML().dump(study(args.grid), study_path)
        for i, (label, workers, reuse, dask) in enumerate(CONFIGS[:2] if args.quick else CONFIGS):
            seconds, rep = run(args.case, study_path, Path(tmp) / f"run{i}", workers, reuse, dask)
            res = rep.results
            objectives[label] = res.set_index("variant")["objective_npv_cny"]
            n = len(res)
            rows.append({"configuration": label, "workers": workers, "model_reuse": reuse,
                         "executor": rep.executor, "variants": n,
                         "failed": int((~res["status"].isin(["optimal", "time_limit",
                                                              "infeasible"])).sum()),
                         "wall_seconds": round(seconds, 1),
                         "seconds_per_variant": round(seconds / n, 2),
                         "solve_seconds_per_variant": round(res["solve_seconds"].mean(), 2),
                         "build_seconds_per_variant": round(res["build_seconds"].mean(), 3)})
            print(rows[-1], flush=True)
    first = rows[0]["wall_seconds"]
    for row in rows:
        row["speedup_vs_first"] = round(first / row["wall_seconds"], 2)
    ref = next(iter(objectives.values()))
    for label, obj in objectives.items():
        both = ref.notna() & obj.notna()
        worst = float(((obj[both] - ref[both]).abs() / ref[both].abs()).max()) if both.any() else 0
        print(f"{label}: largest objective difference vs the first {worst:.2e} "
              f"(the MIP gap allows 5e-3)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print("\n| configuration | wall s | s per variant | speed-up |\n|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['configuration']} | {r['wall_seconds']} | {r['seconds_per_variant']} | "
              f"{r['speedup_vs_first']} |")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
