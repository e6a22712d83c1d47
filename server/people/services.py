"""Managing users and their role assignments, always within the admin's own scope."""

from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from server.areas.models import Area, path_ids, subtree_ids
from server.auth.scope import ROLES, Grants, covers_area
from server.core.db import db
from server.core.errors import DomainError
from server.enterprises.models import Enterprise
from server.people.models import ROLE_AREA_LEVELS, RoleAssignment, User


class RoleError(DomainError, ValueError):
    """A role assignment that is malformed or outside the admin's scope; `field` says which part (a 422, its
    message in both languages at once)."""

    status = 422

    def __init__(self, index: int, field: str, message: str):
        super().__init__(message)
        self.index, self.field = index, field

    def errors(self):
        return {"json": {"roles": {str(self.index): {self.field: [str(self)]}}}}


def build_assignment(index: int, spec: dict, admin: Grants) -> RoleAssignment:
    """Check one requested role against its scope kind and the admin's scope, and build it."""
    role, kind = spec["role"], ROLES[spec["role"]][2]
    area_id, enterprise_id, sector = spec.get("area_id"), spec.get("enterprise_id"), spec.get("sector")
    if kind == "enterprise":
        if enterprise_id is None or area_id is not None or sector is not None:
            raise RoleError(
                index, "enterprise_id", "企业角色只需要 enterprise_id / an enterprise role takes only enterprise_id"
            )
        visible = Enterprise.scope_clause(admin)
        if db.session.scalar(select(Enterprise.id).where(Enterprise.id == enterprise_id, visible)) is None:
            raise RoleError(index, "enterprise_id", "企业不存在或不在您的范围内 / no such enterprise within your scope")
        return RoleAssignment(role=role, enterprise_id=enterprise_id)
    if area_id is None or enterprise_id is not None:
        raise RoleError(index, "area_id", "该角色需要 area_id / this role needs an area_id")
    if (kind == "sector") != (sector is not None):
        raise RoleError(index, "sector", "只有行业主管部门角色需要 sector / only a department role takes a sector")
    area = db.session.get(Area, area_id)
    if area is None or not covers_area(admin, area):
        raise RoleError(index, "area_id", "区域不存在或不在您的范围内 / no such area within your scope")
    if area.level not in ROLE_AREA_LEVELS[role]:
        levels = "、".join(ROLE_AREA_LEVELS[role])
        raise RoleError(index, "area_id", f"该角色只能分配在 {levels} 级 / this role is assigned at level {levels}")
    return RoleAssignment(role=role, area_id=area_id, sector=sector)


def assignment_in_scope(assignment: RoleAssignment, admin: Grants) -> bool:
    if assignment.enterprise_id is not None:
        return (
            db.session.scalar(
                select(Enterprise.id).where(Enterprise.id == assignment.enterprise_id, Enterprise.scope_clause(admin))
            )
            is not None
        )
    return covers_area(admin, assignment.area)


# What applies to the whole account rather than to one role: it needs authority over every role held.
ACCOUNT_FIELDS = ("phone", "name", "is_active", "password", "certificate_no")


def account_changes(user: User, body: dict) -> list[str]:
    """The account-wide fields an edit would change (a password is always a change; others only if they differ)."""
    return [
        name for name in ACCOUNT_FIELDS if name in body and (name == "password" or body[name] != getattr(user, name))
    ]


def covers_account(user: User, admin: Grants) -> bool:
    """Whether the admin's scope covers every role the user holds, as an account-wide change needs: else an
    admin of one street could reset the password of (and then act as) someone who is also a district supervisor."""
    return all(assignment_in_scope(a, admin) for a in user.roles)


def replace_roles(user: User, specs: list[dict], admin: Grants):
    """Set the user's roles within the admin's scope; roles held elsewhere are left as they are."""
    new = [build_assignment(i, spec, admin) for i, spec in enumerate(specs)]
    keep = [a for a in user.roles if not assignment_in_scope(a, admin)]
    if not keep and not new:
        raise RoleError(0, "roles", "用户至少需要一个角色 / a user needs at least one role")
    user.roles = keep + new


def identity_taken(username: str | None = None, phone: str | None = None, exclude=None) -> str | None:
    """The field whose value another user already has, if any."""
    clauses = []
    if username:
        clauses.append(User.username == username)
    if phone:
        clauses.append(User.phone == phone)
    if not clauses:
        return None
    stmt = select(User).where(or_(*clauses))
    if exclude is not None:
        stmt = stmt.where(User.id != exclude.id)
    other = db.session.scalars(stmt).first()
    if other is None:
        return None
    return "username" if username and other.username == username else "phone"


def colleagues(roles: list[str], scope: Grants, caller_id):
    """Those other than the caller who hold one of `roles` in an area that overlaps the caller's areas (above, at
    or below them): a district's officers for a street's station, a street's for the district, a grid worker's
    station for the grid worker (not the next grid's worker: theirs does not overlap)."""
    held = select(RoleAssignment.user_id).where(RoleAssignment.role.in_(roles))
    if not scope.everywhere:
        if not scope.area_paths:
            return select(User).where(false())
        above = {area_id for path in scope.area_paths for area_id in path_ids(path)}
        held = held.where(
            or_(RoleAssignment.area_id.in_(subtree_ids(scope.area_paths)), RoleAssignment.area_id.in_(above))
        )
    return (
        select(User)
        .where(User.id.in_(held), User.is_active.is_(True), User.id != caller_id)
        .options(selectinload(User.roles))
    )
