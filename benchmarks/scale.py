"""How evfleet scales with the size of the network: the benchmark of the performance issue.

    python benchmarks/scale.py                          # 15, 60, 150, 500 and 1,500 depots
    python benchmarks/scale.py --sizes 15 --quick       # what CI runs (a minute or two)

For each size N a courier network of N depots over the 15 pilot cities is generated
(evfleet.network; one centre per four depots of a city, the rest delivery stations, N mod 15
regional hubs; 2025-2035; strategy lp-fix) and measured in fresh processes, so that every peak
memory figure belongs to one route only:

- evfleet: load and resolve the case, build the Pyomo model, hand it to HiGHS (standard-form
  compiler + passModel), solve to a 1 % gap, the like-for-like baseline, extract the tables and
  write the run folder (that is `evfleet solve` from case file to written plan), then solve again
  to 0.1 %. Peak memory is read after the hand-off (the build's own peak) and at the end.
- direct: the same Inputs built straight into highspy matrices (benchmarks/direct.py) and passed
  to HiGHS: the floor the issue measures evfleet's build against. Its process also checks, entry
  by entry, that it is the same model as evfleet's (that check builds the Pyomo model too, after
  the direct build's figures were taken), and evaluates the direct model's objective at evfleet's
  plan when a solve ran.

The table goes to runs/bench-scale/scale.csv (--out) and a chart next to it; sizes whose Pyomo
build would not fit in memory are reported as such rather than swapping the machine to a halt
(--memory-gb, default 20, caps each process's address space).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SIZES = (15, 60, 150, 500, 1500)
N_CITIES = 15
FIELDS = ["depots", "route", "rows", "columns", "integers", "nonzeros", "load_s", "build_s",
          "handoff_s", "build_handoff_s", "peak_build_gb", "solve_1pct_s", "gap_1pct",
          "npv_1pct_cny", "lp_bound_cny", "baseline_s", "extract_write_s", "plan_total_s",
          "highs_s", "total_over_highs", "solve_01pct_s", "gap_01pct", "peak_gb", "identical",
          "objective_at_plan_cny", "lp_relaxation_s", "lp_objective_cny", "status"]


def layout(n: int) -> dict:
    """Depots per city and kind for a network of n depots over the 15 pilot cities."""
    per_city, hubs = divmod(n, N_CITIES)
    if per_city == 0:
        raise SystemExit(f"--sizes: at least {N_CITIES} depots (one per pilot city), got {n}")
    centres = max(1, per_city // 4)
    return {"centres": centres, "stations": per_city - centres, "hubs": hubs}


def write_case(n: int, folder: Path, **keys) -> Path:
    """The generated network of n depots as a case file; `keys` are added to the case."""
    from ruamel.yaml import YAML

    from evfleet.network import PILOT_CITIES, network_case

    shape = layout(n)
    case = network_case(f"network-{n}", PILOT_CITIES, shape["stations"], shape["centres"],
                        shape["hubs"], strategy="lp-fix") | keys
    path = folder / f"network-{n}.yaml"
    yaml = YAML()
    yaml.default_flow_style = None
    with path.open("w", encoding="utf-8") as fh:
        fh.write(f"# benchmarks/scale.py: {n} depots ({shape})\n")
        yaml.dump(case, fh)
    return path


def peak_gb() -> float:
    """This process's peak resident memory so far [GB] (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def clock():
    start = time.perf_counter()
    return lambda: round(time.perf_counter() - start, 3)


# --- the two routes, each run in its own process -------------------------------------------------

