"""The solve's progress on the terminal: one status line on stderr, redrawn in place, with the
time since the command started, the phase and, while HiGHS searches, the best plan, the bound
and the gap (solver/progress.py). Quiet when stderr is not a terminal (a pipe, a log file, CI),
so nothing but the plan reaches files."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import TextIO

TICK_S = 1.0  # the clock on the status line moves once a second while nothing else happens
CLEAR_LINE = "\r\x1b[K"


def million_cny(value: float) -> str:
    return f"{value / 1e6:,.2f} M CNY"


def status_line(seconds: float, phase: str, best_cny: float | None,
                bound_cny: float | None) -> str:
    """`  12 s  MIP, the whole model  |  best 23.55 M CNY  bound 23.38 M CNY  gap 0.74 %`."""
    text = f"{seconds:5.0f} s  {phase}"
    parts = []
    if best_cny is not None:
        parts.append(f"best {million_cny(best_cny)}")
    if bound_cny is not None:
        parts.append(f"bound {million_cny(bound_cny)}")
    if best_cny is not None and bound_cny is not None:
        gap = max(best_cny - bound_cny, 0.0) / max(abs(best_cny), 1.0)
        parts.append(f"gap {gap:.2%}")
    return text + ("  |  " + "  ".join(parts) if parts else "")


class TerminalProgress:
    """A Progress (solver/progress.py) drawn on `stream` when it is a terminal."""

    def __init__(self, stream: TextIO | None = None, tick_s: float = TICK_S):
        self.stream = stream if stream is not None else sys.stderr
        self.on = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.monotonic()
        self.phase_name, self.best, self.bound = "", None, None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = None
        if self.on:
            self._ticker = threading.Thread(target=self._tick, args=(tick_s,), daemon=True)
            self._ticker.start()

    def _tick(self, tick_s: float) -> None:
        while not self._stop.wait(tick_s):
            self._draw()

    def _draw(self) -> None:
        if not self.on:
            return
        with self._lock:
            line = status_line(time.monotonic() - self.start, self.phase_name, self.best,
                               self.bound)
            width = shutil.get_terminal_size().columns - 1  # a wrapped line cannot be redrawn
            self.stream.write(CLEAR_LINE + line[:width])
            self.stream.flush()

    def phase(self, name: str) -> None:
        self.phase_name, self.best, self.bound = name, None, None
        self._draw()

    def search(self, best_cny: float | None, bound_cny: float | None) -> None:
        self.best, self.bound = best_cny, bound_cny
        self._draw()

    def done(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        if self.on:
            with self._lock:
                self.stream.write(CLEAR_LINE)
                self.stream.flush()
