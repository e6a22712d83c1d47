"""Exporting a ledger: small ones answered at once, large ones built by a job that shows its progress and ends in
the asker's inbox with a download.

The job rebuilds the caller's scope from their roles as they are when it runs (a role taken away meanwhile takes its
rows out), reads the rows in keyset batches (sheets.keyset), writes them to a temporary file (core.sheets: openpyxl's
write-only mode, or CSV), commits its progress after every batch, and stores the file (server.storage) under a key of
its own; the download is the asker's alone.
"""

import os
import tempfile
import uuid
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from server.areas.models import Area
from server.auth.scope import Role
from server.core.db import db
from server.core.errors import DomainError
from server.core.sheets import local, write_csv, write_xlsx
from server.core.time import utcnow
from server.jobs import job, later
from server.ledgers.models import LedgerExport
from server.ledgers.sheets import LEDGERS, Caller, Ledger
from server.notifications import services as inbox
from server.people.models import RoleAssignment, User
from server.storage import storage

# an export of at most this many rows is answered at once; a larger one becomes a job (LEDGER_INLINE_ROWS)
INLINE_ROWS = 5000
PROGRESS_EVERY = 1  # batches between progress commits (a batch is sheets.BATCH rows)


class NotReady(DomainError):
    status, code = 409, "export_not_ready"
    zh, en = "台账尚未生成完毕", "The ledger is not ready yet"


def caller_of(identity) -> Caller:
    return Caller(identity.user_id, tuple(identity.roles))


def caller_now(user_id) -> Caller:
    """The user's roles as they are now (an inactive user has none): the scope a job builds the ledger in."""
    rows = db.session.execute(
        select(RoleAssignment.role, Area.path, RoleAssignment.enterprise_id, RoleAssignment.sector)
        .join(User, User.id == RoleAssignment.user_id)
        .outerjoin(Area, Area.id == RoleAssignment.area_id)
        .where(RoleAssignment.user_id == user_id, User.is_active.is_(True))
    ).all()
    return Caller(user_id, tuple(Role(*row) for row in rows))


def file_name(ledger: Ledger, fmt: str, at: datetime) -> str:
    return f"{ledger.zh}-{local(at):%Y%m%d-%H%M}.{fmt}"


def write(ledger: Ledger, fmt: str, caller: Caller, filters: dict, now: datetime, path: str, progress=lambda n: None):
    batches = ledger.batches(caller, filters, now)
    if fmt == "xlsx":
        return write_xlsx(path, ledger.zh, ledger.columns, batches, progress)
    return write_csv(path, ledger.columns, batches, progress)


def inline_limit() -> int:
    return current_app.config.get("LEDGER_INLINE_ROWS", INLINE_ROWS)


def start(caller: Caller, kind: str, fmt: str, raw_filters: dict, filters: dict):
    """Answer a small ledger now, as (name, bytes); or record a large one's export and its job, as the export."""
    ledger = LEDGERS[kind]
    now = utcnow()
    total = ledger.count(caller, filters, now)
    if total <= inline_limit():
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, f"ledger.{fmt}")
            write(ledger, fmt, caller, filters, now, path)
            with open(path, "rb") as file:
                return file_name(ledger, fmt, now), file.read()
    export = LedgerExport(
        id=uuid.uuid4(), user_id=caller.user_id, kind=kind, format=fmt, filters=raw_filters, total=total, created_at=now
    )
    db.session.add(export)
    db.session.flush()
    later(build, str(export.id))
    return export


def _progress(export_id, done: int):
    db.session.execute(update(LedgerExport).where(LedgerExport.id == export_id).values(done=done, state="running"))
    db.session.commit()


@job(queue="default", timeout=3 * 3600, retry=(60, 300))
def build(export_id: str):
    """Build a large ledger: rows in batches to a temporary file, progress committed after each, then the file
    stored and the asker told in their inbox. Idempotent: a ready export is left as it is."""
    export_id = uuid.UUID(export_id)
    export = db.session.get(LedgerExport, export_id)
    if export is None or export.state == "ready":
        return
    ledger = LEDGERS[export.kind]
    fmt, user_id, created_at = export.format, export.user_id, export.created_at
    filters = ledger.query_schema().load(export.filters)
    _progress(export_id, 0)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"ledger.{fmt}")
        try:
            written = write(
                ledger, fmt, caller_now(user_id), filters, created_at, path, lambda done: _progress(export_id, done)
            )
        except Exception as exc:
            db.session.rollback()
            db.session.execute(
                update(LedgerExport).where(LedgerExport.id == export_id).values(state="failed", error=str(exc)[:2000])
            )
            db.session.commit()
            raise
        key = f"ledgers/{export_id}.{fmt}"
        with open(path, "rb") as file:
            storage().put(key, file)
        size = os.path.getsize(path)
    db.session.execute(
        update(LedgerExport)
        .where(LedgerExport.id == export_id)
        .values(state="ready", done=written, total=written, key=key, size=size, finished_at=utcnow(), error="")
    )
    inbox.notify_about("ledger_ready", "ledger", export_id, ledger.zh, {user_id})
    db.session.commit()


def view(export: LedgerExport) -> dict:
    ledger = LEDGERS[export.kind]
    return {
        "id": export.id,
        "kind": export.kind,
        "title": ledger.zh,
        "format": export.format,
        "filters": export.filters,
        "state": export.state,
        "total": export.total,
        "done": export.done,
        "progress": round(export.done / export.total, 3) if export.total else (1.0 if export.state == "ready" else 0.0),
        "size": export.size,
        "file_name": file_name(ledger, export.format, export.created_at),
        "created_at": export.created_at,
        "finished_at": export.finished_at,
    }


def download(export: LedgerExport):
    """The stored file of a ready export, opened, with its name."""
    if export.state != "ready" or not export.key:
        raise NotReady()
    return storage().open(export.key), file_name(LEDGERS[export.kind], export.format, export.created_at)
