"""People and their roles, each role scoped to an area, an enterprise or a sector."""

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String, false, or_, select, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.areas.models import Area, subtree_ids
from server.core.cache import memoised
from server.core.db import Base, Timestamps, UUIDPrimaryKey
from server.enterprises.models import Enterprise

# The area levels at which each area-scoped role (auth.scope.ROLES) may be assigned.
ROLE_AREA_LEVELS = {
    "grid_worker": ("community", "grid"),
    "station_officer": ("street",),
    "enforcement_officer": ("district", "street"),
    "expert": ("district", "street"),
    "supervisor": ("district", "street"),
    "admin": ("district", "street"),
    "department_officer": ("district", "street"),
}


class User(UUIDPrimaryKey, Timestamps, Base):
    """用户: one person who logs in, by phone number or username."""

    __tablename__ = "users"
    __zh_name__ = "用户"

    username: Mapped[str] = mapped_column(String(32), unique=True)
    phone: Mapped[str | None] = mapped_column(String(11), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # 执法证号: an enforcement officer signs an enforcement order (责令限期整改指令书) with it
    certificate_no: Mapped[str | None] = mapped_column(String(32))

    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="RoleAssignment.role"
    )

    def __repr__(self):
        return f"<User {self.username}>"

    @classmethod
    @memoised  # a clause depends only on the grants, and SQL expressions are immutable
    def scope_clause(cls, grants):
        """Visible to an admin: users holding any role inside the admin's areas or their enterprises."""
        if grants.everywhere:
            return true()
        if not grants.area_paths:
            return false()
        areas = subtree_ids(grants.area_paths)
        enterprises = select(Enterprise.id).where(Enterprise.scope_clause(grants))
        held = select(RoleAssignment.user_id).where(
            or_(RoleAssignment.area_id.in_(areas), RoleAssignment.enterprise_id.in_(enterprises))
        )
        return cls.id.in_(held)


class RoleAssignment(UUIDPrimaryKey, Base):
    """A role held by a user within exactly one scope: an area subtree, an enterprise, or a sector."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        CheckConstraint(
            "(area_id IS NOT NULL AND enterprise_id IS NULL)"
            " OR (area_id IS NULL AND enterprise_id IS NOT NULL AND sector IS NULL)",
            name="one_scope",
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    enterprise_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    # department officers: the sector they supervise, within area_id (usually the district)
    sector: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship(back_populates="roles", lazy="raise")
    area: Mapped[Area | None] = relationship(lazy="joined")
    enterprise: Mapped[Enterprise | None] = relationship(lazy="joined")

    def __repr__(self):
        return f"<RoleAssignment {self.role} area={self.area_id} ent={self.enterprise_id} sector={self.sector}>"
