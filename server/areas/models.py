"""The area tree: district → street → community → grid (区 → 街道 → 社区 → 网格)."""
from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.core.db import Base, Timestamps

LEVELS = ("district", "street", "community", "grid")
LEVEL_NAMES = {"district": ("区", "district"), "street": ("街道", "street"),
               "community": ("社区", "community"), "grid": ("网格", "grid")}


class Area(Timestamps, Base):
    """行政区划 / 网格: one node of the tree, with its materialised path for subtree queries."""

    __tablename__ = "areas"
    __zh_name__ = "区域"
    __table_args__ = (Index("ix_areas_path", "path", postgresql_ops={"path": "text_pattern_ops"}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    # "/1/4/37/": the ids from the root down to this area, so a subtree is one indexed prefix match.
    path: Mapped[str] = mapped_column(String(255))
    is_demo: Mapped[bool] = mapped_column(default=False)

    parent: Mapped["Area | None"] = relationship(remote_side=[id], lazy="raise")

    def __repr__(self):
        return f"<Area {self.code} {self.name}>"

    @property
    def depth(self) -> int:
        return LEVELS.index(self.level)


def subtree_ids(paths):
    """A subquery of the ids of every area under (and including) the areas with these paths."""
    from sqlalchemy import or_

    return select(Area.id).where(or_(*[Area.path.startswith(p, autoescape=False) for p in paths]))
