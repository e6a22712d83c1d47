"""隐患类别: the admins add, rename, reorder and switch off the categories a report chooses from.

Every change goes through the ORM, so the reports' cache of active codes (services._ACTIVE_CODES, a `Cached` on
HazardCategory) is dropped by the change itself: this process follows at once, the others within its minute.
A category is never deleted: the hazards that used it keep its name.
"""

import uuid

from sqlalchemy import func, select

from server.core.db import db
from server.core.errors import DomainError
from server.hazards.models import HazardCategory


class NameTaken(DomainError):
    """Two categories of one name would be one choice shown twice in the report form."""

    status, code, field = 409, "duplicate_name", "name_zh"
    zh, en = "已有名为“{name}”的隐患类别", "A category named {name} exists"


class CodeTaken(DomainError):
    status, code, field = 409, "duplicate_code", "code"
    zh, en = "代码 {code} 已被使用", "The code {code} is taken"


def listed(include_inactive: bool):
    stmt = select(HazardCategory).order_by(HazardCategory.position, HazardCategory.code)
    if not include_inactive:
        stmt = stmt.where(HazardCategory.active.is_(True))
    return db.session.scalars(stmt).all()


def _check_name_free(name_zh: str, exclude: str | None = None):
    stmt = select(HazardCategory.code).where(HazardCategory.name_zh == name_zh)
    if exclude is not None:
        stmt = stmt.where(HazardCategory.code != exclude)
    if db.session.scalar(stmt) is not None:
        raise NameTaken(name=name_zh)


def create(body: dict) -> HazardCategory:
    code = body.get("code") or f"c_{uuid.uuid4().hex[:8]}"
    if db.session.get(HazardCategory, code) is not None:
        raise CodeTaken(code=code)
    _check_name_free(body["name_zh"])
    position = body.get("position")
    if position is None:  # last, after every category there is (switched off or not)
        position = (db.session.scalar(select(func.max(HazardCategory.position))) or 0) + 1
    category = HazardCategory(
        code=code,
        name_zh=body["name_zh"],
        name_en=body.get("name_en") or body["name_zh"],
        active=True,
        position=position,
    )
    db.session.add(category)
    db.session.flush()
    return category


def update(category: HazardCategory, changes: dict) -> HazardCategory:
    if "name_zh" in changes:
        _check_name_free(changes["name_zh"], exclude=category.code)
    for key, value in changes.items():
        setattr(category, key, value)
    db.session.flush()
    return category
