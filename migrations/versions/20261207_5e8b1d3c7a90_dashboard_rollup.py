"""The dashboards' rollup of whole past months (hazard_months, frozen_months) and the triggers that keep it, on
hazards (insert, delete, a change of received_at, closed_at, grid, sector or site) and on sites (a change of type);
then every month that has ended, from the first hazard's, counted and frozen, as the maintenance round would
(server/dashboards/rollup.py): the trend reads them from the rollup from the first request on.

Reviewed by hand: two new tables without foreign keys (counts derived from hazards, kept by the triggers); the
triggers' SQL is a copy of server/dashboards/models.py as it is at this revision (a later change to them is a
migration of its own), tests/dashboards/test_rollup_migration.py checks that the two make the same triggers. On
SQLite a later migration that rebuilds hazards or sites (batch "move and copy") drops their triggers with the old
table: it must make them again. Filling reads the hazards once per month (two index range scans).

Revision ID: 5e8b1d3c7a90
Revises: 5d2f8a1c7e34
Create Date: 2026-12-07
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from server.core.db import UTCDateTime

revision = "5e8b1d3c7a90"
down_revision = "5d2f8a1c7e34"
branch_labels = None
depends_on = None

SHANGHAI = ZoneInfo("Asia/Shanghai")

# ---- the triggers, as server/dashboards/models.py makes them at this revision -----------------------------------

MONTH = {
    "postgresql": "to_char({} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')",
    "sqlite": "strftime('%Y-%m', {}, '+8 hours')",
}
COUNTED = "received_at, closed_at, grid_id, sector, site_id"  # the hazards' columns the rollup reads


def _rows(dialect: str, row: str, sign: int, when: str = "") -> str:
    """The change's rows for `row` (NEW or OLD) counted with `sign`: its found month, and its closed month if any."""
    month = MONTH[dialect].format
    key = (
        f"{row}.grid_id AS grid_id, coalesce({row}.sector, '') AS sector,\n"
        f"           coalesce((SELECT type FROM sites WHERE id = {row}.site_id), '') AS site_type"
    )
    also = f" AND {when}" if when else ""
    return (
        f"SELECT {month(f'{row}.received_at')} AS month, {key},\n"
        f"           {sign} AS found, 0 AS closed WHERE true{also}\n"
        f"    UNION ALL SELECT {month(f'{row}.closed_at')} AS month, {key},\n"
        f"           0 AS found, {sign} AS closed WHERE {row}.closed_at IS NOT NULL{also}"
    )


def _add(changes: str) -> str:
    """Add the rows `changes` selects to hazard_months, for the frozen months among them."""
    return f"""INSERT INTO hazard_months (month, grid_id, sector, site_type, found, closed)
  SELECT month, grid_id, sector, site_type, sum(found), sum(closed) FROM (
    {changes}
  ) AS change
  WHERE month IN (SELECT month FROM frozen_months)
  GROUP BY month, grid_id, sector, site_type HAVING sum(found) <> 0 OR sum(closed) <> 0
  ON CONFLICT (month, grid_id, sector, site_type) DO UPDATE
  SET found = hazard_months.found + excluded.found, closed = hazard_months.closed + excluded.closed"""


def _retyped(dialect: str) -> str:
    """The change's rows of a site's new type: its hazards taken off its old type (-1) and added to the new (+1)."""
    month = MONTH[dialect].format
    key = "grid_id, coalesce(sector, '') AS sector"
    return f"""SELECT change.month, change.grid_id, change.sector, kind.site_type, change.found * kind.sign AS found,
           change.closed * kind.sign AS closed
    FROM (SELECT {month("received_at")} AS month, {key}, 1 AS found, 0 AS closed
          FROM hazards WHERE site_id = NEW.id
          UNION ALL SELECT {month("closed_at")}, {key}, 0, 1
          FROM hazards WHERE site_id = NEW.id AND closed_at IS NOT NULL) AS change,
         (SELECT OLD.type AS site_type, -1 AS sign UNION ALL SELECT NEW.type, 1) AS kind
    WHERE true"""


def _touches(dialect: str, rows: tuple) -> str:
    """Whether any of the month columns of `rows` (NEW, OLD) falls in a frozen month."""
    month = MONTH[dialect].format
    months = ",\n    ".join(month(f"{row}.{column}") for row in rows for column in ("received_at", "closed_at"))
    return f"EXISTS (SELECT 1 FROM frozen_months WHERE month IN (\n    {months}))"


