"""Engines that run ``run_task`` on many sources and yield the outcomes as they finish.

Both take the tasks lazily (a generator) and keep only a few of them in flight (``WINDOW`` per
worker), so that memory does not grow with the number of files. On an interruption (Ctrl-C,
SIGTERM) the tasks not started are dropped, the ones running are let finish and their
temporary files removed; nothing half-written stays behind.
"""

from __future__ import annotations

import signal
from collections.abc import Generator, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import suppress
from itertools import islice
from pathlib import Path
from typing import Any

from .task import Outcome, Task, run_task, run_tasks

__all__ = ["DASK_MISSING", "DaskMissing", "check_engine", "run_dask", "run_local"]

CHUNK = 4  # files per Dask task
WINDOW = 4  # tasks in flight per worker: enough to keep it busy, few enough to hold

DASK_MISSING = ('--engine dask 需要 dask 和 distributed，请先安装：pip install "nianbao[dask]"')


class DaskMissing(RuntimeError):
    """dask.distributed is not installed."""


def check_engine(engine: str) -> None:
    """DaskMissing (what to install, in Chinese) when ``engine`` is dask and it is not there."""
    if engine != "dask":
        return
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise DaskMissing(DASK_MISSING) from None


def _discard(outcome: Outcome) -> None:
    if outcome.temp:
        Path(outcome.temp).unlink(missing_ok=True)


def _worker_start() -> None:
    """A pool worker leaves Ctrl-C to the main process (which stops the pool cleanly); the
    signal's being ignored is inherited by LibreOffice started from the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def run_local(tasks: Iterable[Task], jobs: int) -> Generator[Outcome]:
    """In this process (``jobs`` 1) or a pool of ``jobs`` processes, as they finish."""
    if jobs <= 1:
        for task in tasks:
            yield run_task(task)
        return
    pending = iter(tasks)
    running: set[Future[Outcome]] = set()
    ready: list[Future[Outcome]] = []  # finished, not yet handed on
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_start)
    try:
        running.update(pool.submit(run_task, t) for t in islice(pending, WINDOW * jobs))
        while running or ready:
            if not ready:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                running.update(pool.submit(run_task, t) for t in islice(pending, len(done)))
                ready = list(done)
            yield ready.pop().result()
    finally:
        for future in running:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        for future in (*running, *ready):  # finished while stopping: not recorded, so not kept
            if future.done() and not future.cancelled() and future.exception() is None:
                _discard(future.result())


def run_dask(tasks: Iterable[Task], scheduler: str | None, jobs: int) -> Generator[Outcome]:
    """As tasks on dask.distributed: the cluster at ``scheduler``, or a LocalCluster of
    ``jobs`` single-threaded worker processes. The workers must see the same paths (a shared
    folder) and have nianbao installed."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise DaskMissing(DASK_MISSING) from None
    cluster: Any = None
    if scheduler:
        client = Client(scheduler)
    else:
        import dask

        # Dask's statistical profiler samples every task's stack every 10 ms: a tenth of the
        # time of a conversion measured here. Our workers do without it.
        dask.config.set({"distributed.worker.profile.enabled": False})
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=jobs > 1,
                               dashboard_address=None)
        client = Client(cluster)
    pending = iter(tasks)
    futures: Any = None

    def submit(n: int) -> list[Any]:
        # a few files per Dask task: the scheduler's and the workers' cost per task is paid
        # once for the chunk (a tenth of the conversion's time with one file a task)
        chunks = (chunk for chunk in (tuple(islice(pending, CHUNK)) for _ in range(n)) if chunk)
        return [client.submit(run_tasks, chunk, pure=False) for chunk in chunks]

    try:
        futures = as_completed(submit(WINDOW * max(1, sum(client.nthreads().values()))))
        for future in futures:
            outcomes: list[Outcome] = future.result()
            future.release()
            for new in submit(1):
                futures.add(new)
            yield from outcomes
    finally:
        if futures is not None:  # stopped early: let the few in flight finish, keep none of them
            left = list(futures.futures)
            while not futures.queue.empty():
                left.append(futures.queue.get_nowait())
            for future in left:
                with suppress(Exception):
                    for outcome in future.result():
                        _discard(outcome)
        client.close()
        if cluster is not None:
            cluster.close()
