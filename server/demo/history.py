"""The demo data's past (演示历史): a year of hazards at the demo sites of every street, driven round the loop.

Every screen and figure has something to show on first start: reports acknowledged within and beyond the
30-minute target, notices, rectifications on time and late, re-inspections passed and failed, rejections,
duplicates, loops left overdue, and major hazards with their plans, dual reports, listings and extensions.

This is the one place where hazards, their events and their clocks are written other than through
hazards.services: a year of the loop through `transition()` would take minutes, and would stamp every step
with today's time. So each hazard's story is planned as the machine's actions with their past times
(`_Story`), applied here as hazards.effects would apply them, and stored in bulk:

- the hazard rows as they stand now (state, times, deadline, major-hazard fields; `updated_at` the last change);
- one event per action, as `transition()` records it (the deadline in force, the fields it recorded), plus the
  server's own events (a major hazard forwarded, an escalation, a supervision), appended to the chain at their
  own past times (evidence.services.record_past), in time order, so the chain verifies and the summary's replay
  of events agrees with the rows;
- the clocks each action set: those already due are fired or moot as a tick would have left them (and a clock
  that fired with an event has that event on the chain); only those still in the future are left to fire.

What it leaves out: photos (there are no image files; the proof of a rectification is its description), the
inbox (a past year's notices would all be unread), and documents other than the listing notices (挂牌督办通知书,
rendered by the job queue after the load: a few, not a PDF for every notice of the year).

Idempotent as a whole: the hazards' ids come from a fixed seed, and the history is written only when the first of
them is not stored. Its times are relative to the first load, which anchors it.
"""

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from server.areas.models import Area, path_ids
from server.core.db import db, insert_rows
from server.core.i18n import SHANGHAI
from server.core.time import utcnow
from server.demo import inspected
from server.enterprises.models import Enterprise
from server.evidence import services as evidence
from server.hazards import documents, machine
from server.hazards.clocks import EFFECTS, deadline_clocks
from server.hazards.effects import jsonable
from server.hazards.models import Hazard, HazardClock, HazardDocument
from server.jobs import later
from server.people.models import RoleAssignment, User
from server.sites.models import Site

HAZARDS = 2400  # about 7 a day in the district, 170 a year in each street: those the year's inspections found included
DAYS = 363  # received within the last DAYS days, so that a year's summary (365 days to today) holds them all
MARK = "（演示）"

# site type → the categories its hazards fall in
CATEGORIES = {
    "gas_station": ("fire", "hazardous_chemicals", "electrical", "special_equipment"),
    "mall": ("fire", "electrical", "crowd", "special_equipment"),
    "market": ("fire", "electrical", "gas", "crowd"),
    "construction_site": ("structural", "electrical", "special_equipment", "traffic"),
    "school": ("fire", "electrical", "crowd", "traffic"),
    "hazardous_chemicals": ("hazardous_chemicals", "gas", "fire"),
    "culvert_underpass": ("flooding", "traffic", "structural"),
    "old_building": ("structural", "electrical", "fire"),
    "residential_compound": ("fire", "electrical", "gas", "flooding"),
    "fire_lane": ("fire", "traffic"),
}
WHAT = {
    "fire": ("安全出口堆放杂物，疏散通道不畅", "灭火器压力不足，未按期检查", "消防栓被遮挡，无法正常使用"),
    "electrical": ("电线私拉乱接，线路老化裸露", "配电箱未上锁，周边堆放易燃物", "电动车在楼道内充电"),
    "gas": ("燃气软管老化开裂", "液化气钢瓶与灶具间距不足", "燃气报警器失效"),
    "structural": ("外墙面砖空鼓脱落", "楼板出现贯穿裂缝", "临时支撑架体变形"),
    "hazardous_chemicals": ("储罐区防火堤破损", "危化品存放未分类隔离", "静电接地装置失效"),
    "flooding": ("排水沟堵塞，积水严重", "下穿通道警示标志缺失", "防汛沙袋储备不足"),
    "crowd": ("高峰时段人员拥挤，无人疏导", "应急照明灯损坏", "安全出口指示标志缺失"),
    "traffic": ("车辆占用消防通道", "施工区域未设置围挡警示", "道路井盖缺失"),
    "special_equipment": ("电梯超期未检验", "压力容器安全阀未校验", "起重机械限位装置失灵"),
}
REJECTIONS = ("经核实不属于安全隐患", "现场核查未发现所报问题", "属物业日常维修事项，已转物业处理")
REQUIREMENTS = (
    "立即清理整改，保持通道畅通",
    "更换老化设施并做好记录",
    "落实专人管理，定期检查",
    "限期完成整改并报送照片",
)
RESULTS_PASSED = ("复查合格", "现场复查，整改到位", "整改符合要求，同意销号")
RESULTS_FAILED = ("复查不合格，整改不彻底", "现场仍有问题，需继续整改")
DONE = ("已按要求整改完毕", "已清理并落实专人管理", "已更换设施，隐患消除")
# the share of a site's hazards by its risk level
RISK_WEIGHT = {"low": 0.6, "general": 1.0, "high": 2.0, "major": 3.0}
MAJOR_SITES = ("gas_station", "hazardous_chemicals", "construction_site")
RECENT_MAJORS = 6


