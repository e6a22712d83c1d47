"""The area tree: district → street → community → grid (区 → 街道 → 社区 → 网格)."""

from sqlalchemy import ForeignKey, Select, String, and_, false, or_, select, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.core.cache import memoised
from server.core.db import Base, Timestamps

LEVELS = ("district", "street", "community", "grid")
LEVEL_NAMES = {
    "district": ("区", "district"),
    "street": ("街道", "street"),
    "community": ("社区", "community"),
    "grid": ("网格", "grid"),
}


class Area(Timestamps, Base):
    """行政区划 / 网格: one node of the tree, with its materialised path for subtree queries."""

    __tablename__ = "areas"
    __zh_name__ = "区域"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    # "/1/4/37/": the ids from the root down to this area, so that a subtree is one range of an index.
    # Compared byte by byte ("C" collation), so that the range holds exactly the paths with the prefix.
    path: Mapped[str] = mapped_column(String(255).with_variant(String(255, collation="C"), "postgresql"), index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)

    parent: Mapped["Area | None"] = relationship(remote_side=[id], lazy="raise")

    def __repr__(self):
        return f"<Area {self.code} {self.name}>"

    @property
    def depth(self) -> int:
        return LEVELS.index(self.level)

    @classmethod
    def within(cls, path: str):
        """The areas whose path starts with `path`: a range, since "0" follows "/" (an index scan, unlike
        LIKE with a bound pattern, whose generic plan on PostgreSQL reads the whole table)."""
        return and_(cls.path >= path, cls.path < path[:-1] + "0")

    @classmethod
    @memoised  # a clause depends only on the grants, and SQL expressions are immutable
    def scope_clause(cls, grants):
        """Within a granted area's subtree, where one acts (reports by grid): reading the tree needs no grant.
        A sector's grant covers the ground of its area: the sector narrows what is there, not where."""
        if grants.everywhere:
            return true()
        paths = [*grants.area_paths, *(path for _sector, path in grants.sectors)]
        return cls.id.in_(subtree_ids(paths)) if paths else false()


@memoised
def _subtree_ids(paths: tuple) -> Select:
    return select(Area.id).where(or_(*[Area.within(p) for p in paths]))


def path_ids(path: str) -> list[int]:
    """The ids in a materialised path, from the root down: "/1/4/37/" → [1, 4, 37]."""
    return [int(part) for part in path.strip("/").split("/")]


def subtree_ids(paths):
    """A subquery of the ids of every area under (and including) the areas with these paths."""
    return _subtree_ids(tuple(paths))
