"""How coarse may the hours be? Merged hour blocks (`hour_blocks: true`) against every hour.

    python benchmarks/hours_error.py [--case cases/pilot-15.yaml] [--kind centre]
                                     [--tolerances 0.05,0.1,0.2,0.3] [-o benchmarks/results/hours-error.csv]

Each reference depot is one depot of the network case alone (its network's budget and carbon cap
dropped, so only the depot's own costs decide), solved once with all 24 hours and once per
tolerance with the hours merged (inputs.hourly.hour_blocks). Per depot and tolerance it reports:

- blocks: hours of the day left (the case's own cities and days decide them);
- rows, solve seconds of the merged model against the hourly one;
- estimate error: the merged model's NPV against the hourly optimum (what the planner is told);
- regret: the merged plan's investments (every variable not indexed by hour: vehicles, chargers,
  PV, storage, upgrades) fixed in the hourly model, its hours re-optimised: how much more the
  plan costs, hour by hour, than the hourly optimum. This is the error that matters for a plan.

Both models are solved to --gap (default 0.1 %), so differences below it are noise.
"""

from __future__ import annotations

import argparse
import dataclasses
import csv
import sys
import time
from pathlib import Path

import pyomo.environ as pyo

from evfleet.case.load import load_case
from evfleet.case.schema import Case
from evfleet.catalog.load import load_catalog
from evfleet.decompose.worker import depot_case
from evfleet.formulation import build_model
from evfleet.inputs import in_memory, resolve
from evfleet.solver.highs import HighsModel, SolveOptions

FIELDS = ["depot", "tolerance", "blocks", "rows", "solve_s", "npv_cny", "hourly_npv_cny",
          "estimate_error", "regret"]


def inputs(case: Case, case_path: str, day_cities, tolerance: float | None = None):
    """The case's Inputs; with a tolerance, hours merged at that tolerance instead of the policy's."""
    case = case.model_copy(update={"hour_blocks": tolerance is not None})
    doc = in_memory(case, case_path)
    catalog = load_catalog(case, doc)
    if tolerance is not None:
        policy = catalog.policy.model_copy(update={"hour_block_tolerance": tolerance})
        catalog = dataclasses.replace(catalog, policy=policy)
    return resolve(case, catalog, doc, day_cities)


def solve(m, options: SolveOptions) -> tuple[float, float, int]:
    start = time.perf_counter()
    model = HighsModel(m, options)
    outcome = model.solve()
    if not outcome.has_plan:
        raise RuntimeError(f"{m.name}: {outcome.status} {outcome.message}")
    return outcome.objective_cny, time.perf_counter() - start, model.lp.num_row_


def hourly_cost_of(plan_model, inp_hourly, options: SolveOptions) -> float:
    """The merged plan's investments fixed in the hourly model; its hours re-optimised."""
    m = build_model(inp_hourly)
    hourly_sets = ("DEPOT_HOURS", "EV_DEPOT_HOURS", "PV_HOURS", "EXPORT_HOURS", "STORAGE_HOURS")
    for var in m.component_objects(pyo.Var):
        if var.index_set().name in hourly_sets:
            continue
        source = plan_model.find_component(var.name)
        for index, v in var.items():
            value = source[index].value
            if value is None:
                continue
            v.fix(round(value) if v.is_integer() or v.is_binary() else value)
    npv, _, _ = solve(m, options)
    return npv


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", default="cases/pilot-15.yaml")
    ap.add_argument("--kind", default="centre", help="depots whose id contains this")
    ap.add_argument("--tolerances", default="0.05,0.1,0.2,0.3")
    ap.add_argument("--gap", type=float, default=1e-3)
    ap.add_argument("-o", "--out", type=Path, default=Path("runs/hours-error.csv"))
    a = ap.parse_args()
    network, _ = load_case(a.case)
    day_cities = tuple(sorted({network.city, *(d.city or network.city for d in network.depots)}))
    options = SolveOptions(mip_gap=a.gap, threads=1)
    tolerances = [float(t) for t in a.tolerances.split(",")]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    with a.out.open("w", newline="") as f:
        writer = csv.DictWriter(f, FIELDS)
        writer.writeheader()
        for depot in (d for d in network.depots if a.kind in d.id):
            case = depot_case(network, depot).model_copy(update={"budget_cny": None,
                                                                 "carbon_cap_t": None})
            hourly_inp = inputs(case, a.case, day_cities)
            hourly_npv, hourly_s, hourly_rows = solve(build_model(hourly_inp), options)
            rows = [{"depot": depot.id, "tolerance": 0.0, "blocks": len(hourly_inp.hours),
                     "rows": hourly_rows, "solve_s": round(hourly_s, 2), "npv_cny": hourly_npv,
                     "hourly_npv_cny": hourly_npv, "estimate_error": 0.0, "regret": 0.0}]
            for tol in tolerances:
                merged_inp = inputs(case, a.case, day_cities, tol)
                m = build_model(merged_inp)
                npv, seconds, n_rows = solve(m, options)
                actual = hourly_cost_of(m, hourly_inp, options)
                rows.append({"depot": depot.id, "tolerance": tol, "blocks": len(merged_inp.hours),
                             "rows": n_rows, "solve_s": round(seconds, 2), "npv_cny": npv,
                             "hourly_npv_cny": hourly_npv,
                             "estimate_error": (npv - hourly_npv) / hourly_npv,
                             "regret": (actual - hourly_npv) / hourly_npv})
            for row in rows:
                writer.writerow(row)
                print(row, file=sys.stderr, flush=True)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
