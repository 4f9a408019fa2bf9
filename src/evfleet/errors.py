"""The errors evfleet reports to planners, and the exit status each one maps to."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_PLAN = 0  # a plan was found (optimal, or feasible at the time limit)
EXIT_NO_PLAN = 1  # infeasible, or the solver found no plan
EXIT_BAD_INPUT = 2  # the input is wrong; nothing was solved


@dataclass(frozen=True, order=True)
class InputProblem:
    """One thing wrong with what the user gave, located as precisely as the source allows."""

    file: str
    line: int | str | None  # a YAML line, or a spreadsheet cell such as "duties!D4"
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


def _order(p: "InputProblem") -> tuple:
    """File, then YAML line numbers in order, then spreadsheet cells by name."""
    line = (0, p.line, "") if isinstance(p.line, int) else (1, 0, str(p.line or ""))
    return (p.file, line, p.field, p.message)


class InputError(Exception):
    """Bad input: carries every problem found, so that all are reported at once."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = sorted(set(problems), key=_order)
        super().__init__("\n".join(str(p) for p in self.problems))


class NoPlanError(Exception):
    """The solver found no plan: infeasible (with the conflicting targets named) or failed."""

    def __init__(self, status: str, lines: list[str], summary: object | None = None):
        self.status = status
        self.lines = lines
        self.summary = summary  # the run's results.record.Summary, when there is one
        super().__init__("\n".join(lines))
