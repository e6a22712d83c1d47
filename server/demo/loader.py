"""Demo data (演示数据): communities, grids, people, enterprises and sites of a plausible Jianghan District,
a year of hazards at those sites (server.demo.history), the checklists (server.demo.checklists) and one published
双随机 draw (server.demo.draws).

Everything is first planned from fixed seeds, without looking at the database; then only what is
missing is added, found by natural keys (area code, username, USCC, site name + grid). So a second
run adds and changes nothing, and every run plans the same names, codes and places.
"""

import random
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from server.areas.models import Area
from server.areas.services import check_placement, load_areas_csv
from server.auth.services import hash_password
from server.core.db import db
from server.demo import checklists, draws, history, incidents, names, plans, warnings
from server.enterprises.models import SECTORS, Enterprise
from server.enterprises.uscc import check_character
from server.hazards.services import ensure_categories
from server.people.models import RoleAssignment, User
from server.sites.models import Site
from server.tags.models import SiteTag
from server.tags.services import signed_tag

DEMO_PASSWORD = "safegrid-demo"
MARK = "（演示）"
DISTRICT = "420103"
DEMO_STREET = "420103001"  # 民族街道
DEMO_GRID = "420103001D01G01"  # demo-grid's beat: the first grid of the street's first community
COMMUNITIES, GRIDS = 108, 700  # the plan's figures (L28)
DEPARTMENT_SECTORS = ("market", "commerce", "fuel_retail", "construction", "education", "hazardous_chemicals")

# site type → (how many, sector, site name, enterprise name, share above designated size 规模以上)
BUSINESSES = {
    "gas_station": (14, "fuel_retail", "{brand}{stem}加油站", "武汉{brand}{stem}加油站有限公司", 0.3),
    "mall": (24, "commerce", "{stem}{word}购物中心", "武汉{stem}{word}商业管理有限公司", 0.5),
    "market": (78, "market", "{stem}{word}农贸市场", "武汉市江汉区{stem}{word}农贸市场管理有限公司", 0.1),
    "construction_site": (6, "construction", "{stem}{word}安置房项目工地", "武汉{stem}{word}建设工程有限公司", 0.7),
    "school": (8, "education", "江汉区{stem}{word}小学", "武汉市江汉区{stem}{word}小学", 0.0),
    "hazardous_chemicals": (
        4,
        "hazardous_chemicals",
        "{stem}{word}液化气供应站",
        "武汉{stem}{word}燃气经营有限公司",
        1.0,
    ),
}
# public places, looked after by the street rather than an enterprise: type → (how many, name)
PUBLIC_PLACES = {
    "culvert_underpass": (10, "{road}{stem}段下穿通道"),
    "old_building": (10, "{road}{number}号老旧房屋"),
}
RISK_WEIGHTS = {"general": 55, "low": 33, "high": 10, "major": 2}
HIGHER_RISK_WEIGHTS = {"general": 50, "high": 40, "major": 10}  # fuel and gas: no site is low risk
HIGHER_RISK_TYPES = ("gas_station", "hazardous_chemicals")


@dataclass
class PlannedArea:
    code: str
    name: str
    level: str
    parent_code: str


@dataclass
class PlannedEnterprise:
    uscc: str
    name: str
    sector: str
    street_code: str
    address: str
    above_designated_size: bool
    contact: dict
    has_account: bool  # a self-inspection login for its safety lead


@dataclass
class PlannedSite:
    name: str
    type: str
    grid_code: str
    uscc: str | None
    address: str
    latitude: float
    longitude: float
    risk_level: str


@dataclass
class PlannedPerson:
    username: str
    name: str
    phone: str
    role: str
    area_code: str | None = None
    uscc: str | None = None
    sector: str | None = None
    certificate_no: str | None = None  # 执法证号, an enforcement officer's


