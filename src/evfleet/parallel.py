"""One executor interface for sweeps: submit a call, collect outcomes as they finish.

- InlineExecutor: in this process (one worker: no process start-up, Ctrl-C reaches HiGHS).
- LocalExecutor: a pool of N local processes (spawned, so no HiGHS state is forked).
- DaskExecutor: a Dask distributed cluster through dask's own Client.
A worker that dies (killed, out of memory) surfaces as an exception of that call's future.

`submit_to(slot, ...)` sends a call to one fixed worker of `slots`: the decomposition keeps each
depot's subproblem in the worker that built it (decompose/worker.py) and prices it there again.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any


PR_SET_PDEATHSIG = 1  # Linux prctl(2): the signal a process gets when its parent dies
TRACKER_QUIET = "ignore::UserWarning:multiprocessing.resource_tracker"


def end_with_parent(parent_pid: int) -> None:
    """A worker's initializer: on Linux the kernel ends the worker (SIGTERM) when the process
    that started it dies, however it dies (SIGKILL included), so no worker outlives an evfleet
    that was killed; elsewhere nothing is done."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except OSError:
        return
    if os.getppid() != parent_pid:  # the parent died before the call above took effect
        os._exit(1)


class InlineExecutor:
    """Runs each call when its result is asked for, in this process."""

    name = "this process"
    slots = 1

    def submit_to(self, slot: int, fn: Callable, *args: Any) -> cf.Future:
        return self.submit(fn, *args)

    def submit(self, fn: Callable, *args: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        future._evfleet_call = (fn, args)  # type: ignore[attr-defined]
        return future

    def as_completed(self, futures: Iterable[cf.Future]) -> Iterator[cf.Future]:
        for future in futures:
            fn, args = future._evfleet_call  # type: ignore[attr-defined]
            try:
                future.set_result(fn(*args))
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - handed back like a pool would
                future.set_exception(exc)
            yield future

    def shutdown(self) -> None:
        pass


class LocalExecutor:
    """A pool of `workers` local processes, each keeping its own model between variants."""

    def __init__(self, workers: int):
        self.name = f"{workers} local processes"
        self.workers = self.slots = workers
        self._pool = self._new_pool()
        self._pinned: dict[int, cf.ProcessPoolExecutor] = {}

    def _new_pool(self, workers: int | None = None) -> cf.ProcessPoolExecutor:
        # The pool's queues start multiprocessing's resource tracker, which warns on stderr of
        # the semaphores a killed worker leaves (and removes them): a lost worker is reported by
        # the sweep itself, so the tracker starts with that warning off.
        saved = os.environ.get("PYTHONWARNINGS")
        os.environ["PYTHONWARNINGS"] = TRACKER_QUIET
        try:
            return cf.ProcessPoolExecutor(workers or self.workers,
                                          mp_context=multiprocessing.get_context("spawn"),
                                          initializer=end_with_parent, initargs=(os.getpid(),))
        finally:
            if saved is None:
                os.environ.pop("PYTHONWARNINGS")
            else:
                os.environ["PYTHONWARNINGS"] = saved

    def submit_to(self, slot: int, fn: Callable, *args: Any) -> cf.Future:
        """On the slot's own one-process pool (started on first use, again if it died)."""
        pool = self._pinned.get(slot)
        if pool is None:
            pool = self._pinned[slot] = self._new_pool(1)
        try:
            return pool.submit(fn, *args)
        except cf.process.BrokenProcessPool:
            pool.shutdown(wait=False, cancel_futures=True)
            pool = self._pinned[slot] = self._new_pool(1)
            return pool.submit(fn, *args)

    def submit(self, fn: Callable, *args: Any) -> cf.Future:
        try:
            return self._pool.submit(fn, *args)
        except cf.process.BrokenProcessPool:  # a worker died earlier: start a fresh pool
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            return self._pool.submit(fn, *args)

    def as_completed(self, futures: Iterable[cf.Future]) -> Iterator[cf.Future]:
        return cf.as_completed(list(futures))

    def shutdown(self) -> None:
        # running variants are abandoned (their results were not kept yet): stop their processes
        for pool in (self._pool, *self._pinned.values()):
            processes = list(getattr(pool, "_processes", {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()


class DaskExecutor:
    """A Dask distributed cluster: `address` is its scheduler, e.g. tcp://10.0.0.5:8786."""

    def __init__(self, address: str):
        from distributed import Client

        self.client = Client(address, timeout="20s")
        workers = self.client.scheduler_info().get("workers", {})
        self.name = f"Dask cluster {address} ({len(workers)} workers)"
        self._addresses = sorted(workers)
        self.slots = max(len(self._addresses), 1)

    def submit(self, fn: Callable, *args: Any):
        return self.client.submit(fn, *args, pure=False)

    def submit_to(self, slot: int, fn: Callable, *args: Any):
        """On the slot's worker; on another if that one has left the cluster."""
        return self.client.submit(fn, *args, pure=False, workers=[self._addresses[slot]],
                                  allow_other_workers=True)

    def as_completed(self, futures: Iterable) -> Iterator:
        from distributed import as_completed

        return iter(as_completed(list(futures)))

    def shutdown(self) -> None:
        self.client.close()


def make_executor(workers: int, scheduler: str | None):
    if scheduler is not None:
        return DaskExecutor(scheduler)
    return InlineExecutor() if workers == 1 else LocalExecutor(workers)
