"""The decomposition at scale: `evfleet solve --decompose depot` on generated networks.

    python benchmarks/decompose.py --sizes 60,150,500,1500 --workers 2
    python benchmarks/decompose.py --sizes 15                  # what CI runs
    python benchmarks/decompose.py --sizes 1500 --hour-blocks  # hours merged (inputs.hourly.hour_blocks)

Each size N is the network benchmarks/scale.py generates (evfleet.network over the 15 pilot
cities; N = 60 is cases/pilot-15.yaml's layout), solved by the command line exactly as a planner
runs it, to a 1 % gap (--gap). Measured: wall time, the peak memory of the whole process tree
(the command and its workers, summed, sampled every half second), and from the run's
summary.json the plan's NPV, the Lagrangian bound, the gap, the depot solves and each step's
time. Results go to runs/bench-decompose/decompose.csv (--out).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale import write_case  # benchmarks/ is not a package

FIELDS = ["depots", "workers", "hour_blocks", "status", "npv_cny", "bound_cny", "gap", "wall_s", "peak_gb",
          "depot_solves", "lp_rounds", "alone_s", "prices_s", "plans_s", "improve_s", "tables_s"]


class TreeMemory:
    """The largest sum of resident memory of a process and its descendants, sampled."""

    def __init__(self, pid: int, every_s: float = 0.5):
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(pid, every_s), daemon=True)
        self._thread.start()

    def _run(self, pid: int, every_s: float) -> None:
        try:
            root = psutil.Process(pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
            except psutil.NoSuchProcess:
                return
            self.peak = max(self.peak, total)
            self._stop.wait(every_s)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 1e9


def run(n: int, args) -> dict:
    case = write_case(n, args.out, hour_blocks=args.hour_blocks)
    out = args.out / f"network-{n}"
    cmd = [sys.executable, "-m", "evfleet", "solve", str(case), "-o", str(out), "--force",
           "--decompose", "depot", "--workers", str(args.workers), "--gap", str(args.gap),
           "--progress"]
    if args.time_limit:
        cmd += ["--time-limit", str(args.time_limit)]
    start = time.perf_counter()
    log_path = args.out / f"network-{n}.log"  # the rounds as they end (--progress)
    with log_path.open("w", encoding="utf-8") as log_file:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log_file, text=True)
        memory = TreeMemory(proc.pid)
        proc.wait()
    stderr = log_path.read_text(encoding="utf-8")
    row = {"depots": n, "workers": args.workers, "hour_blocks": args.hour_blocks,
           "wall_s": round(time.perf_counter() - start, 1), "peak_gb": round(memory.stop(), 2)}
    summary_path = out / "summary.json"
    if proc.returncode not in (0, 1) or not summary_path.exists():
        tail = (stderr.strip().splitlines() or ["no output"])[-1]
        return {**row, "status": f"failed (exit {proc.returncode}): {tail[:200]}"}
    s = json.loads(summary_path.read_text())
    row.update(status=s["status"], npv_cny=s["objective_npv_cny"], bound_cny=s["bound_npv_cny"],
               gap=s["mip_gap"])
    dec = s.get("decomposition") or {}
    rounds = dec.get("rounds", [])
    row["depot_solves"] = s.get("method", "")
    row["lp_rounds"] = sum(r["step"].startswith("prices") for r in rounds)
    spent: dict[str, float] = defaultdict(float)  # seconds per kind of step
    previous = 0.0
    for r in rounds:
        spent[r["step"].split(";")[0].split(" (")[0]] += r["seconds"] - previous
        previous = r["seconds"]
    row.update(alone_s=round(spent["alone"], 1), prices_s=round(spent["prices"], 1),
               plans_s=round(spent["plans"] + spent["choose"], 1),
               improve_s=round(spent["improve"], 1))
    row["tables_s"] = round(s["solve_seconds"] - previous, 1)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="60,150,500,1500")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--gap", type=float, default=0.01)
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--hour-blocks", action="store_true",
                    help="merge hours of equal tariff and similar profiles (hour_blocks: true)")
    ap.add_argument("--out", type=Path, default=Path("runs/bench-decompose"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    table = args.out / "decompose.csv"
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        rows.append(run(n, args))
        print(json.dumps(rows[-1]), flush=True)
        with table.open("w", newline="", encoding="utf-8") as fh:  # rewritten after every size
            writer = csv.DictWriter(fh, fieldnames=FIELDS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    print(f"wrote {table}")
    failed = [f"{r['depots']} depots: {r['status']}" for r in rows if r["status"].startswith("failed")]
    if failed:
        raise SystemExit("\n".join(failed))


if __name__ == "__main__":
    main()
