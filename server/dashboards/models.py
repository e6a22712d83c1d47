"""The hazards' monthly rollup for the dashboards' trend: counts of whole past months, kept by triggers on the tables.

`HazardMonth` holds, for each frozen month (Asia/Shanghai), the hazards received (`found`) and closed in it, by the
columns the trend's scope and narrowing read: the grid, the sector, the site's type. A month is frozen once, after it
ended (`FrozenMonth`, the maintenance round: dashboards.rollup); from then on every write that changes what it counts
is applied to it by a trigger in the writer's own transaction, on PostgreSQL and SQLite alike (`TRIGGERS`): an insert
or delete of a hazard, a change of its received_at, closed_at, grid, sector or site, and a change of a site's type.
A report's insert is Core, a transfer and a close go through the ORM, a site's type through the sites' own edit, and
data is loaded with bulk SQL: only the database sees all of them. The current month is never frozen, so a report, the
busiest write, only looks the month up (one row of `frozen_months`) and writes nothing here.
"""

from datetime import datetime

from sqlalchemy import Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, UTCDateTime
from server.core.time import utcnow

NONE = ""  # a hazard without a sector, or without a site (so without a site type): a key column holds no NULL


class HazardMonth(Base):
    """Hazards of a frozen month: received in it (found) and closed in it, by grid, sector and site type."""

    __tablename__ = "hazard_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM, Asia/Shanghai
    grid_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sector: Mapped[str] = mapped_column(String(32), primary_key=True)  # NONE: the hazard has none
    site_type: Mapped[str] = mapped_column(String(32), primary_key=True)  # its site's type now; NONE: no site
    found: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)


class FrozenMonth(Base):
    """A month whose counts are in hazard_months and kept there by the triggers (the rollup serves it)."""

    __tablename__ = "frozen_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM, Asia/Shanghai
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# ---- the triggers -----------------------------------------------------------------------------------------------
# Each one adds the change's rows, (month, grid, sector, site type, ±found, ±closed), to the frozen months they fall
# in: the row as it was taken off (-1), the row as it is now added (+1), summed per key so that a change that moves
# nothing (closing a hazard of a frozen month today) writes nothing. Months are Asia/Shanghai's (UTC+8 since 1991).

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


@event.listens_for(Base.metadata, "after_create")
def _create_triggers(_metadata, connection, **_kw):
    # after every table: the triggers stand on hazards and sites, and write to hazard_months
    for statement in TRIGGERS.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)


@event.listens_for(Base.metadata, "before_drop")
def _drop_triggers(_metadata, connection, **_kw):
    for statement in DROP.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)
