"""`evfleet` command line: parses arguments, calls the API, maps outcomes to exit statuses.

0: a plan was found; 1: no plan (infeasible: the conflicting targets are named); 2: bad input.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import traceback
from pathlib import Path

import click

from evfleet.errors import EXIT_BAD_INPUT, EXIT_NO_PLAN, EXIT_PLAN, InputError, NoPlanError
from evfleet.solver.highs import DEFAULT_MIP_GAP, SolveOptions, Status


def _writable(out: Path) -> None:
    """Before any work: the file `out` can be written (its folder made if missing); else one
    line and exit 2."""
    blocking = next((p for p in [out.parent, *out.parent.parents] if p.exists()), None)
    if blocking is not None and not blocking.is_dir():
        ok, reason = False, f"{blocking} is a file, not a folder"
    else:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            ok = os.access(out.parent, os.W_OK) and not out.is_dir()
            reason = "a folder of that name exists" if out.is_dir() else "permission denied"
        except OSError as exc:
            ok, reason = False, exc.strerror or type(exc).__name__
    if not ok:
        click.echo(f"{out}: cannot write this file: {reason}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _writing(out: Path, write) -> None:
    """Run `write()`; an OSError (disk full, a folder removed meanwhile) is one line, exit 2."""
    try:
        write()
    except OSError as exc:
        click.echo(f"{out}: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _fail_input(exc: InputError) -> None:
    _report_input(exc)
    sys.exit(EXIT_BAD_INPUT)


@click.group(invoke_without_command=True)
@click.version_option(package_name="evfleet")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Plan the electrification of courier fleets: least-cost vehicles, chargers, PV, storage and
    grid upgrades, year by year and depot by depot."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    if ctx.invoked_subcommand is None:  # bare `evfleet`: what it can do, not an error
        click.echo(ctx.get_help())


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Numbers given on the command line are finite: `--gap nan` is refused, not solved."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"expected a finite number, got {value}")
    return value


def _report_input(exc: InputError) -> None:
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    files = sorted({p.file for p in exc.problems})
    n = len(exc.problems)
    click.echo(f"{n} problem{'s' if n != 1 else ''} in {', '.join(files)}; nothing was solved.",
               err=True)


def _solve_one(case: Path, out: Path | None, options: SolveOptions, force: bool,
               debug: bool, decompose=None, lang: str | None = None) -> int:
    """Solve one case, print its plan or its problems; the exit status it deserves."""
    from evfleet.pipeline import solve_case
    from evfleet.solver.progress import QUIET
    from evfleet.writers.progress import TerminalProgress
    from evfleet.writers.terminal import plan_text

    progress = TerminalProgress()
    try:
        try:  # no terminal, no HiGHS callbacks at all
            run = solve_case(case, out, options, force=force, decompose=decompose, lang=lang,
                             progress=progress if progress.on else QUIET)
        finally:
            progress.done()  # the status line cleared before anything else is printed
    except InputError as exc:
        _report_input(exc)
        return EXIT_BAD_INPUT
    except NoPlanError as exc:
        click.echo(f"no plan: {exc.status}", err=True)
        for line in exc.lines:
            click.echo(line, err=True)
        return EXIT_NO_PLAN
    except Exception as exc:  # noqa: BLE001 - last resort: one line, traceback only with --debug
        if debug:
            traceback.print_exc()
        click.echo(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)", err=True)
        return EXIT_NO_PLAN
    click.echo(plan_text(run.summary, run.tables, run.out_dir, run.lang))
    s = run.summary
    if s.status is Status.TIME_LIMIT and s.method is not None:
        click.echo(f"note: {s.method}; the plan is within {s.mip_gap:.2%} of the bound it "
                   "proves", err=True)
    elif s.status is Status.TIME_LIMIT and s.strategy == "lp-fix":
        click.echo(f"note: LP-and-fix; the plan is within {s.mip_gap:.2%} of the LP "
                   "relaxation's bound", err=True)
    elif s.status is Status.TIME_LIMIT:
        click.echo(f"warning: time limit reached; the plan is within {s.mip_gap:.2%} "
                   "of optimal", err=True)
    return EXIT_PLAN


@main.command()
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None,
              help="output folder, with one case only [default: runs/<case name>]")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=None,
              callback=_finite,
              help="seconds for the whole solve: HiGHS stops and the best plan found is kept; "
                   "a case with no plan is diagnosed within what is left (and says so when cut "
                   "short) [default: no limit]")
@click.option("--gap", type=click.FloatRange(min=0, max=1), default=DEFAULT_MIP_GAP,
              show_default=True, callback=_finite, help="relative MIP gap at which HiGHS stops")
@click.option("--threads", type=click.IntRange(min=1), default=None, help="HiGHS threads")
@click.option("--force", is_flag=True, help="replace an output folder holding another case's run")
@click.option("--strategy", type=click.Choice(["direct", "lp-fix"]), default=None,
              help="both first solve the LP relaxation, fix the integers it leaves integral "
                   "and solve the rest (LP-and-fix); direct then solves the whole MIP from that "
                   "plan unless it is already within the gap; lp-fix stops there (large "
                   "networks) [default: the case's, else direct]")
@click.option("--decompose", type=click.Choice(["depot"]), default=None,
              help="solve a network depot by depot, priced on its shared budget, cap and "
                   "electric share; reports the bound and gap it proves")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="with --decompose: local processes solving depots [default: cores]")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="with --decompose: solve the depots on this Dask cluster")
@click.option("--progress", is_flag=True,
              help="with --decompose: report each round (bound, plan, seconds) as it ends")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="language of the terminal plan, plan.xlsx's sheets and headers and a "
                   "report made again [default: the case's lang, else en]")
@click.option("--debug", is_flag=True, help="show a traceback on unexpected errors")
def solve(cases: tuple[Path, ...], out: Path | None, time_limit: float | None, gap: float,
          threads: int | None, force: bool, strategy: str | None, decompose: str | None,
          workers: int | None, scheduler: str | None, progress: bool, lang: str | None,
          debug: bool) -> None:
    """Solve each CASE (YAML or .xlsx case file) and write its plan.

    Exit status: 0 every case has a plan; 1 some case has none; 2 some case has bad input.

    \b
    Examples:
      evfleet solve cases/shenzhen-depot.yaml
      evfleet solve my-case.yaml --out runs/try-1 --time-limit 300 --lang zh
      evfleet solve cases/pilot-15.yaml --decompose depot --progress
    """
    if progress:
        logging.getLogger("evfleet.decompose").setLevel(logging.INFO)
    if out is not None and len(cases) > 1:
        click.echo("--out takes one case; with several, each goes to runs/<case name>/", err=True)
        sys.exit(EXIT_BAD_INPUT)
    options = SolveOptions(time_limit_s=time_limit, mip_gap=gap, threads=threads,
                           strategy=strategy)
    split = None
    if decompose is not None:
        import os

        from evfleet.decompose import DecomposeOptions

        split = DecomposeOptions(solve=SolveOptions(time_limit_s=time_limit, mip_gap=gap,
                                                    threads=1, strategy=strategy),
                                 workers=workers or os.cpu_count() or 1, scheduler=scheduler)
    worst = EXIT_PLAN
    try:
        for case in cases:
            worst = max(worst, _solve_one(case, out, options, force, debug, split, lang))
    except KeyboardInterrupt:
        click.echo("interrupted: nothing was written for the case being solved", err=True)
        sys.exit(130)
    sys.exit(worst)


@main.command()
@click.argument("case", type=click.Path(path_type=Path))
def validate(case: Path) -> None:
    """Check CASE without solving: every problem, one per line.

    Exit status: 0 valid; 1 valid but provably without a plan (the cause is named); 2 bad input.

    \b
    Example:
      evfleet validate my-case.yaml
    """
    from evfleet.inputs import load_inputs

    try:
        inp = load_inputs(case)
    except InputError as exc:
        _fail_input(exc)
    click.echo(f"{case}: valid ({len(inp.depots)} depots, {len(inp.duties)} duties, "
               f"{inp.start_year}-{inp.end_year}; {len(inp.excluded)} duty-model pairs excluded)")
    if inp.no_plan_because:
        click.echo("but no plan can meet it:", err=True)
        for line in inp.no_plan_because:
            click.echo(line, err=True)
        sys.exit(EXIT_NO_PLAN)


@main.command()
@click.argument("name", required=False)
@click.option("--plot", type=click.Path(path_type=Path), default=None,
              help="draw the city's typical days (PV, load, plug-in share, tariff) to a PNG")
def cities(name: str | None, plot: Path | None) -> None:
    """List the cities with shipped data, or show one city's figures with their sources."""
    from evfleet.catalog.show import cities_table, city_text, shipped_cities, typical_days

    if name is None:
        click.echo(cities_table())
        return
    known = shipped_cities()
    if name not in known:
        click.echo(f"unknown city '{name}'; expected one of {', '.join(known)}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if plot is not None:
        _writable(plot)  # before anything is shown
    click.echo(city_text(name))
    if plot is not None:
        from evfleet.writers.charts import plot_typical_days

        _writing(plot, lambda: plot_typical_days(typical_days(name),
                                                 f"{known[name].name}: typical days", plot))
        click.echo(f"wrote {plot}")


@main.command()
@click.argument("name")
@click.option("--city", required=True, help="a shipped city, or a new one with --lat/--lon")
@click.option("--depots", type=click.IntRange(min=1, max=500), default=4, show_default=True,
              help="a distribution centre and N-1 delivery stations")
@click.option("--start-year", type=click.IntRange(1990, 2100), default=2025, show_default=True)
@click.option("--end-year", type=click.IntRange(1990, 2100), default=2030, show_default=True)
@click.option("--lat", type=click.FloatRange(-90, 90), default=None)
@click.option("--lon", type=click.FloatRange(-180, 180), default=None)
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None,
              help="file to write [default: NAME.yaml]")
