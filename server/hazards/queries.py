"""The hazards' hot SQL: what every report and every read of hazards runs, each statement built once and run
straight through the driver on PostgreSQL (core.db.fetch_hot); the services ask for it by what it is."""

from sqlalchemy import bindparam, or_, select

from server.areas.models import Area, subtree_ids
from server.core.api import get_or_404
from server.core.cache import memoised
from server.core.db import add_once, db, insert_rows, stored
from server.enterprises.models import Enterprise
from server.hazards.models import Hazard, HazardCategory, HazardClock, HazardDocument, HazardInvitation
from server.people.models import User
from server.sites.models import Site


def report_stored(hazard_id) -> bool:
    """Whether a report is stored under this id: the first question of every report (nearly always no)."""
    return stored(Hazard, hazard_id)


def add_report(hazard: Hazard, same_or_conflict) -> tuple[Hazard, bool]:
    """Insert a new report under the phone's id, or answer with the one stored under it (core.db.add_once)."""
    return add_once(hazard, same_or_conflict)


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


# where the loop ends: a hazard in none of these is open
ENDED = ("closed", "rejected", "merged")


def filters(query: dict, user_id, now) -> list:
    """The list's filters (`GET /hazards`) as SQL clauses, each a yes or no where it is a boolean: the one meaning of
    its parameters, which the ledgers (台账) and the map (一张图) take too."""
    named = ("state", "level", "category", "site_id")
    clauses = [getattr(Hazard, name) == query[name] for name in named if name in query]
    if "area_id" in query:
        clauses.append(Hazard.grid_id.in_(subtree_ids([get_or_404(Area, query["area_id"]).path])))
    if "q" in query:
        clauses.append(matching(query["q"]))
    facts = {
        "overdue_ack": Hazard.ack_overdue(now),
        "overdue": Hazard.rectification_overdue(now),
        "listed": Hazard.listed(),
        "transferred": Hazard.transferred_at.is_not(None),
        "open": ~Hazard.state.in_(ENDED),
    }
    clauses += [fact if query[name] else ~fact for name, fact in facts.items() if query.get(name) is not None]
    if "ordered_by" in query:  # me: the only value
        clauses.append(Hazard.id.in_(ordered_by(user_id)))
    if "invited" in query:
        clauses.append(Hazard.id.in_(invited_to(user_id)))
    return clauses