def load() -> dict[str, int]:
    """Add whatever of the demo data is missing, and say how many of each kind were added."""
    added_areas = load_areas_csv()
    ensure_categories()
    areas = {a.code: a for a in db.session.scalars(select(Area))}
    planned_areas = plan_areas(_rng("areas"))
    added_areas += add_areas(planned_areas, areas)

    grids = [a.code for a in planned_areas if a.level == "grid"]
    planner = SitePlanner(_rng("sites"), grids)
    planner.plan(planned_areas)
    people = plan_people(_rng("people"), grids, planner.enterprises, planner.demo_market_uscc)

    enterprise_ids = dict(db.session.execute(select(Enterprise.uscc, Enterprise.id)).all())
    added_enterprises = add_enterprises(planner.enterprises, areas, enterprise_ids)
    counts = {
        "areas": added_areas,
        "users": add_people(people, areas, enterprise_ids),
        "enterprises": added_enterprises,
        "sites": add_sites(planner.sites, areas, enterprise_ids),
    }
    db.session.flush()
    counts["tags"] = add_tags()
    db.session.flush()
    counts["templates"] = checklists.add()  # the community patrol, the assessments, the self-check
    counts["hazards"] = history.add()  # a year of the loop and of inspections at those sites, once
    counts["plans"] = plans.add()  # every grid's monthly patrol and the assessments, this month's tasks
    counts["draws"] = draws.add()  # one published 双随机 draw of the markets
    counts["warnings"] = warnings.add()  # a past red rainstorm warning for two streets, read, relayed, cancelled
    counts["incidents"] = incidents.add()  # a past rainstorm: its incident reports and disaster statistics
    return counts


def _rng(stage: str) -> random.Random:
    # One seed per stage, so that growing one stage's plan does not reshuffle the others.
    return random.Random(f"safegrid-demo/{stage}")


# ---- planning: pure, from the seeds alone ------------------------------------------------------------


def plan_areas(rng) -> list[PlannedArea]:
    """108 communities, 7 or 8 a street, then 700 grids, 6 or 7 a community: parents before children."""
    streets = list(names.STREETS)
    with_eight = set(rng.sample(streets, COMMUNITIES - 7 * len(streets)))
    communities = []
    for street in streets:
        words = rng.sample(names.COMMUNITY_WORDS, 8 if street in with_eight else 7)
        communities += [
            PlannedArea(f"{street}D{i:02d}", f"{names.STREETS[street].stem}{word}社区{MARK}", "community", street)
            for i, word in enumerate(words, 1)
        ]
    with_seven = set(rng.sample(range(len(communities)), GRIDS - 6 * len(communities)))
    grids = []
    for n, community in enumerate(communities):
        base = community.name.removesuffix(MARK)
        grids += [
            PlannedArea(f"{community.code}G{j:02d}", f"{base}第{j}网格{MARK}", "grid", community.code)
            for j in range(1, (7 if n in with_seven else 6) + 1)
        ]
    return communities + grids