def route_evfleet(case: Path, out: Path, time_limit: float, fine_time_limit: float,
                  quick: bool) -> dict:
    import dataclasses

    from evfleet.errors import NoPlanError
    from evfleet.inputs import load
    from evfleet.pipeline import case_record
    from evfleet.single import solve_inputs
    from evfleet.solver.highs import SolveOptions
    from evfleet.solver.cache import ModelCache
    from evfleet.writers.files import write_run

    row: dict = {"route": "evfleet"}
    total = clock()
    t = clock()
    loaded = load(case)
    inp, doc = loaded.inputs, loaded.doc
    row["load_s"] = t()
    options = SolveOptions(mip_gap=0.01, time_limit_s=time_limit, strategy=inp.strategy)
    cache = ModelCache()  # solve_inputs below finds the model built here and solves it
    model, _ = cache.get("plan", inp, options)
    row["build_s"] = round(model.pyomo_build_seconds, 3)
    row["handoff_s"] = round(model.highs.handoff_seconds, 3)
    row["build_handoff_s"] = round(row["build_s"] + row["handoff_s"], 3)
    row["peak_build_gb"] = round(peak_gb(), 3)
    lp = model.highs.lp
    row.update(rows=lp.num_row_, columns=lp.num_col_, nonzeros=len(lp.a_matrix_.value_),
               integers=int(sum(v.is_integer() or v.is_binary() for v in model.highs.cols)))
    if quick:
        row["status"] = "built (--quick: no solve)"
        return row

    try:
        summary, tables = solve_inputs(inp, options, cache)  # the plan, extraction, the baseline
    except NoPlanError as err:
        row.update(status=f"no plan: {err.status}", plan_total_s=total(), peak_gb=round(peak_gb(), 3))
        return row
    write_run(out / f"network-{len(inp.depots)}", summary, tables, case_record(doc))
    row["plan_total_s"] = total()
    baseline, _ = cache.get("baseline", inp, options)
    baseline_highs_s = baseline.highs.last_outcome.solve_seconds
    row.update(solve_1pct_s=summary.solve_seconds, gap_1pct=summary.mip_gap,
               npv_1pct_cny=summary.objective_npv_cny, lp_bound_cny=summary.bound_npv_cny,
               status=summary.status.value)
    row["baseline_s"] = round(baseline.pyomo_build_seconds + baseline.highs.handoff_seconds
                              + baseline_highs_s, 3)
    row["extract_write_s"] = round(row["plan_total_s"] - row["load_s"] - row["build_handoff_s"]
                                   - row["solve_1pct_s"] - row["baseline_s"], 3)
    row["highs_s"] = round(summary.solve_seconds + baseline_highs_s, 3)
    row["total_over_highs"] = round(row["plan_total_s"] / row["highs_s"], 3)
    plan = list(model.highs.h.getSolution().col_value)
    del baseline, cache  # the baseline's memory is not the 0.1 % solve's

    fine = model.solve(dataclasses.replace(options, mip_gap=0.001, time_limit_s=fine_time_limit))
    row.update(solve_01pct_s=round(fine.solve_seconds, 3), gap_01pct=fine.mip_gap)
    row["peak_gb"] = round(peak_gb(), 3)
    (out / f"network-{len(inp.depots)}.plan.json").write_text(json.dumps(plan))
    return row


def route_direct(case: Path, out: Path, compare: bool, lp_time_limit: float | None) -> dict:
    import direct
    import highspy
    import numpy as np

    from evfleet.inputs import load_inputs

    row: dict = {"route": "direct"}
    t = clock()
    inp = load_inputs(case)
    row["load_s"] = t()
    t = clock()
    mx = direct.build(inp)
    lp = mx.lp()
    row["build_s"] = t()
    t = clock()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    row["handoff_s"] = t()
    row["build_handoff_s"] = round(row["build_s"] + row["handoff_s"], 3)
    row["peak_build_gb"] = round(peak_gb(), 3)
    row.update(rows=lp.num_row_, columns=lp.num_col_, nonzeros=len(lp.a_matrix_.value_),
               integers=int(sum(mx.integer[i].sum() for i in range(len(mx.integer)))))
    if lp_time_limit:  # the LP relaxation, the first step of LP-and-fix, on the direct model
        n = lp.num_col_
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                                np.array([highspy.HighsVarType.kContinuous] * n))
        h.setOptionValue("time_limit", float(lp_time_limit))
        t = clock()
        h.run()
        row["lp_relaxation_s"] = t()
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            row["lp_objective_cny"] = h.getInfo().objective_function_value * inp.objective_scale_cny
        else:
            row["lp_objective_cny"] = f"not solved: {h.modelStatusToString(h.getModelStatus())}"
    if not compare:
        return row
    from evfleet.formulation import build_model
    from evfleet.solver.handoff import to_highs

    model = build_model(inp)  # kept alive: its variables name themselves through it
    p_lp, cols, rows = to_highs(model)
    problems = direct.compare(mx, p_lp, cols, rows)
    row["identical"] = "yes" if not problems else "; ".join(problems)
    plan_file = out / f"network-{len(inp.depots)}.plan.json"
    if plan_file.exists() and not problems:  # the direct objective at evfleet's plan
        plan = np.array(json.loads(plan_file.read_text()))
        at = {(v.parent_component().name, v.index()): x for v, x in zip(cols, plan)}
        keyed = [at[(name, key)] for name, keys in direct._expand(mx.col_keys) for _, key in keys]
        value = float(np.dot(np.asarray(lp.col_cost_), keyed) + lp.offset_)
        row["objective_at_plan_cny"] = value * inp.objective_scale_cny
    return row


# --- the driver ------------------------------------------------------------------------------------

