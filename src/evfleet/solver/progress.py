"""What a long solve tells the planner while it runs: the phase it is in (reading, building,
hand-off, LP relaxation, MIP, baseline, writing) and, while HiGHS searches, the best plan's NPV,
the proven bound and the gap as they move. The solver reports to a `Progress`; the CLI shows it
on the terminal (writers/progress.py); sweeps and tests use QUIET."""

from __future__ import annotations

from typing import Protocol

PROGRESS_EVERY_S = 1.0  # HiGHS asks its interrupt callback very often: report at most this often


class Progress(Protocol):
    def phase(self, name: str) -> None:
        """A new phase starts (its name as the planner reads it)."""

    def search(self, best_cny: float | None, bound_cny: float | None) -> None:
        """HiGHS's best plan and proven bound so far, in CNY of NPV (None: not known yet)."""

    def done(self) -> None:
        """The command is finished: leave the terminal as it was."""


class Quiet:
    """Reports nothing."""

    def phase(self, name: str) -> None:
        pass

    def search(self, best_cny: float | None, bound_cny: float | None) -> None:
        pass

    def done(self) -> None:
        pass


QUIET = Quiet()