def new(name: str, city: str, depots: int, start_year: int, end_year: int, lat: float | None,
        lon: float | None, out: Path | None) -> None:
    """Write a commented, valid starting case NAME for CITY.

    \b
    Examples:
      evfleet new my-network --city chengdu --depots 3
      evfleet new hub --city hefei --lat 31.82 --lon 117.23
    """
    import re

    from evfleet.new_case import new_case_text

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        click.echo(f"{name}: expected lower-case letters, digits and '-'", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if end_year < start_year:
        click.echo(f"--end-year {end_year}: expected a year >= --start-year {start_year}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    out = out or Path(f"{name}.yaml")
    if out.exists():
        click.echo(f"{out}: exists; nothing was written (choose another --out)", err=True)
        sys.exit(EXIT_BAD_INPUT)
    _writable(out)
    try:
        text = new_case_text(name, city, depots, start_year, end_year, lat, lon, file=str(out))
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_BAD_INPUT)
    _writing(out, lambda: out.write_text(text, encoding="utf-8"))
    click.echo(f"wrote {out}")


@main.command()
@click.argument("runs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--base", default=None, help="the run others are compared with [default: the first]")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("compare.xlsx"),
              show_default=True, help="workbook to write (CSV twins go beside it)")
@click.option("--force", is_flag=True, help="replace an existing workbook")
def compare(runs: tuple[Path, ...], base: str | None, out: Path, force: bool) -> None:
    """Compare run folders (written by evfleet solve) side by side in one workbook.

    \b
    Example:
      evfleet compare runs/base runs/low-budget runs/tight-cap -o compare.xlsx
    """
    from evfleet.results.folder import read_run
    from evfleet.studies.compare import input_differences, kpi_table, per_year_tables
    from evfleet.writers.compare import write_compare

    try:
        data = [read_run(r) for r in runs]
    except InputError as exc:
        _fail_input(exc)
    names = [d.name for d in data]
    if len(set(names)) != len(names):
        click.echo(f"run folders must have different names, got {', '.join(names)}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    base = base or names[0]
    if base not in names:
        click.echo(f"--base {base}: expected one of {', '.join(names)}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if out.exists() and not force:
        click.echo(f"{out}: exists; nothing was written (use --force to replace it)", err=True)
        sys.exit(EXIT_BAD_INPUT)
    _writable(out)
    files = []
    _writing(out, lambda: files.extend(write_compare(out, kpi_table(data, base),
                                                     per_year_tables(data),
                                                     input_differences(data))))
    click.echo(f"compared {len(data)} runs against {base}: wrote {', '.join(map(str, files))}")


@main.command()
@click.argument("run", type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="language of the page [default: the run's case lang, else en]")
def report(run: Path, lang: str | None) -> None:
    """Charts (PNG) and a self-contained report.html for a run folder written by evfleet solve.

    \b
    Example:
      evfleet report runs/shenzhen-depot
      evfleet report runs/shenzhen-depot --lang zh
    """
    from evfleet.writers.report import write_report

    try:
        files = write_report(run, lang)
    except InputError as exc:
        _fail_input(exc)
    click.echo(f"wrote {', '.join(str(f) for f in files)}")


class _Bar:
    """A progress bar on stderr: variants done of total, ETA and failures so far."""

    def __init__(self):
        self._bar = None
        self.failed = 0

    def start(self, phase: str, total: int) -> None:
        self._bar = click.progressbar(length=total, label=f"solving {phase}", show_eta=True,
                                      show_pos=True, file=sys.stderr,
                                      item_show_func=lambda _: f"{self.failed} failed")
        self._bar.__enter__()

    def advance(self, outcome) -> None:
        if outcome.status not in ("optimal", "time_limit"):
            self.failed += 1
        self._bar.update(1, outcome)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@main.command()
@click.argument("case", type=click.Path(path_type=Path))
@click.argument("study", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None,
              help="study folder [default: runs/<case>-<study>]")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="local worker processes, each running HiGHS on one thread [default: cores]")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="run the variants on this Dask cluster instead of local processes")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=None,
              callback=_finite, help="seconds per variant; the best plan found is kept "
                                     "[default: no limit]")
