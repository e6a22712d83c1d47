"""Declaring a job once, with its options (Redash's worker.py pattern): where it runs, how long it may take,
and when a failure is tried again."""

import importlib
from collections.abc import Callable
from dataclasses import dataclass

# A failed job is tried again after these waits (seconds): four attempts in all, over about six minutes.
RETRY = (10, 60, 300)


@dataclass(frozen=True)
class Job:
    """A job's definition. The function takes ids and plain values, not ORM objects, commits its own work and lets
    failures propagate (STYLE.md, jobs): a failure is recorded and tried again."""

    func: Callable
    name: str  # "module:function", as a pending row names it
    queue: str = "default"
    timeout: int = 60  # seconds an attempt may run (RQ's job_timeout); also bounds how long a dead one holds it
    retry: tuple[int, ...] = RETRY
    # Whether its transactions (the claim, the job's own, the row's removal) wait for PostgreSQL to flush them to
    # disk. A job whose work is re-made from what is durable already (a photo's copies) need not: a crash loses at
    # most the last few hundred milliseconds of commits, in order, so its row is lost with or after its work,
    # never before, and the row runs the job again. Each commit then costs no disk flush.
    durable: bool = True
    # Without Redis (the embedded default): run in the process that asked, right after its commit (the request waits
    # for it), or, False, on that process's next maintenance round (`sweep`, on its own thread): for work no request
    # may wait for, such as posting to a push service outside the district.
    inline: bool = True

    @property
    def max_attempts(self) -> int:
        return len(self.retry) + 1


_JOBS: dict[str, Job] = {}


def job(
    *,
    queue: str = "default",
    timeout: int = 60,
    retry: tuple[int, ...] = RETRY,
    durable: bool = True,
    inline: bool = True,
):
    """Declare a function a job: `jobs.later(func, *ids)` then records it, and a worker (or, without Redis, the
    request's own process after its commit, or its next maintenance round: `inline`) runs it."""

    def declare(func):
        name = f"{func.__module__}:{func.__qualname__}"
        definition = Job(func, name, queue, timeout, tuple(retry), durable, inline)
        _JOBS[definition.name] = func.job = definition
        return func

    return declare


def definition_of(func) -> Job:
    try:
        return func.job
    except AttributeError:
        raise TypeError(f"{func.__qualname__} is not declared with @job") from None


def by_name(name: str) -> Job:
    """The job a pending row names; its module is imported if this process has not imported it yet."""
    if name not in _JOBS:
        module, _, _function = name.partition(":")
        importlib.import_module(module)
    return _JOBS[name]
