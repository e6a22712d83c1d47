"""Background jobs (后台任务): declared once, recorded with the transaction that needs them, never lost.

- `@job(queue=..., timeout=..., retry=...)` declares a job and its options, once, beside the function.
- `later(func, *args)` records the job in the caller's transaction (a pending row); once the transaction commits it
  is handed to an RQ worker through Redis (REDIS_URL), or run inline in the same process (the embedded default).
- Every long-running process (web and worker) runs a maintenance round every few seconds (`maintenance`): the hazard
  clocks fire and `sweep()` hands over again whatever has not run: not sent while Redis was down, failed and due for
  a retry, abandoned by a killed worker, or lost with Redis. See docs/architecture.md "Background work".
"""

from server.core.db import db
from server.jobs.definition import Job, job
from server.jobs.maintenance import periodic
from server.jobs.pending import discard_after_rollback, later, run, run_after_commit, sweep
from server.jobs.queues import QUEUES, queue, redis_connection

__all__ = [
    "QUEUES",
    "Job",
    "discard_after_rollback",
    "job",
    "later",
    "periodic",
    "queue",
    "redis_connection",
    "run",
    "run_after_commit",
    "sweep",
]

periodic(sweep)
# After a request's commit its work is handed over; after a rollback it is forgotten (core.api's boundary)
db.after_commit.append(run_after_commit)
db.after_rollback.append(discard_after_rollback)
