"""The database: one engine per app, a session per app context, the declarative base and shared types."""

import json
import os
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime

from flask import Flask, has_request_context, request
from flask.globals import app_ctx
from psycopg.rows import namedtuple_row
from sqlalchemy import (
    DateTime,
    MetaData,
    String,
    any_,
    bindparam,
    cast,
    column as sql_column,
    create_engine,
    event,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    make_transient_to_detached,
    mapped_column,
    scoped_session,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

from server.core.cache import memoised
from server.core.time import utcnow

# Stable constraint names, so that migrations can name what they drop (Indico core/db/sqlalchemy/core.py).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A datetime stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store times as timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class UUIDPrimaryKey:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def _sqlite_pragmas(engine):
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not pysqlite, decide where transactions begin, so that savepoints work.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        # A transaction that may write takes the write lock when it begins, where busy_timeout applies: one that
        # began as a reader and then wrote would fail at once ("database is locked") had another writer committed
        # in between, however long the timeout. Reads (API GETs) begin deferred and never wait.
        reading = has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def add_once(record, same_or_conflict):
    """Insert a record under the id the phone gave it (the offline contract): (stored record, True); or,
    when that id is stored already (a retry, or a twin request racing it), (same_or_conflict(stored),
    False), which raises if they differ.

    One statement, INSERT … ON CONFLICT (id) DO NOTHING RETURNING id, on PostgreSQL and SQLite alike:
    no savepoint and no look first. Any other constraint it breaks still raises. The record inserted is
    the one returned, now in the session as if loaded (every column is known: given, or its default).
    """
    return add_all_once([record], [same_or_conflict])[0]


def add_all_once(records: list, same_or_conflicts: list) -> list[tuple]:
    """add_once for several records of one model, in one round trip on PostgreSQL (one pipeline, each row's
    RETURNING read): [(stored record, whether inserted)] in their order, `same_or_conflicts` one per record."""
    model, dialect = type(records[0]), db.session.get_bind().dialect
    table, stmt = model.__table__, _insert_once(model, dialect.name)
    rows = []
    for record in records:
        values = {column.key: getattr(record, column.key) for column in table.columns}
        rows.append({key: _default(table.c[key]) if value is None else value for key, value in values.items()})
    if len(records) == 1:
        inserted = [bool(db.fetch_hot(stmt, rows[0]))]
    else:
        inserted = [bool(found) for found in db.fetch_hot_each(stmt, rows)]
    made = []
    for record, values, new, same_or_conflict in zip(records, rows, inserted, same_or_conflicts, strict=True):
        if not new:
            made.append((same_or_conflict(db.session.get(model, record.id)), False))
            continue
        for column in table.columns:
            value = values[column.key]
            if isinstance(column.type, TypeDecorator) and value is not None:  # as reading it back gives it (UTC)
                value = column.type.process_result_value(column.type.process_bind_param(value, dialect), dialect)
            setattr(record, column.key, value)
        make_transient_to_detached(record)  # as though loaded: the session issues no SQL to attach it
        db.session.add(record)
        made.append((record, True))
    return made


def conflict_insert(table, dialect: str):
    """An INSERT into `table` that can say what to do ON CONFLICT, in the dialect's own construct (PostgreSQL's
    and SQLite's spell it alike)."""
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect](table)


@memoised
def _insert_once(model, dialect: str):
    table = model.__table__
    return conflict_insert(table, dialect).on_conflict_do_nothing(index_elements=[table.c.id]).returning(table.c.id)


def stored(model, record_id) -> bool:
    """Whether a record with this id is stored: the cheap first question of an idempotent create, whose
    answer is nearly always no (a statement built once per model, run through the driver)."""
    return bool(db.fetch_hot(_is_stored(model), {"id": record_id}))


@memoised
def _is_stored(model):
    return select(model.__table__.c.id).where(model.__table__.c.id == bindparam("id"))


# From how many rows insert_rows sends them as JSON on PostgreSQL: below it, a report's few rows measured 25%
# slower as JSON than through the pipeline (bench/hazard_reports.py).
JSON_ROWS = 100


