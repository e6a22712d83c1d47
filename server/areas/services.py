"""Building and editing the area tree, keeping every materialised path true."""

import csv
from pathlib import Path

from sqlalchemy import func, select, update

from server.areas.models import LEVELS, Area, path_ids
from server.core.db import db
from server.core.errors import DomainError

AREAS_CSV = Path(__file__).resolve().parent.parent / "data" / "areas.csv"


class TreeError(DomainError, ValueError):
    """An edit that would break the tree (wrong level under a parent, a cycle): a 422 on `field`, the part of the
    edit at fault (the new area's level, or the parent an area moves to), in both languages at once."""

    status = 422

    def __init__(self, message: str, field: str = "level"):
        super().__init__(message)
        self.field = field

    def errors(self):
        return {"json": {self.field: [str(self)]}}


def check_placement(level: str, parent: Area | None, field: str = "level"):
    if parent is None:
        if level != "district":
            raise TreeError("只有区可以没有上级 / only a district has no parent", field)
        return
    if LEVELS.index(level) != parent.depth + 1:
        raise TreeError(
            f"{level} 不能直接位于 {parent.level} 之下 / a {level} cannot sit directly under a {parent.level}", field
        )


def create_area(*, code: str, name: str, level: str, parent: Area | None, is_demo: bool = False) -> Area:
    check_placement(level, parent)
    area = Area(code=code, name=name, level=level, parent_id=parent.id if parent else None, path="", is_demo=is_demo)
    db.session.add(area)
    db.session.flush()  # the id is part of the path
    area.path = f"{parent.path if parent else '/'}{area.id}/"
    db.session.flush()
    return area


def move_area(area: Area, new_parent: Area):
    """Re-hang a subtree (streets merge and split): rewrite every path under it in one UPDATE."""
    if new_parent.path.startswith(area.path):
        raise TreeError("不能移动到自己的下级 / an area cannot move under itself", "parent_id")
    check_placement(area.level, new_parent, "parent_id")
    old_prefix, new_prefix = area.path, f"{new_parent.path}{area.id}/"
    db.session.execute(
        update(Area)
        .where(Area.within(old_prefix))
        .values(path=new_prefix + func.substr(Area.path, len(old_prefix) + 1))
        .execution_options(synchronize_session=False)
    )
    area.parent_id = new_parent.id
    db.session.flush()
    db.session.expire_all()


def load_areas_csv(path: Path = AREAS_CSV) -> int:
    """Create the district and streets of the CSV that are missing, and rename changed ones. Idempotent."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_code = {a.code: a for a in db.session.scalars(select(Area).where(Area.code.in_([r["code"] for r in rows])))}
    changed = 0
    for row in sorted(rows, key=lambda r: LEVELS.index(r["level"])):
        area = by_code.get(row["code"])
        if area is None:
            parent = by_code[row["parent_code"]] if row["parent_code"] else None
            by_code[row["code"]] = create_area(code=row["code"], name=row["name"], level=row["level"], parent=parent)
            changed += 1
        elif area.name != row["name"]:
            area.name = row["name"]
            changed += 1
    db.session.flush()
    return changed


def ancestors(area: Area) -> list[Area]:
    """The areas above this one, from the root down, in one query."""
    ids = path_ids(area.path)[:-1]
    found = {a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(ids)))}
    return [found[i] for i in ids]
