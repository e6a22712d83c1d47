"""The database: one engine per app, a session per app context, the declarative base and shared types."""
import os
import uuid
from datetime import datetime, timezone
from functools import lru_cache

from flask import Flask, has_request_context, request
from flask.globals import app_ctx
from psycopg.rows import namedtuple_row
from sqlalchemy import DateTime, MetaData, bindparam, create_engine, event, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

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


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A datetime stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store times as timezone-aware UTC")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
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
        conn.exec_driver_sql("BEGIN")


def add_once(record, same_or_conflict):
    """Insert a record under the id the phone gave it (the offline contract): (stored record, True); or,
    when that id is stored already (a retry, or a twin request racing it), (same_or_conflict(stored),
    False), which raises if they differ.

    One statement, INSERT … ON CONFLICT (id) DO NOTHING RETURNING, on PostgreSQL and SQLite alike: no
    savepoint and no look first. Any other constraint it breaks still raises.
    """
    model = type(record)
    values = {column.key: getattr(record, column.key) for column in model.__table__.columns
              if getattr(record, column.key) is not None}  # left out: the column's default applies
    stmt = _insert_once(model, db.session.get_bind().dialect.name)
    stored = db.session.scalars(stmt, [values]).first()
    if stored is not None:
        return stored, True
    return same_or_conflict(db.session.get(model, record.id)), False


@lru_cache(maxsize=None)
def _insert_once(model, dialect: str):
    dialect_insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    return dialect_insert(model).on_conflict_do_nothing(index_elements=[model.__table__.c.id]).returning(model)


def stored(model, record_id) -> bool:
    """Whether a record with this id is stored: the cheap first question of an idempotent create, whose
    answer is nearly always no (a statement built once per model, run through the driver)."""
    return bool(db.fetch_hot(_is_stored(model), {"id": record_id}))


@lru_cache(maxsize=None)
def _is_stored(model):
    return select(model.__table__.c.id).where(model.__table__.c.id == bindparam("id"))


def insert_rows(model, rows: list[dict]) -> None:
    """Insert rows now, in the request's transaction, without the unit of work: for the rows a new record
    brings along (its clocks, citations, notifications), which nothing in the request reads back."""
    if rows:
        db.session.execute(_plain_insert(model), rows)


@lru_cache(maxsize=None)
def _plain_insert(model):
    return insert(model.__table__)


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

    def init_app(self, app: Flask):
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.sessionmaker.configure(bind=self.engine)
        app.teardown_appcontext(lambda _exc: self.session.remove())
        if self.engine.dialect.name == "postgresql":
            # API reads run without BEGIN/ROLLBACK, on a pool of connections that stay in autocommit
            # mode: two fewer round trips on every GET, and a read needs no transaction.
            self.read_engine = make_engine(app.config["DATABASE_URL"], isolation_level="AUTOCOMMIT",
                                           pool_reset_on_return=None)
        app.extensions["db"] = self
        # A forked process (an RQ work horse) must not share the parent's pooled connections.
        os.register_at_fork(after_in_child=self._forget_connections)

    def _forget_connections(self):
        for engine in (self.engine, self.read_engine):
            if engine is not None:
                engine.dispose(close=False)

    def _new_session(self):
        # Tests bind sessions to one open connection, where they keep their transaction.
        if (self.read_engine is not None and has_request_context() and request.method in ("GET", "HEAD")
                and self.sessionmaker.kw.get("bind") is self.engine):
            return self.sessionmaker(bind=self.read_engine)
        return self.sessionmaker()

    def fetch_hot(self, stmt, params: dict) -> list:
        """Rows of a statement that (nearly) every request runs: the token lookup, opening a site.

        `stmt` must be built once (a module constant, or cached per scope), since its compiled SQL is
        cached by identity. On PostgreSQL that SQL goes straight to psycopg: SQLAlchemy's execution
        and result machinery costs more than these queries themselves, and psycopg returns the same
        Python types for them (UUID, aware datetimes). Elsewhere the usual execute is used.
        """
        connection = self.session.connection()
        if connection.dialect.name != "postgresql":
            return connection.execute(stmt, params).all()
        sql, compiled = _compiled(stmt, connection.dialect)
        if compiled.post_compile_params:  # IN lists SQLAlchemy expands per execution
            return connection.execute(stmt, params).all()
        with connection.connection.driver_connection.cursor(row_factory=namedtuple_row) as cursor:
            cursor.execute(sql, compiled.construct_params(params))
            return cursor.fetchall()


@lru_cache(maxsize=4096)
def _compiled(stmt, dialect):
    compiled = stmt.compile(dialect=dialect)
    return str(compiled), compiled


db = Database()