class SitePlanner:
    """Plans the enterprises and sites, spread over the streets, with names that do not repeat."""

    def __init__(self, rng, grid_codes):
        self.rng = rng
        self.grids_by_street = defaultdict(list)
        for code in grid_codes:
            self.grids_by_street[code[:9]].append(code)
        self.enterprises: list[PlannedEnterprise] = []
        self.sites: list[PlannedSite] = []
        self.demo_market_uscc = None
        self._unused_words = {}

    def plan(self, planned_areas):
        self.plan_businesses()
        self.plan_public_places()
        self.plan_compounds([a for a in planned_areas if a.level == "community"])
        self.pin_to_demo_grid()
        assert len({(s.name, s.grid_code) for s in self.sites}) == len(self.sites), "site names repeat in a grid"

    def plan_businesses(self):
        """Gas stations, malls, markets …: each site with its own enterprise at the same address."""
        for type_, (count, sector, site_name, enterprise_name, above_share) in BUSINESSES.items():
            for street in self.spread(count):
                fill = {
                    "stem": names.STREETS[street].stem,
                    "word": self.word(type_, street),
                    "brand": self.rng.choice(names.FUEL_BRANDS),
                }
                address = self.address(street)
                uscc = self.enterprise(enterprise_name.format(**fill), sector, street, address, above_share)
                self.site(site_name.format(**fill), type_, street, uscc=uscc, address=address)

    def plan_public_places(self):
        for type_, (count, site_name) in PUBLIC_PLACES.items():
            for street in self.spread(count):
                road, number = self.rng.choice(names.STREETS[street].roads), self.rng.randint(1, 399)
                name = site_name.format(road=road, number=number, stem=names.STREETS[street].stem)
                self.site(name, type_, street, address=f"江汉区{road}{number}号")

    def plan_compounds(self, communities):
        """A residential compound in every community, half of them managed by the street's property
        company, and a fire lane in every other community."""
        managers = {}
        for street in names.STREETS:
            fill = {"stem": names.STREETS[street].stem, "word": self.word("property", street)}
            managers[street] = self.enterprise(
                "武汉{stem}{word}物业服务有限公司".format(**fill),
                "property",
                street,
                self.address(street),
                0.2,
                has_account=False,
            )
        for n, community in enumerate(communities):
            street = community.parent_code
            grids = [g for g in self.grids_by_street[street] if g.startswith(community.code)]
            compound = community.name.removesuffix(f"社区{MARK}") + self.rng.choice(names.COMPOUND_SUFFIXES)
            manager = managers[street] if self.rng.random() < 0.5 else None
            address = self.address(street)
            self.site(
                compound, "residential_compound", street, grid=self.rng.choice(grids), uscc=manager, address=address
            )
            if n % 2 == 0:
                self.site(f"{compound}消防通道", "fire_lane", street, grid=self.rng.choice(grids), address=address)

    def pin_to_demo_grid(self):
        """Give demo-grid a full beat: move its street's first market, gas station, compound and fire
        lane into its grid (the compound and the fire lane are already in its community)."""
        for type_ in ("market", "gas_station", "residential_compound", "fire_lane"):
            site = next(s for s in self.sites if s.type == type_ and s.grid_code.startswith(DEMO_STREET))
            site.grid_code = DEMO_GRID
            if type_ == "market":
                self.demo_market_uscc = site.uscc

    def spread(self, count) -> list[str]:
        """Streets for `count` sites: round all streets in a shuffled order, so each gets its share."""
        streets = list(names.STREETS)
        self.rng.shuffle(streets)
        return [streets[i % len(streets)] for i in range(count)]

    def word(self, kind, street) -> str:
        """A place word not yet used for this kind of business in this street."""
        if (kind, street) not in self._unused_words:
            self._unused_words[kind, street] = self.rng.sample(names.PLACE_WORDS, len(names.PLACE_WORDS))
        return self._unused_words[kind, street].pop()

    def address(self, street) -> str:
        return f"江汉区{self.rng.choice(names.STREETS[street].roads)}{self.rng.randint(1, 399)}号"

    def enterprise(self, name, sector, street, address, above_share, *, has_account=True) -> str:
        """Plan an enterprise and return its USCC: "999" and a serial, so that it is easy to tell apart."""
        serial = len(self.enterprises) + 1
        body = f"91{DISTRICT}999{serial:06d}"
        uscc = body + check_character(body)
        contact = {"name": names.person_name(self.rng), "title": "安全负责人", "phone": f"1990001{serial:04d}"}
        self.enterprises.append(
            PlannedEnterprise(
                uscc, name + MARK, sector, street, address, self.rng.random() < above_share, contact, has_account
            )
        )
        return uscc

    def site(self, name, type_, street, *, grid=None, uscc=None, address=None):
        place = names.STREETS[street]
        weights = HIGHER_RISK_WEIGHTS if type_ in HIGHER_RISK_TYPES else RISK_WEIGHTS
        self.sites.append(
            PlannedSite(
                name=name + MARK,
                type=type_,
                grid_code=grid or self.rng.choice(self.grids_by_street[street]),
                uscc=uscc,
                address=address or self.address(street),
                latitude=_within(place.latitude + self.rng.uniform(-0.004, 0.004), names.LATITUDE_RANGE),
                longitude=_within(place.longitude + self.rng.uniform(-0.004, 0.004), names.LONGITUDE_RANGE),
                risk_level=self.rng.choices(list(weights), weights=list(weights.values()))[0],
            )
        )


def _within(value, bounds) -> float:
    return round(min(max(value, bounds[0]), bounds[1]), 6)


def plan_people(rng, grid_codes, enterprises, demo_market_uscc) -> list[PlannedPerson]:
    """The staff of the plan (L28) and one safety lead per enterprise with an account. The memorable
    demo-* logins take the first place of their kind, so the figures stay those of the plan."""
    people = []
    serial = iter(range(1, 10_000))

    def staff(username, role, area_code, sector=None):
        people.append(
            PlannedPerson(
                username, names.person_name(rng), f"1990000{next(serial):04d}", role, area_code=area_code, sector=sector
            )
        )

    for grid in grid_codes:
        staff("demo-grid" if grid == DEMO_GRID else f"gw-{grid.lower()}", "grid_worker", grid)
    for street in names.STREETS:
        for k in range(1, rng.randint(5, 7) + 1):
            staff("demo-station" if (street, k) == (DEMO_STREET, 1) else f"so-{street}-{k}", "station_officer", street)
    for sector in DEPARTMENT_SECTORS:
        for k in range(1, rng.randint(2, 3) + 1):
            username = "demo-department" if (sector, k) == ("market", 1) else f"dept-{sector}-{k}"
            staff(username, "department_officer", DISTRICT, sector)
    for role, count in (("supervisor", 3), ("enforcement_officer", 2), ("expert", 2), ("admin", 1)):
        short = role.removesuffix("_officer")
        for k in range(1, count + 1):
            staff(f"demo-{short}" if k == 1 else f"{short}-{k}", role, DISTRICT)
            if role == "enforcement_officer":  # two sign every enforcement order, each with their number
                people[-1].certificate_no = f"4201030{k:05d}"
    for enterprise in enterprises:
        if enterprise.has_account:
            username = "demo-enterprise" if enterprise.uscc == demo_market_uscc else f"ent-{enterprise.uscc.lower()}"
            people.append(
                PlannedPerson(
                    username,
                    enterprise.contact["name"],
                    enterprise.contact["phone"],
                    "enterprise_user",
                    uscc=enterprise.uscc,
                )
            )
    return people


