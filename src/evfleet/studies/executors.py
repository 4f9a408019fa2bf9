"""One executor interface for sweeps: submit a call, collect outcomes as they finish.

- InlineExecutor: in this process (one worker: no process start-up, Ctrl-C reaches HiGHS).
- LocalExecutor: a pool of N local processes (spawned, so no HiGHS state is forked).
- DaskExecutor: a Dask distributed cluster through dask's own Client.
A worker that dies (killed, out of memory) surfaces as an exception of that call's future.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from typing import Any


class InlineExecutor:
    """Runs each call when its result is asked for, in this process."""

    name = "this process"

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
        self.workers = workers
        self._pool = self._new_pool()

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

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
        processes = list(getattr(self._pool, "_processes", {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()


class DaskExecutor:
    """A Dask distributed cluster: `address` is its scheduler, e.g. tcp://10.0.0.5:8786."""

    def __init__(self, address: str):
        from distributed import Client

        self.client = Client(address, timeout="20s")
        workers = self.client.scheduler_info().get("workers", {})
        self.name = f"Dask cluster {address} ({len(workers)} workers)"

    def submit(self, fn: Callable, *args: Any):
        return self.client.submit(fn, *args, pure=False)

    def as_completed(self, futures: Iterable) -> Iterator:
        from distributed import as_completed

        return iter(as_completed(list(futures)))

    def shutdown(self) -> None:
        self.client.close()


def make_executor(workers: int, scheduler: str | None):
    if scheduler is not None:
        return DaskExecutor(scheduler)
    return InlineExecutor() if workers == 1 else LocalExecutor(workers)
