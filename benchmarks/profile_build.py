"""Where the build and the hand-off spend their time: cProfile of both, for one case.

    python benchmarks/profile_build.py cases/pilot-15.yaml [--top 15] [--pyomo-compiler]

Prints the wall time of each step without the profiler, then the functions with the most own
time under it (the profiler slows Python code about threefold, evenly enough to rank it). With
--pyomo-compiler the hand-off uses Pyomo's LinearStandardFormCompiler instead of evfleet's reader.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time

from evfleet.formulation import build_model
from evfleet.inputs import load_inputs
from evfleet.solver.handoff import to_highs
from evfleet.solver.standard_form import compile_model, pyomo_compile


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--pyomo-compiler", action="store_true")
    a = ap.parse_args()
    compile_ = pyomo_compile if a.pyomo_compiler else compile_model
    inp = load_inputs(a.case)
    start = time.perf_counter()
    m = build_model(inp)
    built = time.perf_counter()
    to_highs(m, compile_)
    print(f"build {built - start:.2f} s, hand-off {time.perf_counter() - built:.2f} s (no profiler)")
    for label, step in (("build", lambda: build_model(inp)), ("hand-off", lambda: to_highs(m, compile_))):
        profile = cProfile.Profile()
        profile.enable()
        step()
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(a.top)
        print(f"\n=== {label} ===")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])


if __name__ == "__main__":
    main()
