"""A job for the fault tests, imported by the workers by its name: it holds its first attempt long enough to be
killed mid-job, and finishes the next."""

import os
import time
from pathlib import Path

from server.jobs import job


@job(timeout=8)
def hold(folder: str):
    """First attempt: note this worker's pid and hold (until killed, or timed out); a later attempt: note who did it."""
    started = Path(folder) / "started"
    if not started.exists():
        started.write_text(str(os.getpid()))
        time.sleep(60)
    (Path(folder) / "done").write_text(str(os.getpid()))
