"""Creating and editing enterprises."""

from sqlalchemy import select

from server.areas.models import Area
from server.core.db import db
from server.core.errors import DomainError
from server.enterprises.models import SECTORS, Enterprise


class Conflict(DomainError):
    """The USCC is already registered to another enterprise."""

    status, code = 409, "duplicate_uscc"
    zh, en = "统一社会信用代码 {c} 已登记", "USCC {c} is already registered"

    def __init__(self, uscc: str):
        super().__init__(uscc, c=uscc)


def apply_changes(enterprise: Enterprise, changes: dict) -> Enterprise:
    """Set the given fields; the sector's department is the default supervising department."""
    if "uscc" in changes and changes["uscc"] != enterprise.uscc:
        taken = db.session.scalar(select(Enterprise.id).where(Enterprise.uscc == changes["uscc"]))
        if taken is not None:
            raise Conflict(changes["uscc"])
    if "sector" in changes and "supervising_department" not in changes:
        changes = {**changes, "supervising_department": SECTORS[changes["sector"]][2]}
    for key, value in changes.items():
        setattr(enterprise, key, value)
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def area_exists(area_id: int) -> bool:
    return db.session.get(Area, area_id) is not None