def _postgresql() -> list[str]:
    both = (
        _rows("postgresql", "OLD", -1, "TG_OP <> 'INSERT'")
        + "\n    UNION ALL "
        + _rows("postgresql", "NEW", 1, "TG_OP <> 'DELETE'")
    )
    counted = f"""CREATE FUNCTION hazard_months_count() RETURNS trigger LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NOT {_touches("postgresql", ("NEW",))} THEN RETURN NULL; END IF;
  ELSIF TG_OP = 'DELETE' THEN
    IF NOT {_touches("postgresql", ("OLD",))} THEN RETURN NULL; END IF;
  ELSIF NOT {_touches("postgresql", ("NEW", "OLD"))} THEN RETURN NULL;
  END IF;
  -- the sites' types are read as the rows are counted: a change of one (hazard_months_retype) waits for this
  -- transaction, or this one for it
  PERFORM 1 FROM sites WHERE id IN (OLD.site_id, NEW.site_id) FOR SHARE;
  {_add(both)};
  RETURN NULL;
END $$"""
    retype = f"""CREATE FUNCTION hazard_months_retype() RETURNS trigger LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  {_add(_retyped("postgresql"))};
  RETURN NULL;
END $$"""
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COUNTED.split(", "))
    on_hazards = "ON hazards FOR EACH ROW"
    return [
        counted,
        retype,
        f"CREATE TRIGGER hazard_months_insert AFTER INSERT {on_hazards} EXECUTE FUNCTION hazard_months_count()",
        (
            f"CREATE TRIGGER hazard_months_update AFTER UPDATE OF {COUNTED} {on_hazards} WHEN ({changed}) "
            "EXECUTE FUNCTION hazard_months_count()"
        ),
        f"CREATE TRIGGER hazard_months_delete AFTER DELETE {on_hazards} EXECUTE FUNCTION hazard_months_count()",
        (
            "CREATE TRIGGER hazard_months_retype AFTER UPDATE OF type ON sites FOR EACH ROW "
            "WHEN (OLD.type IS DISTINCT FROM NEW.type) EXECUTE FUNCTION hazard_months_retype()"
        ),
    ]


def _sqlite() -> list[str]:
    def trigger(name, event_, when, changes):
        return f"CREATE TRIGGER {name} AFTER {event_}\nWHEN {when}\nBEGIN\n  {_add(changes)};\nEND"

    return [
        trigger("hazard_months_insert", "INSERT ON hazards", _touches("sqlite", ("NEW",)), _rows("sqlite", "NEW", 1)),
        trigger(
            "hazard_months_update",
            f"UPDATE OF {COUNTED} ON hazards",
            _touches("sqlite", ("NEW", "OLD")),
            _rows("sqlite", "OLD", -1) + "\n    UNION ALL " + _rows("sqlite", "NEW", 1),
        ),
        trigger("hazard_months_delete", "DELETE ON hazards", _touches("sqlite", ("OLD",)), _rows("sqlite", "OLD", -1)),
        trigger("hazard_months_retype", "UPDATE OF type ON sites", "OLD.type IS NOT NEW.type", _retyped("sqlite")),
    ]


TRIGGERS = {"postgresql": _postgresql(), "sqlite": _sqlite()}
DROP = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS hazard_months_retype ON sites",
        *(f"DROP TRIGGER IF EXISTS hazard_months_{e} ON hazards" for e in ("insert", "update", "delete")),
        "DROP FUNCTION IF EXISTS hazard_months_count()",
        "DROP FUNCTION IF EXISTS hazard_months_retype()",
    ],
    "sqlite": [f"DROP TRIGGER IF EXISTS hazard_months_{e}" for e in ("insert", "update", "delete", "retype")],
}


# ---- the revision -------------------------------------------------------------------------------------------------


def upgrade():
    op.create_table(
        "hazard_months",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=32), nullable=False),
        sa.Column("site_type", sa.String(length=32), nullable=False),
        sa.Column("found", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "grid_id", "sector", "site_type", name=op.f("pk_hazard_months")),
    )
    op.create_table(
        "frozen_months",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("frozen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_frozen_months")),
    )
    bind = op.get_bind()
    for statement in TRIGGERS[bind.dialect.name]:
        bind.exec_driver_sql(statement)
    _freeze_ended_months(bind)


def downgrade():
    bind = op.get_bind()
    for statement in DROP[bind.dialect.name]:
        bind.exec_driver_sql(statement)
    op.drop_table("frozen_months")
    op.drop_table("hazard_months")


COUNT = sa.text("""
    INSERT INTO hazard_months (month, grid_id, sector, site_type, found, closed)
    SELECT :month, change.grid_id, coalesce(change.sector, ''), coalesce(sites.type, ''),
           sum(change.found), sum(change.closed)
    FROM (SELECT grid_id, sector, site_id, 1 AS found, 0 AS closed FROM hazards
          WHERE received_at >= :start AND received_at < :end
          UNION ALL SELECT grid_id, sector, site_id, 0, 1 FROM hazards
          WHERE closed_at >= :start AND closed_at < :end) AS change
    LEFT JOIN sites ON sites.id = change.site_id
    GROUP BY change.grid_id, coalesce(change.sector, ''), coalesce(sites.type, '')
""").bindparams(sa.bindparam("start", type_=UTCDateTime()), sa.bindparam("end", type_=UTCDateTime()))


def _freeze_ended_months(bind):
    """Every month from the first hazard's to the last one ended (Asia/Shanghai): counted, and marked frozen."""
    oldest = bind.execute(
        sa.select(sa.func.min(sa.column("received_at", UTCDateTime()))).select_from(sa.table("hazards"))
    ).scalar()
    today = datetime.now(UTC).astimezone(SHANGHAI).date()
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    month = oldest.astimezone(SHANGHAI).date().replace(day=1) if oldest is not None else last
    month = min(month, last)
    marks = sa.table("frozen_months", sa.column("month"), sa.column("frozen_at", UTCDateTime()))
    while month <= last:
        after = (month + timedelta(days=32)).replace(day=1)
        key = f"{month.year:04d}-{month.month:02d}"
        bind.execute(sa.insert(marks).values(month=key, frozen_at=datetime.now(UTC)))
        bind.execute(COUNT, {"month": key, "start": _midnight(month), "end": _midnight(after)})
        month = after


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), SHANGHAI).astimezone(UTC)
