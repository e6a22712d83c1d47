"""Fanning out what needs action to the right people's inboxes, once per thing however often it is asked."""

import uuid
from typing import Protocol

from server.notifications import queries
from server.people.models import RoleAssignment


class Hazard(Protocol):
    """What the inbox reads of a hazard, the model or a row of a few of its columns (a clock tick's): which it is,
    and the street, enterprise and sector it goes to. A protocol, not the model: the hazard loop stands on the inbox."""

    id: uuid.UUID
    street_id: int
    enterprise_id: uuid.UUID | None
    sector: str | None


def station_officers(hazard: Hazard) -> set[uuid.UUID]:
    return queries.station_officers(hazard.street_id)


def supervisors() -> set[uuid.UUID]:
    return queries.holders(RoleAssignment.role == "supervisor")


def enterprise_users(hazard: Hazard) -> set[uuid.UUID]:
    if hazard.enterprise_id is None:
        return set()
    return queries.holders(
        RoleAssignment.role == "enterprise_user", RoleAssignment.enterprise_id == hazard.enterprise_id
    )


def department_officers(hazard: Hazard) -> set[uuid.UUID]:
    return sector_officers(hazard.sector)


def sector_officers(sector: str | None) -> set[uuid.UUID]:
    """The department officers of a sector (管行业必须管安全), wherever their area."""
    if sector is None:
        return set()
    return queries.holders(RoleAssignment.role == "department_officer", RoleAssignment.sector == sector)


class Recipients:
    """Who gets what about many hazards at once (a clock tick's batch): each group read once for the batch."""

    def __init__(self, hazards: list[Hazard]):
        self._station = queries.holders_by(RoleAssignment.area_id, "station_officer", {h.street_id for h in hazards})
        enterprises = {h.enterprise_id for h in hazards if h.enterprise_id is not None}
        self._enterprise = queries.holders_by(RoleAssignment.enterprise_id, "enterprise_user", enterprises)
        self._supervisors = None

    def station_officers(self, hazard: Hazard) -> set[uuid.UUID]:
        return self._station.get(hazard.street_id, set())

    def enterprise_users(self, hazard: Hazard) -> set[uuid.UUID]:
        return self._enterprise.get(hazard.enterprise_id, set())

    def supervisors(self) -> set[uuid.UUID]:
        if self._supervisors is None:
            self._supervisors = supervisors()
        return self._supervisors


def entries(kind: str, hazard: Hazard, users: set[uuid.UUID], *, key: str = "") -> list[dict]:
    """The inbox rows that put `kind` about `hazard` before each user; `key` tells one occasion from another."""
    key = f"{kind}:{hazard.id}:{key}"[:120]
    return [{"user_id": user, "key": key, "kind": kind, "hazard_id": hazard.id} for user in sorted(users)]


def notify(kind: str, hazard: Hazard, users: set[uuid.UUID], *, key: str = "") -> None:
    """Put `kind` about `hazard` in each user's inbox, unless it is there already (keyed by kind, hazard and `key`)."""
    add(entries(kind, hazard, users, key=key))


def notify_about(kind: str, record_type: str, record_id: uuid.UUID, subject: str, users: set[uuid.UUID]) -> None:
    """Put `kind` about another record than a hazard (a summons, 约谈) in each user's inbox, once per record however
    often it is asked; `subject` is the name its title shows (the unit's)."""
    key = f"{kind}:{record_type}:{record_id}"[:120]
    add(
        [
            {
                "user_id": user,
                "key": key,
                "kind": kind,
                "hazard_id": None,
                "record_type": record_type,
                "record_id": record_id,
                "subject": subject[:200],
            }
            for user in sorted(users)
        ]
    )


def entries_about(
    kind: str, record_type: str, record_id: uuid.UUID, subject: str, users, *, key: str = ""
) -> list[dict]:
    """The inbox rows that put `kind` about another record than a hazard before each user (a warning's fan-out, its
    reminders); `key` tells one occasion from another."""
    key = f"{kind}:{record_type}:{record_id}:{key}"[:120]
    return [
        {
            "user_id": user,
            "key": key,
            "kind": kind,
            "hazard_id": None,
            "record_type": record_type,
            "record_id": record_id,
            "subject": subject[:200],
        }
        for user in sorted(users)
    ]


def notify_new_reports(hazards: list[Hazard]) -> None:
    """Put new reports before their streets' stations (each street's officers asked once). The hazards are new in
    this transaction, so no inbox holds anything about them yet: nothing is looked for first (reporting is the
    busiest write of all)."""
    officers: dict = {}
    rows = []
    for hazard in hazards:
        if hazard.street_id not in officers:
            officers[hazard.street_id] = station_officers(hazard)
        rows += entries("new_report", hazard, officers[hazard.street_id])
    queries.add_first_entries(rows)


def add(rows: list[dict]) -> None:
    """Insert inbox rows, skipping those already there: a clock tick on another worker may fan out the same thing."""
    queries.add_entries(rows)
