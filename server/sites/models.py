"""Sites (场所): the places grid workers patrol, with or without an enterprise behind them."""

import uuid

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, false, or_, select, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.areas.models import Area, subtree_ids
from server.core.cache import memoised
from server.core.db import Base, Timestamps, UUIDPrimaryKey
from server.enterprises.models import Enterprise

SITE_TYPES = {
    "gas_station": ("加油站", "Gas station"),
    "mall": ("商场", "Mall"),
    "market": ("农贸市场", "Market"),
    "hazardous_chemicals": ("危险化学品场所", "Hazardous chemicals"),
    "construction_site": ("建筑工地", "Construction site"),
    "old_building": ("老旧房屋", "Old building"),
    "culvert_underpass": ("涵洞/下穿通道", "Culvert or underpass"),
    "fire_lane": ("消防通道", "Fire lane"),
    "school": ("学校", "School"),
    "residential_compound": ("居民小区", "Residential compound"),
    "other": ("其他", "Other"),
}

# 安全风险四色分级: red, orange, yellow, blue
RISK_LEVELS = {
    "major": ("重大风险", "Major"),
    "high": ("较大风险", "High"),
    "general": ("一般风险", "General"),
    "low": ("低风险", "Low"),
}


class Site(UUIDPrimaryKey, Timestamps, Base):
    """场所: a place in a grid, tagged with a QR code, where hazards are found."""

    __tablename__ = "sites"
    __zh_name__ = "场所"
    __table_args__ = (
        CheckConstraint("latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180", name="wgs84_range"),
    )

    name: Mapped[str] = mapped_column(String(200), index=True)
    type: Mapped[str] = mapped_column(String(32), index=True)
    enterprise_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    # WGS-84, as phones report it; converted to GCJ-02 / BD-09 only for display on those maps
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    grid_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    risk_level: Mapped[str] = mapped_column(String(16), default="general")
    is_demo: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    grid: Mapped[Area] = relationship(lazy="raise")
    enterprise: Mapped[Enterprise | None] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return f"<Site {self.name}>"

    @classmethod
    @memoised  # a clause depends only on the grants, and SQL expressions are immutable
    def scope_clause(cls, grants):
        """Visible: in a granted area subtree; of their own enterprise; or of an enterprise in their sector."""
        if grants.everywhere:
            return true()
        clauses = []
        if grants.area_paths:
            clauses.append(cls.grid_id.in_(subtree_ids(grants.area_paths)))
        if grants.enterprise_ids:
            clauses.append(cls.enterprise_id.in_(grants.enterprise_ids))
        for sector, path in grants.sectors:
            clauses.append(
                cls.enterprise_id.in_(select(Enterprise.id).where(Enterprise.sector == sector))
                & cls.grid_id.in_(subtree_ids([path]))
            )
        return or_(*clauses) if clauses else false()
