"""The hazards' hot SQL: what every report and every read of hazards runs, each statement built once and run
straight through the driver on PostgreSQL (core.db.fetch_hot); the services ask for it by what it is."""

from sqlalchemy import bindparam, literal, or_, select, true

from server.areas.models import Area
from server.core.cache import memoised
from server.core.db import add_all_once, among, db, insert_rows, stored
from server.enterprises.models import Enterprise
from server.hazards.models import Hazard, HazardCategory, HazardClock, HazardDocument, HazardInvitation
from server.people.models import User
from server.sites.models import Site


def report_stored(hazard_id) -> bool:
    """Whether a report is stored under this id: the first question of every report (nearly always no)."""
    return stored(Hazard, hazard_id)


def reports_stored(hazard_ids: list) -> set:
    """Which of these ids a report is stored under: report_stored's question for one, one query for several."""
    if len(hazard_ids) == 1:
        return set(hazard_ids) if report_stored(hazard_ids[0]) else set()
    dialect = db.session.get_bind().dialect.name
    return {row.id for row in db.fetch_hot(_reports_stored(dialect), {"ids": list(hazard_ids)})}


@memoised
def _reports_stored(dialect: str):
    return select(Hazard.id).where(among(Hazard.id, "ids", dialect))


def add_reports(hazards: list[Hazard], same_or_conflicts: list) -> list[tuple[Hazard, bool]]:
    """Insert new reports under the phone's ids, or answer with those stored under them (core.db.add_once; several
    in one round trip)."""
    return add_all_once(hazards, same_or_conflicts)


def placement(site_id, site_scope):
    """The site, if it lies within the scope, with its grid (id, path) and its enterprise (id, sector); else None."""
    rows = db.fetch_hot(_placement(site_scope), {"site_id": site_id})
    return rows[0] if rows else None


@memoised
def _placement(site_scope):
    return (
        select(Site.id, Area.path, Area.id.label("grid_id"), Enterprise.id.label("enterprise_id"), Enterprise.sector)
        .join(Area, Area.id == Site.grid_id)
        .outerjoin(Enterprise, Enterprise.id == Site.enterprise_id)
        .where(Site.id == bindparam("site_id"), site_scope)
    )


def stored_and_placement(hazard_id, site_id, site_scope) -> tuple[bool, object]:
    """A report at a site's two first questions in one round trip: (whether a report is stored under this id, the
    site's placement as `placement` gives it, or None)."""
    row = db.fetch_hot(_stored_and_placement(site_scope), {"id": hazard_id, "site_id": site_id})[0]
    return bool(row.stored), (row if row.id is not None else None)


@memoised
def _stored_and_placement(site_scope):
    placed = _placement(site_scope).subquery()
    one = select(literal(1).label("one")).subquery()
    is_stored = select(Hazard.id).where(Hazard.id == bindparam("id", type_=Hazard.id.type)).exists()
    return select(is_stored.label("stored"), *placed.c).select_from(one.outerjoin(placed, true()))


def matching(text: str):
    """Hazards whose description, site name or responsible party contains `text` (its % and _ taken literally)."""
    return or_(
        Hazard.description.icontains(text, autoescape=True),
        Hazard.responsible_party.icontains(text, autoescape=True),
        Hazard.site_id.in_(select(Site.id).where(Site.name.icontains(text, autoescape=True))),
    )


def area_within(area_id, area_scope):
    """The area (id, level, path), with whether the scope covers it (`covered`); None if there is no such area."""
    rows = db.fetch_hot(_area_within(area_scope), {"area_id": area_id})
    return rows[0] if rows else None


@memoised
def _area_within(area_scope):
    return select(Area.id, Area.level, Area.path, area_scope.label("covered")).where(Area.id == bindparam("area_id"))


_ACTIVE_CODES = select(HazardCategory.code).where(HazardCategory.active.is_(True))


def active_category_codes() -> frozenset[str]:
    """The codes of the categories in use (the services keep them: services._ACTIVE_CODES)."""
    return frozenset(row.code for row in db.fetch_hot(_ACTIVE_CODES, {}))


def add_clocks(rows: list[dict]) -> None:
    """Set clocks without looking for them first: for a hazard new in this transaction, which has none yet."""
    insert_rows(HazardClock, rows)


def user_names(ids) -> dict:
    """The names of these users, by id (the hazards' reporters): one query, none for no ids."""
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(list(ids)))).all())


def invited(expert_id, hazard_ids) -> set:
    """Which of these hazards the expert is invited to (邀请专家)."""
    if not hazard_ids:
        return set()
    return set(
        db.session.scalars(
            select(HazardInvitation.hazard_id).where(
                HazardInvitation.expert_id == expert_id, HazardInvitation.hazard_id.in_(hazard_ids)
            )
        )
    )


def invited_to(expert_id):
    """A subquery of the ids of the hazards the expert is invited to."""
    return select(HazardInvitation.hazard_id).where(HazardInvitation.expert_id == expert_id)


def ordered_by(officer_id):
    """A subquery of the ids of the hazards with an enforcement order the officer issued or co-signed."""
    officer = str(officer_id)
    return select(HazardDocument.hazard_id).where(
        HazardDocument.kind == "enforcement_order",
        or_(
            HazardDocument.data["issuer_id"].as_string() == officer,
            HazardDocument.data["co_signer_id"].as_string() == officer,
        ),
    )