def child(args) -> None:
    if args.memory_gb:
        limit = int(args.memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        if args.child == "evfleet":
            row = route_evfleet(args.case, args.out, args.time_limit, args.fine_time_limit,
                                args.quick)
        else:
            row = route_direct(args.case, args.out, args.compare, args.lp_time_limit)
    except MemoryError:
        row = {"route": args.child, "status": f"out of memory (> {args.memory_gb:g} GB)",
               "peak_gb": round(peak_gb(), 3)}
    print("RESULT " + json.dumps(row))


def run_child(route: str, case: Path, args, extra: list[str]) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", route, "--case", str(case),
           "--out", str(args.out), "--time-limit", str(args.time_limit),
           "--fine-time-limit", str(args.fine_time_limit),
           "--memory-gb", str(args.memory_gb), *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ}, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"route": route, "status": f"failed (exit {proc.returncode}): {tail[:200]}"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)),
                    help="comma-separated numbers of depots")
    ap.add_argument("--out", type=Path, default=Path("runs/bench-scale"))
    ap.add_argument("--time-limit", type=float, default=1800.0,
                    help="seconds for the solve to 1 %% (and for the baseline)")
    ap.add_argument("--fine-time-limit", type=float, default=900.0,
                    help="seconds for the solve to 0.1 %%")
    ap.add_argument("--solve-up-to", type=int, default=60,
                    help="solve only networks of at most this many depots (the rest: build only)")
    ap.add_argument("--compare-up-to", type=int, default=500,
                    help="check the direct build equals evfleet's up to this size")
    ap.add_argument("--lp-up-to", type=int, default=0,
                    help="solve the direct model's LP relaxation up to this many depots")
    ap.add_argument("--lp-time-limit", type=float, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--memory-gb", type=float, default=20.0)
    ap.add_argument("--quick", action="store_true", help="build and hand off only, no solves")
    ap.add_argument("--child", choices=["evfleet", "direct"], help=argparse.SUPPRESS)
    ap.add_argument("--case", type=Path,
                    help="measure this case file instead of generated networks (--sizes ignored)")
    ap.add_argument("--compare", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return

    args.out.mkdir(parents=True, exist_ok=True)
    table = args.out / "scale.csv"
    rows = []
    if args.case:
        from evfleet.inputs import load_inputs

        todo = [(len(load_inputs(args.case).depots), args.case)]
    else:
        todo = [(n, None) for n in (int(s) for s in args.sizes.split(","))]
    for n, given in todo:
        case = given or write_case(n, args.out)
        (args.out / f"network-{n}.plan.json").unlink(missing_ok=True)  # evfleet's plan, this run's
        quick = args.quick or n > args.solve_up_to
        ev = run_child("evfleet", case, args, ["--quick"] if quick else [])
        extra = ["--compare"] if n <= args.compare_up_to else []
        if n <= args.lp_up_to:
            extra += ["--lp-time-limit", str(args.time_limit)]
        di = run_child("direct", case, args, extra)
        for r in (ev, di):
            r["depots"] = n
        if "build_handoff_s" in ev and "build_handoff_s" in di:
            ev["identical"] = di.get("identical", "not checked")
            di["status"] = (f"evfleet/direct: build+hand-off "
                            f"{ev['build_handoff_s'] / di['build_handoff_s']:.1f}x, "
                            f"peak memory {ev['peak_build_gb'] / di['peak_build_gb']:.1f}x")
        rows += [ev, di]
        print(json.dumps(ev), json.dumps(di), sep="\n", flush=True)
        with table.open("w", newline="", encoding="utf-8") as fh:  # rewritten after every size
            writer = csv.DictWriter(fh, fieldnames=FIELDS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    chart(rows, args.out / "scale.png")
    print(f"wrote {table} and {args.out / 'scale.png'}")
    broken = [f"{r['depots']} depots, {r['route']}: {r.get('identical') or r.get('status')}"
              for r in rows if r.get("identical") not in (None, "yes", "not checked")
              or str(r.get("status", "")).startswith("failed")]
    if broken:  # the reference is not evfleet's model, or a route crashed: not a benchmark result
        raise SystemExit("\n".join(broken))


def chart(rows: list[dict], path: Path) -> None:
    """Build + hand-off seconds and peak memory against depots, both routes, log-log."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(10, 4))
    for route, style in (("evfleet", "o-"), ("direct", "s--")):
        pts = [(r["depots"], r["build_handoff_s"], r["peak_build_gb"]) for r in rows
               if r["route"] == route and r.get("build_handoff_s")]
        if not pts:
            continue
        n, secs, gb = zip(*pts)
        label = "evfleet (Pyomo + standard form)" if route == "evfleet" else "direct highspy matrices"
        ax_t.plot(n, secs, style, label=label)
        ax_m.plot(n, gb, style, label=label)
    for ax, ylabel in ((ax_t, "build + hand-off [s]"), (ax_m, "peak memory [GB]")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("depots")
        ax.set_ylabel(ylabel)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle("evfleet build and hand-off against the direct-matrix floor")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    main()