def insert_rows(model, rows: list[dict], *, skip_conflicts_on: tuple[str, ...] = ()) -> None:
    """Insert rows now, in the request's transaction, without the unit of work: for the rows a new record
    brings along (its clocks, citations, notifications), which nothing in the request reads back. A
    column left out gets its default, as the ORM would give it. `skip_conflicts_on`: the columns of a unique
    constraint; a row it already holds is left out (ON CONFLICT DO NOTHING), e.g. a fan-out another process made.

    On PostgreSQL many rows (a clock tick's thousands of inbox rows) go as one statement with one JSON parameter,
    read into the table's own row type (json_populate_recordset): encoding them in C costs a fraction of adapting
    each value for a statement per row. A few rows (a report's) cost less in one pipeline."""
    if not rows:
        return
    table = model.__table__
    values = [
        {column.key: row[column.key] if column.key in row else _default(column) for column in table.columns}
        for row in rows
    ]
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql" and len(values) >= JSON_ROWS:
        db.write_hot(_json_insert(table, skip_conflicts_on), [{"rows": json.dumps(values, default=_json_value)}])
    else:
        db.write_hot(_insert(table, dialect, skip_conflicts_on), values)


@memoised
def _insert(table, dialect: str, skip_conflicts_on: tuple[str, ...]):
    if not skip_conflicts_on:
        return insert(table)
    return conflict_insert(table, dialect).on_conflict_do_nothing(index_elements=list(skip_conflicts_on))


@memoised
def _json_insert(table, skip_conflicts_on: tuple[str, ...]):
    names = [column.name for column in table.columns]
    rows = cast(bindparam("rows", type_=String), postgresql.JSON)
    records = func.json_populate_recordset(literal_column(f"NULL::{table.name}"), rows)  # rows of the table's type
    stmt = postgresql.insert(table).from_select(names, select(*map(sql_column, names)).select_from(records))
    return stmt.on_conflict_do_nothing(index_elements=list(skip_conflicts_on)) if skip_conflicts_on else stmt


def _json_value(value):
    """A value JSON has no type for, as PostgreSQL reads it: UUIDs, times (aware only, as UTCDateTime insists), dates
    (a task's period)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime: store times as timezone-aware UTC")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be inserted as JSON")


def _default(column):
    """The value the ORM would insert for a column left out: its Python-side default, or NULL."""
    default = column.default
    if default is None:
        return None
    if default.is_callable:
        return default.arg(None)  # SQLAlchemy wraps a callable taking no arguments to take a context
    if default.is_scalar:
        return default.arg
    raise ValueError(f"{column} has a default only the database can compute")


def among(column, name: str, dialect: str):
    """`column IN (…)` for a list bound as the parameter `name`. On PostgreSQL `= ANY(array)`, which is one
    parameter whatever the list's length, so that fetch_hot runs it as it is."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def make_engine(url: str, **options):
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **options)
        _sqlite_pragmas(engine)
        return engine
    # No pre-ping (a round trip per request): a connection lost to a database restart fails its one
    # request with a 503, which clients retry, and SQLAlchemy then replaces the pool's connections.
    return create_engine(url, pool_size=10, max_overflow=10, pool_recycle=3600, **options)