@dataclass
class _Place:
    """A demo site and who answers for it: the street, its station, the grid's worker, the enterprise."""

    site_id: uuid.UUID
    type: str
    grid_id: int
    street_id: int
    street_name: str
    latitude: float
    longitude: float
    risk_level: str
    enterprise_id: uuid.UUID | None
    enterprise_name: str | None
    sector: str | None


@dataclass
class _People:
    grid_workers: dict  # grid id → user ids
    stations: dict  # street id → user ids
    enterprise_users: dict  # enterprise id → user ids
    supervisors: list


@dataclass
class _Step:
    at: datetime
    action: str
    actor: uuid.UUID | None
    body: dict = field(default_factory=dict)


def add(now: datetime | None = None) -> int:
    """Write the year's history unless it is stored: how many hazards were added. The year's inspections
    (server.demo.inspected) are planned first, their hazards among the year's HAZARDS; an instance whose history
    was loaded before they were gets them on top of it."""
    ids = random.Random("safegrid-demo/history-ids")
    first_id = _uuid(ids)
    history_stored, inspections_stored = db.session.get(Hazard, first_id) is not None, inspected.stored()
    if history_stored and inspections_stored:
        return 0
    places, people = _places(), _people()
    if not places:
        return 0
    now = (now or utcnow()).replace(microsecond=0)
    config = current_app.config
    planner = _Planner(random.Random("safegrid-demo/history"), ids, first_id, now, people, config)
    year = None if inspections_stored else inspected.Year(planner, places, now)
    found = year.plan() if year else 0
    if not history_stored:
        for place in _pick_places(planner.rng, places, HAZARDS - found):
            planner.plan(place)
    planner.store()
    if year:
        year.store()
    return len(planner.hazards)


def _uuid(rng) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _places() -> list[_Place]:
    rows = db.session.execute(
        select(
            Site.id,
            Site.type,
            Site.grid_id,
            Site.latitude,
            Site.longitude,
            Site.risk_level,
            Area.path,
            Enterprise.id,
            Enterprise.name,
            Enterprise.sector,
        )
        .join(Area, Area.id == Site.grid_id)
        .outerjoin(Enterprise, Enterprise.id == Site.enterprise_id)
        .where(Site.is_demo)
        .order_by(Area.code, Site.name)  # not by id: ids differ between databases, the plan must not
    ).all()
    street_names = dict(db.session.execute(select(Area.id, Area.name).where(Area.level == "street")).all())
    places = []
    for site_id, type_, grid_id, lat, lon, risk, path, enterprise_id, enterprise_name, sector in rows:
        street_id = path_ids(path)[1]
        places.append(
            _Place(
                site_id,
                type_,
                grid_id,
                street_id,
                street_names[street_id],
                lat,
                lon,
                risk,
                enterprise_id,
                enterprise_name,
                sector,
            )
        )
    return places


