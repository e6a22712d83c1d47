"""Enterprises (生产经营单位), with their sector and the department that supervises them."""

from sqlalchemy import JSON, ForeignKey, Integer, String, Uuid, column, false, or_, select, table, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.areas.models import Area, subtree_ids
from server.core.cache import memoised
from server.core.db import Base, Timestamps, UUIDPrimaryKey

# sector code → (Chinese, English, the district department that supervises it: 管行业必须管安全)
SECTORS = {
    "fuel_retail": ("成品油零售", "Fuel retail", "区商务局"),
    "commerce": ("商贸", "Retail and malls", "区商务局"),
    "market": ("农贸市场", "Markets", "区市场监督管理局"),
    "hazardous_chemicals": ("危险化学品", "Hazardous chemicals", "区应急管理局"),
    "construction": ("建筑施工", "Construction", "区住房和城市更新局"),
    "education": ("教育", "Education", "区教育局"),
    "property": ("物业管理", "Property management", "区住房和城市更新局"),
    "hospitality": ("住宿餐饮", "Hotels and catering", "区商务局"),
    "culture_tourism": ("文化旅游", "Culture and tourism", "区文化和旅游局"),
    "health": ("医疗卫生", "Health", "区卫生健康局"),
    "industry_trade": ("工贸", "Industry and trade", "区应急管理局"),
    "other": ("其他", "Other", "区应急管理局"),
}

# The two columns of the sites table the scope reads (an enterprise is visible where it has a site), named here
# rather than imported: sites stand on enterprises (a site's enterprise), so enterprises do not import sites.
_SITES = table("sites", column("enterprise_id", Uuid), column("grid_id", Integer))


class Enterprise(UUIDPrimaryKey, Timestamps, Base):
    """生产经营单位: a business that self-inspects and rectifies hazards at its sites."""

    __tablename__ = "enterprises"
    __zh_name__ = "企业"

    name: Mapped[str] = mapped_column(String(200), index=True)
    # 统一社会信用代码 (GB 32100), checked with its check character on input
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    sector: Mapped[str] = mapped_column(String(32), index=True)
    supervising_department: Mapped[str] = mapped_column(String(100))
    above_designated_size: Mapped[bool] = mapped_column(default=False)  # 规模以上
    address: Mapped[str] = mapped_column(String(300), default="")
    # 属地: the street (or community) the enterprise is registered in
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    contacts: Mapped[list] = mapped_column(JSON, default=list)
    is_demo: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    # loaded on demand: a site or a role citing an enterprise needs only its name
    area: Mapped[Area] = relationship(lazy="select")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return f"<Enterprise {self.name}>"

    @classmethod
    @memoised  # a clause depends only on the grants, and SQL expressions are immutable
    def scope_clause(cls, grants):
        """Visible: registered in a granted area or with a site there; their own; or in their sector."""
        if grants.everywhere:
            return true()
        clauses = []
        if grants.area_paths:
            areas = subtree_ids(grants.area_paths)
            clauses += [
                cls.area_id.in_(areas),
                cls.id.in_(select(_SITES.c.enterprise_id).where(_SITES.c.grid_id.in_(areas))),
            ]
        if grants.enterprise_ids:
            clauses.append(cls.id.in_(grants.enterprise_ids))
        for sector, path in grants.sectors:
            clauses.append((cls.sector == sector) & cls.area_id.in_(subtree_ids([path])))
        return or_(*clauses) if clauses else false()
