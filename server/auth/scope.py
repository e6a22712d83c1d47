"""Scoping: the roles, what each may do, and the grants (areas, enterprises, sectors) it does it within.

The rules alone, no database: the people who hold roles (server.people) stand on them.

Every list and every lookup asks `grants(action)` and hands them to the model's `scope_clause`, so
that a record outside the caller's scope is simply not found (404), never a 403 that leaks it. Which of
the caller's roles they may act in on a record is asked of the same clause (`auth.queries.roles_covering`).
"""

import uuid
from dataclasses import dataclass

from flask import g

# role code → (Chinese, English, what its scope is: an area subtree, a sector within an area, an enterprise)
ROLES = {
    "grid_worker": ("社区网格员", "Grid worker", "area"),
    "station_officer": ("街道安监站", "Street safety station officer", "area"),
    "enforcement_officer": ("执法人员", "Enforcement officer", "area"),
    "department_officer": ("行业主管部门", "Department officer", "sector"),
    "enterprise_user": ("企业安全负责人", "Enterprise safety lead", "enterprise"),
    "expert": ("专家", "Expert", "area"),
    "supervisor": ("区应急管理局", "District supervisor", "area"),
    "admin": ("系统管理员", "Administrator", "area"),
}

ALL_ROLES = frozenset(ROLES)
OFFICE_ROLES = frozenset({"station_officer", "supervisor", "admin"})

# action → the roles whose assignments grant it
PERMISSIONS = {
    "areas.manage": frozenset({"admin"}),
    "sites.view": ALL_ROLES,
    "sites.manage": OFFICE_ROLES,
    "enterprises.view": ALL_ROLES,
    "enterprises.manage": OFFICE_ROLES | {"department_officer"},
    "users.view": frozenset({"admin", "supervisor"}),
    "users.manage": frozenset({"admin"}),
    "photos.view": ALL_ROLES,  # narrowed to their own photos and those cited in their scope
    "photos.upload": ALL_ROLES,
    "photos.original": OFFICE_ROLES,  # the original as received, EXIF and all; phones get copies
    "checkins.create": ALL_ROLES,
    "hazards.report": ALL_ROLES,
    "hazards.view": ALL_ROLES,
    "hazards.summary": frozenset(
        {"supervisor", "admin", "station_officer", "department_officer", "enforcement_officer"}
    ),
    "categories.manage": frozenset({"admin"}),  # the hazard categories (隐患类别) every report chooses from
    # inspections: scoped as the hazards are (a site's areas, its enterprise, its sector), and each one's inspectors
    "inspections.view": ALL_ROLES,
    "inspections.submit": ALL_ROLES,
    "templates.manage": frozenset({"admin", "department_officer"}),  # an officer: their own sector's templates
    # confirming a month's ranking, which puts its 约谈 on record: a department for its own sector's checklists
    "rankings.confirm": frozenset({"supervisor", "admin", "department_officer"}),
    # the two-monthly scorecards (双月考核): the district's all; a station its own street's, a department its own
    "scorecards.view": frozenset({"supervisor", "admin", "station_officer", "department_officer"}),
    # 双随机: running and publishing draws over an area; the inspectors of its register declaring their ties (回避)
    "draws.manage": frozenset({"supervisor", "admin"}),
    "conflicts.declare": frozenset({"enforcement_officer", "department_officer"}),
    # patrol plans and their tasks: offices plan within their areas, a department within its sector; everyone who
    # inspects sees the tasks in their scope and their own; an enterprise never an unannounced one before it is done
    "plans.view": OFFICE_ROLES | {"department_officer", "enforcement_officer"},
    "plans.manage": OFFICE_ROLES | {"department_officer"},
    "tasks.view": ALL_ROLES,
    # warnings (预警): the district issues, updates and cancels them over its areas; the offices follow their coverage
    # (indicator 8) over theirs; everyone reads those they receive, acknowledges them (已阅) and, a grid worker, relays
    # them (已传达)
    "warnings.issue": frozenset({"supervisor"}),
    "warnings.coverage": OFFICE_ROLES,
    "warnings.view": ALL_ROLES,
    "warnings.acknowledge": ALL_ROLES,
    # incidents (突发事件信息报送): anyone in the field reports; the street's station forwards to the district, which
    # acknowledges and asks for follow-ups (the machine, incidents/machine.py, says who takes which step); indicator 4
    # for the offices. Disaster statistics (自然灾害情况统计): communities' information officers (grid workers) and
    # stations enter figures; the district (and a station, for its street) opens and ends a disaster's response.
    "incidents.report": ALL_ROLES,
    "incidents.view": ALL_ROLES,
    "incidents.timeliness": frozenset({"supervisor", "admin", "station_officer"}),
    "disasters.view": OFFICE_ROLES | {"grid_worker"},
    "disasters.report": frozenset({"grid_worker", "station_officer", "admin"}),
    "disasters.manage": OFFICE_ROLES,
    # dashboards (统计看板): the district's offices district-wide, a station its street, a department its sector; each
    # figure counts what its list shows the caller, within the lists' own scopes
    "dashboards.view": frozenset({"supervisor", "admin", "station_officer", "department_officer"}),
    # ledgers (台账) and the map (一张图): the offices' views of their scope, each record within the list's own scope
    "ledgers.export": frozenset(
        {"supervisor", "admin", "station_officer", "department_officer", "enforcement_officer"}
    ),
    "map.view": frozenset({"supervisor", "admin", "station_officer", "department_officer", "enforcement_officer"}),
}


@dataclass(frozen=True)
class Grants:
    area_paths: tuple = ()
    enterprise_ids: tuple = ()
    sectors: tuple = ()  # (sector, area path) pairs
    everywhere: bool = False  # an area grant at the root of the tree

    @property
    def empty(self):
        return not (self.everywhere or self.area_paths or self.enterprise_ids or self.sectors)


@dataclass(frozen=True)
class Role:
    """One role assignment, reduced to what scoping needs."""

    role: str
    area_path: str | None
    enterprise_id: uuid.UUID | None
    sector: str | None


def grants_for(roles, action: str | None = None) -> Grants:
    """The grants these role assignments give for an action (without one: whatever the action)."""
    allowed = PERMISSIONS[action] if action else ALL_ROLES
    area_paths, enterprise_ids, sectors = [], [], []
    for held in roles:
        if held.role not in allowed:
            continue
        if held.enterprise_id is not None:
            enterprise_ids.append(held.enterprise_id)
        elif held.sector is not None:
            sectors.append((held.sector, held.area_path))
        else:
            area_paths.append(held.area_path)
    everywhere = any(path.count("/") == 2 for path in area_paths)
    return Grants(tuple(area_paths), tuple(enterprise_ids), tuple(sectors), everywhere)


def grants(action: str) -> Grants:
    """The current user's grants for an action (cached for the request)."""
    cache = g.setdefault("grants", {})
    if action not in cache:
        cache[action] = grants_for(g.identity.roles, action)
    return cache[action]


def covers_area(grant: Grants, area) -> bool:
    """Whether an area lies within the grant's area subtrees (for checks on input, not queries)."""
    return grant.everywhere or any(area.path.startswith(path) for path in grant.area_paths)