def _people() -> _People:
    rows = db.session.execute(
        select(RoleAssignment.role, RoleAssignment.area_id, RoleAssignment.enterprise_id, User.id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(User.is_demo)
        .order_by(User.username)
    )
    people = _People(defaultdict(list), defaultdict(list), defaultdict(list), [])
    for role, area_id, enterprise_id, user_id in rows:
        if role == "grid_worker":
            people.grid_workers[area_id].append(user_id)
        elif role == "station_officer":
            people.stations[area_id].append(user_id)
        elif role == "enterprise_user":
            people.enterprise_users[enterprise_id].append(user_id)
        elif role == "supervisor":
            people.supervisors.append(user_id)
    return people


def _pick_places(rng, places, count) -> list[_Place]:
    """The site of each hazard: riskier sites more often, and enterprises' more than public places."""
    weights = [RISK_WEIGHT.get(p.risk_level, 1.0) * (2.0 if p.enterprise_id else 1.0) for p in places]
    return rng.choices(places, weights=weights, k=count)


class _Planner:
    """Plans each hazard's story, then lays out rows, events and clocks for them all."""

    def __init__(self, rng, ids, first_id, now, people, config):
        self.rng, self.ids, self.now, self.people = rng, ids, now, people
        self.next_id = first_id
        self.ack_target = timedelta(minutes=config["HAZARD_ACK_MINUTES"])
        self.deadline_days = config["HAZARD_DEADLINE_DAYS"]
        self.reinspection = timedelta(days=config["HAZARD_REINSPECTION_DAYS"])
        self.hazards: list[dict] = []
        self.events: list[tuple] = []  # (at, order, change)
        self.clocks: list[dict] = []
        self.listings: list[tuple] = []  # (at, hazard row, reason, supervisor) of each listing
        self.earlier = defaultdict(list)  # street → (received_at, id, site, category) of the hazards in the loop
        self.recent_majors = 0

    def _id(self) -> uuid.UUID:
        hazard_id, self.next_id = self.next_id, _uuid(self.ids)
        return hazard_id

    # ---- the story ---------------------------------------------------------------------------------------

    def plan(self, place: _Place):
        rng = self.rng
        own = self.people.enterprise_users.get(place.enterprise_id) or []
        # a few majors of the last weeks, still being rectified: the district's open major hazards
        recent_major = self.recent_majors < RECENT_MAJORS and own and place.type in MAJOR_SITES
        self.recent_majors += bool(recent_major)
        received = self._received_at(days=40 if recent_major else DAYS)
        category = rng.choice(CATEGORIES.get(place.type, ("fire", "electrical", "other")))
        major_share = 0.06 if place.type in MAJOR_SITES or place.risk_level in ("high", "major") else 0.006
        level = "major" if rng.random() < major_share or recent_major else "general"
        station = self.people.stations[place.street_id]
        source_roll = rng.random()
        if own and source_roll < 0.15:
            source, reporter = "self_report", rng.choice(own)
        elif source_roll < 0.25:
            source, reporter = "inspection", rng.choice(station)
        else:
            source, reporter = "patrol", rng.choice(self.people.grid_workers[place.grid_id])
        seen = received - timedelta(seconds=rng.uniform(30, 300) if rng.random() < 0.9 else rng.uniform(600, 10800))
        offset = round(rng.uniform(-3, 3), 3) if rng.random() < 0.8 else None
        description = rng.choice(WHAT.get(category, ("现场发现安全隐患",))) + MARK
        self.plan_found(place, self._id(), received, seen, offset, category, level, source, reporter, description)

    def plan_found(self, place, hazard_id, received, seen, offset, category, level, source, reporter, description):
        """One hazard's story from what was found, by whom and when (a random report, or an inspection's failed
        item: server.demo.inspected): its row as the loop leaves it now, its events and clocks."""
        rng = self.rng
        own = self.people.enterprise_users.get(place.enterprise_id) or []
        station = self.people.stations[place.street_id]
        row = {
            "id": hazard_id,
            "site_id": place.site_id,
            "grid_id": place.grid_id,
            "street_id": place.street_id,
            "latitude": round(place.latitude + rng.uniform(-0.0002, 0.0002), 6),
            "longitude": round(place.longitude + rng.uniform(-0.0002, 0.0002), 6),
            "accuracy_m": round(rng.uniform(5, 40), 1),
            "category": category,
            "level": level,
            "description": description,
            "source": source,
            "photo_ids": [],
            "reporter_id": reporter,
            "observed_at": seen - timedelta(seconds=offset or 0),  # as the phone's clock had it
            "received_at": received,
            "clock_offset_s": offset,
            "enterprise_id": place.enterprise_id,
            "sector": place.sector,
            "transferred_at": None,
            "state": "reported",
            "ack_due_at": received + self.ack_target,
            "acknowledged_at": None,
            "merged_into_id": None,
            "responsible_party": "",
            "deadline": None,
            "closed_at": None,
            "plan": None,
            "regulator_reported_at": None,
            "workers_congress_reported_at": None,
            "listed_at": None,
            "listing_number": None,
            "delisted_at": None,
            "extension_until": None,
            "extension_decision": None,
            "version": 1,
            "created_at": received,
            "updated_at": received,
        }
        story = _Story(self, place, row, station, own)
        steps = sorted(story.steps(source), key=lambda step: step.at)  # a major's side steps interleave
        self._apply(place, row, [step for step in steps if step.at < self.now])
        if row["state"] not in ("rejected", "merged"):
            self.earlier[place.street_id].append((received, hazard_id, place.site_id, category))
        self.hazards.append(row)

    def _received_at(self, days) -> datetime:
        """A working hour in Shanghai on one of the past `days` days, before now."""
        rng = self.rng
        today = self.now.astimezone(SHANGHAI).date()
        for _ in range(10):
            day = today - timedelta(days=rng.randrange(days))
            at = datetime.combine(day, time(8), SHANGHAI) + timedelta(seconds=rng.uniform(0, 10 * 3600))
            at = at.astimezone(UTC).replace(microsecond=0)
            if at < self.now - timedelta(minutes=10):
                return at
        return self.now - timedelta(hours=1)

    # ---- applying it, as transition() would ---------------------------------------------------------------

    def _apply(self, place, row, steps: list[_Step]):
        order = len(self.events)
        hazard_id = row["id"]
        self._event(
            row["received_at"],
            order,
            hazard_id,
            "report",
            row["reporter_id"],
            None,
            "reported",
            "",
            {"category": row["category"], "level": row["level"], "site_id": str(place.site_id)},
            f"report:{hazard_id}",
        )
        self._ack_clocks(row, steps)
        for n, step in enumerate(steps, 1):
            from_state = row["state"]
            body = step.body
            to_state = self._effect(row, step)
            row["state"] = to_state or from_state
            row["updated_at"] = step.at
            row["version"] += 1
            data = {k: jsonable(v) for k, v in body.items() if k not in ("reason", "result")}
            data["deadline_in_force"] = jsonable(row["deadline"]) if row["deadline"] else None
            self._event(
                step.at,
                order + n,
                hazard_id,
                step.action,
                step.actor,
                from_state,
                row["state"],
                body.get("reason") or body.get("result") or "",
                data,
                str(_uuid(self.ids)),
            )
            if step.action == "acknowledge" and row["level"] == "major":
                self._event(
                    step.at,
                    order + n + 0.5,
                    hazard_id,
                    "forward",
                    step.actor,
                    row["state"],
                    row["state"],
                    "重大隐患报区应急管理局",
                    {},
                    f"forward:{hazard_id}",
                )
            if step.action in ("issue_notice", "return", "decide_extension"):
                self._deadline_clocks(row, steps)
            if step.action in ("submit_rectification", "self_rectify"):
                self._clock(row, "reinspection_overdue", step.at + self.reinspection, "submitted", steps)
            if step.action == "list":
                self.listings.append((step.at, row, body["reason"], step.actor))

    def _effect(self, row, step) -> str | None:
        """What the action does to the row, as hazards.effects does it but at the step's past time; the state it
        leads to is the machine's."""
        body, at = step.body, step.at
        match step.action:
            case "acknowledge":
                row["acknowledged_at"] = at
            case "merge":
                row["merged_into_id"] = uuid.UUID(body["duplicate_of"])
            case "transfer":
                row["sector"], row["transferred_at"] = body["sector"], at
            case "issue_notice":
                row["deadline"], row["responsible_party"] = body["deadline"], body["responsible_party"]
            case "close":
                row["closed_at"] = at
            case "return":
                row["deadline"] = body["deadline"]
            case "submit_plan":
                row["plan"] = body["plan"]
            case "record_dual_report":
                row["regulator_reported_at"] = body["regulator_reported_at"]
                row["workers_congress_reported_at"] = body["workers_congress_reported_at"]
            case "list":
                row["listed_at"] = at
            case "request_extension":
                row["extension_until"] = body["deadline"]
            case "decide_extension":
                row["extension_decision"] = "approved" if body["approved"] else "refused"
                if body["approved"]:
                    row["deadline"] = row["extension_until"]
            case "delist":
                row["delisted_at"] = at
        return machine.MACHINE[step.action].to

    def _event(self, at, order, record_id, action, actor, from_state, to_state, reason, data, client_id):
        change = dict(
            record_type="hazard",
            record_id=record_id,
            action=action,
            actor_id=actor,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data,
            client_id=client_id,
            at=at,
        )
        self.events.append((at, order, change))

    # ---- clocks: fired, moot or still to come ---------------------------------------------------------------

    def _ack_clocks(self, row, steps):
        received, due = row["received_at"], row["ack_due_at"]
        self._clock(row, "ack_warning", received + (due - received) * 2 / 3, "reported", steps)
        self._clock(row, "ack_escalation", due, "reported", steps)

    def _deadline_clocks(self, row, steps):
        """The deadline's clocks (clocks.start_deadline), unless set already: a refused extension keeps them."""
        deadline = row["deadline"]
        for kind, due_at in deadline_clocks(deadline).items():
            if not any(
                c["hazard_id"] == row["id"] and c["kind"] == kind and c["due_at"] == due_at for c in self.clocks[-8:]
            ):
                self._clock(row, kind, due_at, "rectifying", steps, deadline=deadline)

    def _clock(self, row, kind, due_at, state, steps, deadline=None):
        """A clock set in `state`: if due by now, fired when the hazard was still there (and, for a deadline's
        clocks, that deadline still in force) at `due_at`, else moot; with the event its firing records."""
        clock_id = _uuid(self.ids)
        clock = {"id": clock_id, "hazard_id": row["id"], "kind": kind, "due_at": due_at, "state": state}
        if due_at < self.now:
            then_state, then_deadline = _as_of(row, steps, due_at)
            applies = then_state == state and (deadline is None or then_deadline == deadline)
            clock |= {"fired_at": due_at, "outcome": "fired" if applies else "moot"}
            if applies and EFFECTS[kind][1]:
                action, reason = EFFECTS[kind][1]
                self._event(
                    due_at, len(self.events), row["id"], action, None, state, state, reason, {}, f"clock:{clock_id}"
                )
        self.clocks.append(clock)

    # ---- storing ---------------------------------------------------------------------------------------------

    def store(self):
        # the listing notices' numbers first, in the order they were issued: the hazards carry them
        listings = sorted(self.listings, key=lambda listing: listing[0])
        for at, row, _reason, _actor in listings:
            row["listing_number"] = documents.next_number("listing_notice", at)
        self.hazards.sort(key=lambda h: h["received_at"])  # a duplicate after what it duplicates (foreign key)
        insert_rows(Hazard, self.hazards)
        insert_rows(HazardClock, self.clocks)
        self.events.sort(key=lambda e: (e[0], e[1]))
        evidence.record_past([change for _at, _order, change in self.events])
        for at, row, reason, actor in listings:
            self._listing_notice(at, row, reason, actor)

    def _listing_notice(self, at, row, reason, actor):
        """挂牌督办通知书, as effects.listing_notice issues it: the plan and the deadline as they stood at listing
        (the plan comes before the notice; an extension may have moved the deadline since). Rendered by a job."""
        data = {
            "reason": reason,
            "issuer_id": str(actor),
            "plan": row["plan"],
            "deadline": jsonable(row["listing_deadline"]),
            "responsible_party": row["responsible_party"],
        }
        document = HazardDocument(
            hazard_id=row["id"], kind="listing_notice", number=row["listing_number"], data=data, created_at=at
        )
        db.session.add(document)
        db.session.flush()
        later(documents.render, str(document.id))


def _as_of(row, steps, at) -> tuple[str, datetime | None]:
    """The hazard's state (where the machine's actions led it) and deadline in force just after `at`, from its
    steps (those up to `at`)."""
    state, deadline, asked = "reported", None, None
    for step in steps:
        if step.at > at:
            break
        body = step.body
        state = machine.MACHINE[step.action].to or state
        match step.action:
            case "issue_notice" | "return":
                deadline = body["deadline"]
            case "request_extension":
                asked = body["deadline"]
            case "decide_extension" if body["approved"]:
                deadline = asked
    return state, deadline


class _Story:
    """One hazard's steps through the loop, with their times, in the order they happen: planned whole, then cut
    at now by the planner (so a recent hazard stops part-way, where the loop has got to with it)."""

    def __init__(self, planner: _Planner, place: _Place, row: dict, station: list, own: list):
        self.p, self.place, self.row, self.own = planner, place, row, own
        self.rng = planner.rng
        self.officer = self.rng.choice(station)
        self.fixer = self.rng.choice(own) if own else self.officer  # who rectifies: the enterprise, or the station
        self.taken: list[_Step] = []

    def step(self, at, action, actor, **body) -> datetime:
        at = at.replace(microsecond=0)
        self.taken.append(_Step(at, action, actor, body))
        return at

    def hours(self, low, high) -> timedelta:
        return timedelta(hours=self.rng.uniform(low, high))

    def steps(self, source) -> list[_Step]:
        rng, row, received = self.rng, self.row, self.row["received_at"]
        roll = rng.random()
        if source == "self_report" and row["level"] == "general" and roll < 0.6:  # 自查自改
            t = self.step(
                received + timedelta(minutes=rng.uniform(5, 25)),
                "self_rectify",
                self.fixer,
                description=rng.choice(DONE),
            )
            self.step(t + self.hours(2, 60), "close", self.officer, result=rng.choice(RESULTS_PASSED))
            return self.taken
        # acknowledged within the 30 minutes, mostly; some hours late
        t = received + (timedelta(minutes=rng.uniform(2, 29)) if rng.random() < 0.78 else self.hours(0.55, 5))
        if roll < 0.05:
            self.step(t, "reject", self.officer, reason=rng.choice(REJECTIONS))
            return self.taken
        duplicate = self.duplicate_of(received) if roll < 0.09 else None
        if duplicate:
            self.step(t, "merge", self.officer, reason="与已上报隐患重复", duplicate_of=str(duplicate))
            return self.taken
        if roll < 0.2 and self.p.now - received < timedelta(days=6):
            return self.taken  # nobody has acknowledged it yet: overdue for acknowledgement
        t = self.step(t, "acknowledge", self.officer)
        major = row["level"] == "major"
        if major:
            t = self.submit_plan(t + self.hours(3, 40))
        t = self.step(t + self.hours(0.5, 30), "issue_notice", self.officer, **self.notice(t))
        deadline = self.taken[-1].body["deadline"]
        last = t
        if major:
            deadline, last = self.major_steps(t, deadline)
        return self.rectify(t, last, deadline)

    def duplicate_of(self, received):
        """An earlier report of the same thing: at the same site within 14 days, or of the same category in the
        street within 3 (merging needs the same street)."""
        for received_then, hazard_id, site_id, category in reversed(self.p.earlier[self.place.street_id]):
            gap = received - received_then
            same_site = site_id == self.place.site_id and timedelta(0) < gap < timedelta(days=14)
            if same_site or (category == self.row["category"] and timedelta(0) < gap < timedelta(days=3)):
                return hazard_id
        return None

    def notice(self, t) -> dict:
        days = self.p.deadline_days[self.row["level"]]
        if self.row["level"] == "general" and self.rng.random() < 0.2:
            days = self.rng.choice((3, 14))
        return {
            "responsible_party": self.place.enterprise_name or f"{self.place.street_name}办事处",
            "deadline": (t + timedelta(days=days)).replace(microsecond=0),
            "requirements": self.rng.choice(REQUIREMENTS),
        }

    def submit_plan(self, t) -> datetime:
        """整改方案 (五落实), before the notice: its deadline is the notice's own."""
        plan = {
            "measures": "停用相关设施，制定整改方案并组织专业单位实施",
            "responsible_person": "企业主要负责人",
            "funds": f"{self.rng.randrange(2, 60)}万元",
            "deadline": jsonable((t + timedelta(days=self.p.deadline_days["major"])).replace(microsecond=0)),
            "contingency_plan": "设置警戒区域，安排专人值守，配备应急器材",
        }
        return self.step(t, "submit_plan", self.fixer, plan=plan)

    def major_steps(self, notice_at, deadline) -> tuple[datetime, datetime]:
        """双报告, 挂牌督办 and an extension asked and decided, while it is rectified: (the deadline in force
        afterwards, when the last of them happened)."""
        rng, supervisors, last = self.rng, self.p.people.supervisors, notice_at
        if self.own:
            t = last = notice_at + self.hours(12, 96)
            self.step(
                t,
                "record_dual_report",
                self.fixer,
                regulator_reported_at=(t - self.hours(4, 20)).replace(microsecond=0),
                workers_congress_reported_at=(t - self.hours(1, 4)).replace(microsecond=0),
            )
        if supervisors and rng.random() < 0.6:
            self.row["listing_deadline"] = deadline  # for the listing notice (not a column)
            t = self.step(
                notice_at + self.hours(24, 72), "list", rng.choice(supervisors), reason="重大事故隐患，挂牌督办"
            )
            last = max(last, t)
        if self.own and rng.random() < 0.4:
            asked_at = max(last, deadline - timedelta(days=rng.uniform(3, 8))) + self.hours(1, 4)
            asked = deadline + timedelta(days=15)
            self.step(asked_at, "request_extension", self.own[0], deadline=asked, reason="整改工程量大，申请延期")
            approved = rng.random() < 0.8
            last = self.step(
                asked_at + self.hours(4, 40),
                "decide_extension",
                rng.choice(supervisors or [self.officer]),
                approved=approved,
                reason="同意延期" if approved else "不同意延期，按原期限整改",
            )
            if approved:
                deadline = asked
        return deadline, last

    def rectify(self, notice_at, last, deadline) -> list[_Step]:
        """Rectified on time or late, re-inspected (sometimes failed once), closed; or never: overdue."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.03:
            return self.taken  # never rectified: overdue once its deadline passes
        if roll > 0.86:
            t = deadline + self.hours(12, 240)
        else:
            t = max(notice_at + (deadline - notice_at) * rng.uniform(0.2, 0.9), last + self.hours(1, 24))
        t = self.step(t, "submit_rectification", self.fixer, description=rng.choice(DONE))
        t += self.hours(2, 70)
        if rng.random() < 0.12:
            new_deadline = (t + timedelta(days=7)).replace(microsecond=0)
            t = self.step(t, "return", self.officer, result=rng.choice(RESULTS_FAILED), deadline=new_deadline)
            t = self.step(
                t + timedelta(days=rng.uniform(1, 6)), "submit_rectification", self.fixer, description=rng.choice(DONE)
            )
            t += self.hours(2, 70)
        t = self.step(t, "close", self.officer, result=rng.choice(RESULTS_PASSED))
        if self.row.get("listing_deadline") is not None:
            self.step(
                t + self.hours(24, 120), "delist", rng.choice(self.p.people.supervisors), reason="整改完成，摘牌销号"
            )
        return self.taken
