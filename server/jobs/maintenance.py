"""What every long-running process does in the background, whatever else is up: fire the hazard clocks that are due
and hand over pending work again (`sweep`). Each task is safe to run in many processes at once."""

import logging
import threading
import time

log = logging.getLogger("safegrid.jobs")

_TASKS: list = []


def periodic(func):
    """Run `func()` (inside an app context; it commits its own work) on every maintenance round of every process."""
    _TASKS.append(func)
    return func


def run_once(app) -> None:
    """One round: each task in turn; one that fails is logged and tried again next round, the others still run."""
    for task in list(_TASKS):
        try:
            with app.app_context():
                task()
        except Exception:
            log.exception("maintenance task %s failed", task.__qualname__)


def start(app, seconds: float) -> threading.Thread:
    """A daemon thread of this process running a round every `seconds`: nothing but the process's death stops it."""

    def loop():
        while True:
            time.sleep(seconds)
            try:
                run_once(app)
            except BaseException:  # noqa: BLE001 -- even an error in logging must not end the loop
                pass

    thread = threading.Thread(target=loop, name="safegrid-maintenance", daemon=True)
    thread.start()
    return thread
