"""What a worker does for one variant: validate, resolve, solve (re-using its model when it can)
and return the summary and tables. It never writes files: the process that runs the sweep does,
so a Dask cluster needs no shared disk. Every failure comes back as an outcome with its reason."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field

import pandas as pd

from evfleet.case.schema import Case
from evfleet.errors import InputError, NoPlanError
from evfleet.inputs import in_memory, prepare
from evfleet.results.record import Summary
from evfleet.single import solve_inputs
from evfleet.solver.cache import ModelCache
from evfleet.solver.highs import SolveOptions

CACHE = ModelCache()  # one per worker process (and thread): the model of its last variant


@dataclass(frozen=True)
class Task:
    variant: str
    case_path: str  # the case file, for relative paths (catalog folder) and messages
    case: Case  # the variant's case, changes applied, validated
    options: SolveOptions
    reuse: bool = True
    warm_start: bool = False


@dataclass
class Outcome:
    variant: str
    status: str  # optimal | time_limit | infeasible | error | bad_input
    summary: Summary | None = None  # as `evfleet solve` writes it; None when nothing was solved
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    reason: str = ""
    seconds: float = 0.0

    @property
    def finished(self) -> bool:
        """Kept and reused on a re-run: a plan, or a proof that there is none."""
        return self.summary is not None and self.status in ("optimal", "time_limit", "infeasible")


def solve_variant(task: Task) -> Outcome:
    """One variant, start to end."""
    start = time.perf_counter()
    try:
        inp = prepare(task.case, in_memory(task.case, task.case_path))
        cache = CACHE if task.reuse else ModelCache()
        summary, tables = solve_inputs(inp, task.options, cache, explain=False,
                                       warm_start=task.warm_start)
        return Outcome(task.variant, summary.status.value, summary, tables,
                       seconds=time.perf_counter() - start)
    except InputError as exc:
        reason = "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
        return Outcome(task.variant, "bad_input", reason=reason,
                       seconds=time.perf_counter() - start)
    except NoPlanError as exc:
        return Outcome(task.variant, str(exc.status), exc.summary, reason="; ".join(exc.lines),
                       seconds=time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 - recorded with its reason; the sweep goes on
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Outcome(task.variant, "error",
                       reason=f"{type(exc).__name__}: {exc} ({where.filename}:{where.lineno})",
                       seconds=time.perf_counter() - start)