class Database:
    """Holds the engines and a session scoped to the current Flask app context, made on first use."""

    def __init__(self):
        self.engine = self.read_engine = None
        self.sessionmaker = sessionmaker(expire_on_commit=False)
        self.session = scoped_session(self._new_session, scopefunc=lambda: id(app_ctx._get_current_object()))
        # What the request boundary (core.api) calls after a write commits, and after a rollback. The packages above
        # core add theirs (server.jobs: hand over the work the transaction recorded, or forget it), so that core,
        # below them all, imports none of them.
        self.after_commit, self.after_rollback = [], []

    def init_app(self, app: Flask):
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.sessionmaker.configure(bind=self.engine)
        app.teardown_appcontext(lambda _exc: self.session.remove())
        if self.engine.dialect.name == "postgresql":
            # API reads run without BEGIN/ROLLBACK, on a pool of connections that stay in autocommit
            # mode: two fewer round trips on every GET, and a read needs no transaction.
            self.read_engine = make_engine(
                app.config["DATABASE_URL"], isolation_level="AUTOCOMMIT", pool_reset_on_return=None
            )
        app.extensions["db"] = self
        # A forked process (an RQ work horse) must not share the parent's pooled connections.
        os.register_at_fork(after_in_child=self._forget_connections)

    def _forget_connections(self):
        for engine in (self.engine, self.read_engine):
            if engine is not None:
                engine.dispose(close=False)

    def _new_session(self):
        # Tests bind sessions to one open connection, where they keep their transaction.
        if (
            self.read_engine is not None
            and has_request_context()
            and request.method in ("GET", "HEAD")
            and self.sessionmaker.kw.get("bind") is self.engine
        ):
            return self.sessionmaker(bind=self.read_engine)
        return self.sessionmaker()

    def fetch_hot(self, stmt, params: dict) -> list:
        """Rows of a statement that (nearly) every request runs: the token lookup, opening a site,
        inserting a report. Called by the domains' queries modules (`server/<domain>/queries.py`) and by this
        module's own functions, never by the services: whether a statement takes this path is decided there.

        `stmt` must be built once (a module constant, or memoised per scope: core.cache), since its compiled SQL is
        cached by identity. On PostgreSQL that SQL goes straight to psycopg: SQLAlchemy's execution
        and result machinery costs more than these queries themselves, and psycopg returns the same
        Python types for them (UUID, aware datetimes); the columns' own conversions (JSON, times in
        UTC) still apply to the parameters. Elsewhere the usual execute is used.
        """
        connection = self.session.connection()
        hot = _hot(stmt, connection.dialect) if connection.dialect.name == "postgresql" else None
        if hot is None:
            result = connection.execute(stmt, params)
            return result.all() if result.returns_rows else []
        with _driver(connection, hot.sql, params) as driver, driver.cursor(row_factory=namedtuple_row) as cursor:
            cursor.execute(hot.sql, hot.parameters(params))
            return cursor.fetchall() if cursor.description is not None else []

    def fetch_hot_each(self, stmt, rows: list[dict]) -> list[list]:
        """fetch_hot for several sets of parameters at once: each one's rows, in their order (psycopg sends them in
        one pipeline and reads each one's result)."""
        connection = self.session.connection()
        hot = _hot(stmt, connection.dialect) if connection.dialect.name == "postgresql" else None
        if hot is None:
            results = [connection.execute(stmt, row) for row in rows]
            return [result.all() if result.returns_rows else [] for result in results]
        with _driver(connection, hot.sql, rows) as driver, driver.cursor(row_factory=namedtuple_row) as cursor:
            cursor.executemany(hot.sql, [hot.parameters(row) for row in rows], returning=True)
            results = [cursor.fetchall()]
            while cursor.nextset():
                results.append(cursor.fetchall())
            return results

    def write_hot(self, stmt, rows: list[dict]) -> None:
        """Run a write that returns nothing once for each row: fetch_hot's path, for several rows at once
        (psycopg sends them in one pipeline)."""
        connection = self.session.connection()
        hot = _hot(stmt, connection.dialect) if connection.dialect.name == "postgresql" else None
        if hot is None:
            connection.execute(stmt, rows)
            return
        with _driver(connection, hot.sql, rows) as driver, driver.cursor() as cursor:
            if len(rows) == 1:  # executemany's pipeline costs more than it saves for one row
                cursor.execute(hot.sql, hot.parameters(rows[0]))
            else:
                cursor.executemany(hot.sql, [hot.parameters(row) for row in rows])


@contextmanager
def _driver(connection, sql: str, params):
    """The psycopg connection under a SQLAlchemy one, its errors raised as SQLAlchemy's as `execute` would
    (so the app's handlers answer 409, 422 or 503); a connection found broken is invalidated, so that
    the pool replaces it instead of handing it to the next request."""
    dbapi = connection.dialect.loaded_dbapi
    try:
        yield connection.connection.driver_connection
    except dbapi.Error as exc:
        lost = connection.dialect.is_disconnect(exc, connection.connection.dbapi_connection, None)
        if lost:
            connection.invalidate(exc)
        raise DBAPIError.instance(
            sql, params, exc, dbapi.Error, connection_invalidated=lost, dialect=connection.dialect
        ) from exc


class _Hot:
    """A statement compiled once for the driver: its SQL, and how to make its parameters."""

    def __init__(self, stmt, dialect):
        self.compiled = stmt.compile(dialect=dialect)
        self.sql = str(self.compiled)
        self.conversions = {
            name: convert
            for bind, name in self.compiled.bind_names.items()
            if (convert := bind.type.dialect_impl(dialect).bind_processor(dialect))
        }

    def parameters(self, params: dict) -> dict:
        values = self.compiled.construct_params(params)
        for name, convert in self.conversions.items():
            if values[name] is not None:
                values[name] = convert(values[name])
        return values


@memoised
def _hot(stmt, dialect) -> _Hot | None:
    """The statement ready for the driver, or None where SQLAlchemy must expand it per execution."""
    hot = _Hot(stmt, dialect)
    return None if hot.compiled.post_compile_params else hot


db = Database()