@click.option("--gap", type=click.FloatRange(min=0, max=1), default=DEFAULT_MIP_GAP,
              show_default=True, callback=_finite,
              help="relative MIP gap at which each variant stops")
@click.option("--breakpoint", "breakpoints", multiple=True, metavar="PARAM",
              help="find the values of this study parameter at which the vehicles bought change")
@click.option("--breakpoint-tolerance", type=click.FloatRange(min=0, min_open=True, max=1),
              default=0.01, show_default=True,
              help="bisection stops at this share of the parameter's range")
@click.option("--no-reuse", is_flag=True, help="rebuild the model for every variant")
@click.option("--warm-start", is_flag=True, help="start HiGHS from the worker's previous plan")
@click.option("--force", is_flag=True, help="use a folder that holds another study")
@click.option("--debug", is_flag=True, help="show a traceback on unexpected errors")
def sweep(case: Path, study: Path, out: Path | None, workers: int | None, scheduler: str | None,
          time_limit: float | None, gap: float, breakpoints: tuple[str, ...],
          breakpoint_tolerance: float, no_reuse: bool, warm_start: bool, force: bool,
          debug: bool) -> None:
    """Solve the variants of STUDY (a study file) on CASE; re-running reuses finished variants.

    Exit status: 0 every variant has its answer (a plan, or a proof it has none); 1 some
    variant failed without one (a lost worker, an internal error: listed in results.csv,
    retried by running again); 2 bad input; 130 interrupted (finished variants are kept).

    \b
    Examples:
      evfleet sweep cases/shenzhen-depot.yaml cases/studies/shenzhen-prices.yaml
      evfleet sweep my-case.yaml study.yaml --workers 2 --breakpoint budget_cny
    """
    import os

    from evfleet.studies.sweep import SweepOptions
    from evfleet.studies.sweep import sweep as run_sweep

    opts = SweepOptions(solve=SolveOptions(time_limit_s=time_limit, mip_gap=gap, threads=1),
                        workers=workers or os.cpu_count() or 1, scheduler=scheduler,
                        reuse=not no_reuse, warm_start=warm_start, breakpoints=breakpoints,
                        breakpoint_tolerance=breakpoint_tolerance, force=force)
    bar = _Bar()
    try:
        rep = run_sweep(case, study, out, opts, bar)
    except InputError as exc:
        _fail_input(exc)
    except KeyboardInterrupt:
        bar.finish()
        click.echo("interrupted: finished variants are kept; run the same command again to "
                   "finish the study", err=True)
        sys.exit(130)
    except OSError as exc:  # e.g. no Dask scheduler at that address
        click.echo(f"cannot run the study: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except Exception as exc:  # noqa: BLE001 - last resort: one line, traceback only with --debug
        if debug:
            traceback.print_exc()
        click.echo(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug); finished "
                   "variants are kept", err=True)
        sys.exit(EXIT_NO_PLAN)
    counts = rep.results["status"].value_counts().to_dict()
    click.echo(f"{len(rep.results)} variants on {rep.executor}: {rep.solved} solved, "
               f"{rep.reused} reused from an earlier run, {rep.failed} failed "
               f"({', '.join(f'{n} {s}' for s, n in sorted(counts.items()))})")
    if rep.retried:
        click.echo(f"{rep.retried} variant{'s' if rep.retried != 1 else ''} sent again to a "
                   "fresh worker after their worker was lost")
    click.echo(f"wrote {rep.out_dir}/: {', '.join(rep.files)} and one folder per variant")
    errors = int((rep.results["status"] == "error").sum())
    if errors:  # no answer for these (a lost worker, an internal error): never a silent exit 0
        click.echo(f"{errors} variant{'s' if errors != 1 else ''} failed without an answer (the "
                   "reason is in results.csv); run the same command again to retry them", err=True)
        sys.exit(EXIT_NO_PLAN)


@main.command("export-case")
@click.argument("case", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), required=True,
              help="the workbook to write (.xlsx)")
def export_case(case: Path, out: Path) -> None:
    """Write CASE as a workbook: a case sheet and depots, duties, fleet and chargers tables."""
    from evfleet.case.load import load_case
    from evfleet.case.tables import write_case_workbook

    if out.suffix.lower() != ".xlsx":
        click.echo(f"{out}: expected a .xlsx file name", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if out.exists():
        click.echo(f"{out}: exists; nothing was written (choose another -o)", err=True)
        sys.exit(EXIT_BAD_INPUT)
    _writable(out)
    try:
        _, doc = load_case(case)
    except InputError as exc:
        _fail_input(exc)
    _writing(out, lambda: write_case_workbook(doc.data, out))
    click.echo(f"wrote {out}; solve it with: evfleet solve {out}")


if __name__ == "__main__":  # pragma: no cover
    main()