# ---- adding what is missing --------------------------------------------------------------------------


def _give_certificates(planned) -> None:
    """Demo officers loaded before they had certificate numbers get them; a number already given stays."""
    numbers = {p.username: p.certificate_no for p in planned}
    for user in db.session.scalars(select(User).where(User.username.in_(numbers), User.certificate_no.is_(None))):
        user.certificate_no = numbers[user.username]


def add_areas(planned, areas) -> int:
    """Add the missing areas, level by level. Not create_area(): two flushes per area are too slow for
    800 areas, so each level is flushed once for its ids, and then the paths are set from them."""
    added = 0
    for level in ("community", "grid"):
        new = [p for p in planned if p.level == level and p.code not in areas]
        rows = []
        for p in new:
            check_placement(level, areas[p.parent_code])
            rows.append(
                Area(code=p.code, name=p.name, level=level, parent_id=areas[p.parent_code].id, path="", is_demo=True)
            )
        db.session.add_all(rows)
        db.session.flush()
        for p, area in zip(new, rows, strict=True):
            area.path = f"{areas[p.parent_code].path}{area.id}/"
            areas[p.code] = area
        added += len(rows)
    db.session.flush()
    return added


def add_enterprises(planned, areas, enterprise_ids) -> int:
    rows = [
        Enterprise(
            uscc=p.uscc,
            name=p.name,
            sector=p.sector,
            supervising_department=SECTORS[p.sector][2],
            above_designated_size=p.above_designated_size,
            address=p.address,
            area_id=areas[p.street_code].id,
            contacts=[p.contact],
            is_demo=True,
        )
        for p in planned
        if p.uscc not in enterprise_ids
    ]
    db.session.add_all(rows)
    db.session.flush()  # sites and users need the ids
    enterprise_ids.update({e.uscc: e.id for e in rows})
    return len(rows)


def add_sites(planned, areas, enterprise_ids) -> int:
    existing = {tuple(row) for row in db.session.execute(select(Site.name, Site.grid_id))}
    rows = [
        Site(
            name=p.name,
            type=p.type,
            grid_id=areas[p.grid_code].id,
            address=p.address,
            enterprise_id=enterprise_ids[p.uscc] if p.uscc else None,
            latitude=p.latitude,
            longitude=p.longitude,
            risk_level=p.risk_level,
            is_demo=True,
        )
        for p in planned
        if (p.name, areas[p.grid_code].id) not in existing
    ]
    db.session.add_all(rows)
    return len(rows)


def add_tags() -> int:
    """A live tag for each demo site that has none, so that the field app has something to scan."""
    tagged = select(SiteTag.site_id).where(SiteTag.revoked_at.is_(None))
    untagged = db.session.scalars(select(Site.id).where(Site.is_demo, Site.id.notin_(tagged)).order_by(Site.name))
    site_ids = untagged.all()
    for site_id in site_ids:  # not on the event record, like the rest of the demo data
        signed_tag(site_id, None)
    return len(site_ids)


def add_people(planned, areas, enterprise_ids) -> int:
    existing = set(db.session.scalars(select(User.username)))
    new = [p for p in planned if p.username not in existing]
    _give_certificates([p for p in planned if p.certificate_no and p.username in existing])
    if not new:
        return 0
    taken_phones = set(db.session.scalars(select(User.phone).where(User.phone.is_not(None))))
    # argon2 costs ~50 ms a hash: one hash of the one demo password serves every new user.
    password_hash = hash_password(DEMO_PASSWORD)
    db.session.add_all(
        User(
            username=p.username,
            name=p.name,
            password_hash=password_hash,
            is_demo=True,
            certificate_no=p.certificate_no,
            phone=None if p.phone in taken_phones else p.phone,  # someone real has it: leave it out
            roles=[
                RoleAssignment(
                    role=p.role,
                    sector=p.sector,
                    area_id=areas[p.area_code].id if p.area_code else None,
                    enterprise_id=enterprise_ids[p.uscc] if p.uscc else None,
                )
            ],
        )
        for p in new
    )
    return len(new)
