"""`evfleet` command line: parses arguments, calls the API, maps outcomes to exit statuses.

0: a plan was found; 1: no plan (infeasible: the conflicting targets are named); 2: bad input.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

import click

from evfleet.errors import EXIT_BAD_INPUT, EXIT_NO_PLAN, EXIT_PLAN, InputError, NoPlanError
from evfleet.solve import SolveOptions


def _fail_input(exc: InputError) -> None:
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    files = sorted({p.file for p in exc.problems})
    n = len(exc.problems)
    click.echo(f"{n} problem{'s' if n != 1 else ''} in {', '.join(files)}; nothing was solved.",
               err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.group()
@click.version_option(package_name="evfleet")
def main() -> None:
    """Plan the electrification of courier fleets: least-cost vehicles, chargers, PV, storage and
    grid upgrades, year by year and depot by depot."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")


@main.command()
@click.argument("case", type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None,
              help="output folder [default: runs/<case name>]")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=None,
              help="stop HiGHS after this many seconds and keep the best plan found")
@click.option("--gap", type=click.FloatRange(min=0, max=1), default=5e-3, show_default=True,
              help="relative MIP gap at which HiGHS stops")
@click.option("--threads", type=click.IntRange(min=1), default=None, help="HiGHS threads")
@click.option("--force", is_flag=True, help="replace an output folder holding another case's run")
@click.option("--debug", is_flag=True, help="show a traceback on unexpected errors")
def solve(case: Path, out: Path | None, time_limit: float | None, gap: float, threads: int | None,
          force: bool, debug: bool) -> None:
    """Solve CASE (a YAML case file) and write the plan."""
    from evfleet.run import solve_case
    from evfleet.writers.terminal import plan_text

    options = SolveOptions(time_limit_s=time_limit, mip_gap=gap, threads=threads)
    try:
        run = solve_case(case, out, options, force=force)
    except InputError as exc:
        _fail_input(exc)
    except NoPlanError as exc:
        click.echo(f"no plan: {exc.status}", err=True)
        for line in exc.lines:
            click.echo(line, err=True)
        sys.exit(EXIT_NO_PLAN)
    except KeyboardInterrupt:
        click.echo("interrupted: nothing was written", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last resort: one line, traceback only with --debug
        if debug:
            traceback.print_exc()
        click.echo(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)", err=True)
        sys.exit(EXIT_NO_PLAN)
    click.echo(plan_text(run.summary, run.tables, run.out_dir))
    if run.summary["status"] == "time_limit":
        click.echo(f"warning: time limit reached; the plan is within {run.summary['mip_gap']:.2%} "
                   "of optimal", err=True)
    sys.exit(EXIT_PLAN)


@main.command()
@click.argument("case", type=click.Path(path_type=Path))
def validate(case: Path) -> None:
    """Check CASE without solving: every problem, one per line."""
    from evfleet.run import load_inputs

    try:
        inp = load_inputs(case)
    except InputError as exc:
        _fail_input(exc)
    click.echo(f"{case}: valid ({len(inp.depots)} depots, {len(inp.duties)} duties, "
               f"{inp.start_year}-{inp.end_year}; {len(inp.excluded)} duty-model pairs excluded)")


@main.command()
def cities() -> None:
    """List the cities with shipped data."""
    from ruamel.yaml import YAML

    from evfleet.catalog.load import shipped_path

    data = YAML(typ="safe").load(shipped_path("cities.yaml").read_text(encoding="utf-8"))
    click.echo(f"{'city':<14}{'province':<34}{'grid tCO2/MWh':>14}{'PV kWh/kWp':>12}")
    for key, city in data.items():
        click.echo(f"{key:<14}{city['province']:<34}{city['grid_tco2_per_mwh']:>14}"
                   f"{city['pv_kwh_per_kwp']:>12}")


if __name__ == "__main__":  # pragma: no cover
    main()
