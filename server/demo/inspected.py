"""The demo data's year of inspections (演示检查历史): every gas station, mall and market assessed monthly on its
seeded checklist, every site of the patrol checklist patrolled monthly by its grid worker (a few months missed, more
in some streets than others), their failed items' hazards.

So the rankings, the units' histories and the 约谈 flags have a year to show on first start: most units score 80-98,
a few stay low all year (in the bottom group month after month, so flagged for 约谈), and each ended month is
confirmed as the maintenance round would have confirmed it (rankings.confirm: the summonses, their events, the
owning department's inbox; those of earlier months read, as the officers would have read them).

Written in bulk with the hazards' history (server.demo.history), as it writes its own: each inspection's answers are
drawn per item, then scored by scoring.score on the version it names (the stored score is the server's own
computation); its check-in, inspectors, first revision and submission event are stored as a submission stores them.
A failing item that proposes a hazard is reported by the inspector (a share of them: the rest were put right on
the spot, `raise_hazard: false`), with the id and link a submission gives it; the history planner drives that
hazard round the loop from the inspection's time, so its state fits its age. What it leaves out, as the history
does: photos (a failing answer carries a note instead) and the 检查记录 PDFs (no record is issued for them).

Idempotent: the inspections' ids come from a fixed seed, and the year is written only when the first is not stored.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from server.checkins.models import CheckIn
from server.core.db import db, insert_rows
from server.core.i18n import SHANGHAI
from server.demo.assessments import ASSESSMENTS
from server.demo.checklists import COMMUNITY_PATROL
from server.hazards.models import HazardCategory
from server.inspections import rankings, scoring
from server.inspections.models import (
    Inspection,
    InspectionHazard,
    InspectionInspector,
    InspectionRevision,
    InspectionTemplate,
)
from server.inspections.services import HAZARD_IDS
from server.notifications.models import Notification
from server.people.models import RoleAssignment, User
from server.tags.models import SiteTag

MONTHS = 12  # this month and the eleven before it
MARK = "（演示）"
# 演示: each street misses this share of its monthly patrols (drawn per street), so its scorecard's coverage shows it
PATROL_MISSES = (0.0, 0.15)
# 演示: this month the grid workers have patrolled their compounds (and other sites) so far, not yet their fire
# lanes and old buildings: the month's coverage shows partly done on first start (本月已巡查 1/2 on demo-grid's phone)
LATER_IN_MONTH = ("fire_lane", "old_building")
# The share of failing items proposing a hazard that the inspector reports; the others were put right on the spot.
REPORTED = {"assessment": 0.18, "patrol": 0.5}
LOW_UNITS = 0.03  # the share of each checklist's units that stay low all year: one or two, within the bottom group
NO_CHECKIN = 0.03  # inspections made without scanning the site's tag (flagged no_checkin)
NOTES = ("现场检查不符合要求", "抽查发现存在问题", "资料不全，需补充完善", "已要求责任人限期整改")
FIXED = "已当场整改" + MARK


@dataclass
class _Unit:
    place: object  # history._Place
    quality: float  # the share of the points it usually earns
    low: bool
    not_applicable: frozenset  # the items that do not apply to it (no LPG, no high-rise …)


def stored() -> bool:
    return db.session.get(Inspection, _uuid(random.Random("safegrid-demo/inspection-ids"))) is not None


def _uuid(rng) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class Year:
    """Plans the year's inspections into the history planner (their hazards' stories and their events join its
    own), then stores them once the planner has stored the hazards."""

    def __init__(self, planner, places, now: datetime):
        self.p, self.now = planner, now
        self.rng = random.Random("safegrid-demo/inspections")
        self.ids = random.Random("safegrid-demo/inspection-ids")
        self.places = places
        self.inspections, self.inspectors, self.revisions, self.links, self.checkins = [], [], [], [], []
        self.templates = _templates()
        self.items: dict = {}
        self.tags = {
            site_id: (serial, code)
            for site_id, serial, code in db.session.execute(
                select(SiteTag.site_id, SiteTag.serial, SiteTag.code)
                .where(SiteTag.revoked_at.is_(None))
                .order_by(SiteTag.serial)
            )
        }
        self.officers = _department_officers()
        self.active = set(db.session.scalars(select(HazardCategory.code).where(HazardCategory.active.is_(True))))
        local = now.astimezone(SHANGHAI)
        month = date(local.year, local.month, 1)
        self.months = [month]
        for _ in range(MONTHS - 1):
            self.months.insert(0, rankings.previous(self.months[0]))

    def plan(self) -> int:
        """Every unit's year of inspections, with their hazards planned: how many hazards they found."""
        found = len(self.p.hazards)
        misses, miss_rate = random.Random("safegrid-demo/patrol-misses"), {}
        for template in self.templates:
            units = self._units(template, [p for p in self.places if p.type in template.site_types])
            for month in self.months:
                for unit in units:
                    if template.kind == "patrol":
                        rate = miss_rate.setdefault(unit.place.street_id, misses.uniform(*PATROL_MISSES))
                        if misses.random() < rate:
                            continue
                        if month == self.months[-1] and unit.place.type in LATER_IN_MONTH:
                            continue  # not yet: this month's tasks partly done, on every grid worker's phone
                    self._inspect(template, unit, month)
        return len(self.p.hazards) - found

    def _units(self, template, sites) -> list[_Unit]:
        rng = self.rng
        assessed = template.kind == "assessment"
        lows = min(2, max(1, round(LOW_UNITS * len(sites))))
        low = set(rng.sample(range(len(sites)), lows)) if assessed and sites else set()
        optional = [item["key"] for s in template.sections for item in s["items"] if item.get("na_allowed", True)]
        units = []
        for n, place in enumerate(sites):
            if n in low:
                quality = rng.uniform(0.70, 0.78)
            else:
                quality = rng.uniform(0.86, 0.97) if assessed else rng.uniform(0.93, 1.0)
            missing = frozenset(key for key in optional if rng.random() < 0.05)
            units.append(_Unit(place, quality, n in low, missing))
        return units

    # ---- one inspection ------------------------------------------------------------------------------------

    def _inspect(self, template, unit: _Unit, month: date):
        rng, place = self.rng, unit.place
        assessed = template.kind == "assessment"
        if assessed:
            team = self.officers.get(template.owner_sector) or self.p.people.stations[place.street_id]
        else:
            team = self.p.people.grid_workers.get(place.grid_id) or self.p.people.stations[place.street_id]
        lead = rng.choice(team)
        co = [u for u in team if u != lead][:1] if assessed else []
        finished = self._when(month)  # the server's clock
        offset = round(rng.uniform(-3, 3), 3)
        started = finished - timedelta(minutes=rng.uniform(40, 120) if assessed else rng.uniform(12, 35))
        received = min(finished + timedelta(minutes=rng.uniform(1, 40)), self.now - timedelta(minutes=1))
        inspection_id = _uuid(self.ids)
        answers = self._answers(template, unit)
        result = scoring.score(template.sections, {a["item"]: a for a in answers}, template.pass_mark)
        checkin_id = None if rng.random() < NO_CHECKIN else self._checkin(lead, place, started, offset, received)
        mode = "cross_assessment" if assessed else "routine_patrol"
        made = self._hazards(template, place, inspection_id, mode, lead, answers, result, finished, offset, received)
        row = {
            "id": inspection_id,
            "template_id": template.id,
            "site_id": place.site_id,
            "grid_id": place.grid_id,
            "enterprise_id": place.enterprise_id,
            "sector": place.sector,
            "mode": mode,
            "inspector_id": lead,
            "started_at": started - timedelta(seconds=offset),  # the phone's clock
            "finished_at": finished - timedelta(seconds=offset),
            "received_at": received,
            "clock_offset_s": offset,
            "checkin_id": checkin_id,
            "flags": [] if checkin_id else ["no_checkin"],
            "flagged": not checkin_id,
            "acknowledgement": None,
            "revision": 1,
            "points": result["points"],
            "max_points": result["max"],
            "percentage": result["percentage"],
            "passed": result["passed"],
        }
        self.inspections.append(row)
        self.inspectors += [{"inspection_id": inspection_id, "user_id": lead, "role": "lead"}]
        self.inspectors += [{"inspection_id": inspection_id, "user_id": u, "role": "co"} for u in co]
        self.revisions.append(
            {
                "id": inspection_id,
                "inspection_id": inspection_id,
                "number": 1,
                "answers": answers,
                "score": result,
                "reason": "",
                "author_id": lead,
                "created_at": received,
            }
        )
        data = {
            "template_id": str(template.id),
            "template_number": template.number,
            "site_id": str(place.site_id),
            "mode": mode,
            "revision": 1,
            "points": result["points"],
            "max_points": result["max"],
            "percentage": result["percentage"],
            "passed": result["passed"],
            "hazards": made,
            "flags": row["flags"],
        }
        change = {
            "record_type": "inspection",
            "record_id": inspection_id,
            "action": "submit",
            "actor_id": lead,
            "to_state": "submitted",
            "data": data,
            "client_id": f"inspection:{inspection_id}",
            "at": received,
        }
        self.p.events.append((received, len(self.p.events), change))  # after its hazards' reports, as submit does

    def _when(self, month: date) -> datetime:
        """A working hour in the first three weeks of the month, before now (this month: so far)."""
        rng = self.rng
        start, _end = rankings.month_bounds(month)
        day = start + timedelta(days=rng.randrange(20), hours=rng.uniform(9, 17))
        if day < self.now - timedelta(hours=2):
            return day.replace(microsecond=0)
        return (start + (self.now - start) * rng.uniform(0.2, 0.8)).replace(microsecond=0)

    def _answers(self, template, unit: _Unit) -> list[dict]:
        """One answer an item, as the phone sends them: most pass; each fails at the unit's rate this month; a
        failing one carries a note (no photo files in the demo), and says whether it was put right on the spot."""
        rng = self.rng
        items, section_critical = self._items(template)
        reported = REPORTED["assessment" if template.kind == "assessment" else "patrol"]
        target = min(0.995, max(0.6, unit.quality + rng.gauss(0, 0.025)))
        critical = None
        if unit.low and section_critical and rng.random() < 0.12:  # now and then a low unit fails a 否决项
            critical = rng.choice(section_critical)
        answers = []
        for key, item in items:
            if key in unit.not_applicable:
                value = scoring.NA
            else:
                fails = key == critical or (not item.get("critical") and rng.random() > target)
                value = _value(rng, item, fails) if fails or item["answer_type"] != "pass_fail_na" else "pass"
            answer = {"item": key, "value": value, "note": "", "photo_ids": [], "raise_hazard": None}
            answer["hazard_level"] = None
            if value != "pass" and scoring.outcome(item, answer) == "fail":
                answer["note"] = rng.choice(NOTES) + MARK
                if item.get("hazard") and rng.random() > reported:
                    answer["raise_hazard"], answer["note"] = False, FIXED
            answers.append(answer)
        return answers

    def _items(self, template) -> tuple[list, list]:
        """The version's scored items [(key, item)] (the optional remarks and photos are left out) and its
        section-critical items' keys, read once."""
        if template.id not in self.items:
            items = [
                (item["key"], item)
                for section in template.sections
                for item in section["items"]
                if item["answer_type"] in scoring.SCORED
            ]
            self.items[template.id] = (items, [key for key, item in items if item.get("critical") == "section"])
        return self.items[template.id]

    def _checkin(self, user_id, place, started, offset, received) -> uuid.UUID | None:
        tag = self.tags.get(place.site_id)
        if tag is None:
            return None
        rng = self.rng
        checkin_id = _uuid(self.ids)
        self.checkins.append(
            {
                "id": checkin_id,
                "user_id": user_id,
                "code": tag[1],
                "tag_serial": tag[0],
                "site_id": place.site_id,
                "observed_at": started - timedelta(seconds=offset) - timedelta(minutes=rng.uniform(1, 5)),
                "received_at": received,
                "clock_offset_s": offset,
                "latitude": round(place.latitude + rng.uniform(-0.0002, 0.0002), 6),
                "longitude": round(place.longitude + rng.uniform(-0.0002, 0.0002), 6),
                "accuracy_m": round(rng.uniform(5, 30), 1),
                "distance_m": round(rng.uniform(2, 30), 1),
                "flags": [],
                "flagged": False,
            }
        )
        return checkin_id

    def _hazards(self, template, place, inspection_id, mode, lead, answers, result, finished, offset, received):
        """The failing items' hazards, as a submission reports them (services._cite_and_raise), planned round the
        loop from the inspection's time: [{item, hazard_id}]."""
        by_item = {a["item"]: a for a in answers}
        items = {item["key"]: item for section in template.sections for item in section["items"]}
        made = []
        for key in result["failed_items"]:
            item, answer = items[key], by_item[key]
            if answer["raise_hazard"] is False or not item.get("hazard"):
                continue
            proposal = item["hazard"]
            hazard_id = uuid.uuid5(HAZARD_IDS, f"{inspection_id}:{key}")
            self.p.plan_found(
                place,
                hazard_id,
                received,
                finished,
                offset,
                proposal["category"] if proposal["category"] in self.active else "other",
                proposal["level"],
                "patrol" if mode == "routine_patrol" else "inspection",
                lead,
                f"{item['text']}：{answer['note']}"[:2000],
            )
            self.links.append({"hazard_id": hazard_id, "inspection_id": inspection_id, "item": key})
            made.append({"item": key, "hazard_id": str(hazard_id)})
        return made

    # ---- storing -----------------------------------------------------------------------------------------

    def store(self) -> None:
        """The inspections (after the hazards they link to), then each ended month confirmed as the maintenance
        round confirms it: its 约谈 on record and in the owning department's inbox (read, but the last month's)."""
        insert_rows(CheckIn, self.checkins)
        insert_rows(Inspection, self.inspections)
        insert_rows(InspectionInspector, self.inspectors)
        insert_rows(InspectionRevision, self.revisions)
        insert_rows(InspectionHazard, self.links)
        earlier = []
        for template in self.templates:
            if template.kind != "assessment":
                continue
            for n, month in enumerate(self.months[:-1]):  # the current month has not ended
                summonses = rankings.confirm(template, month, None)
                if n < len(self.months) - 2:
                    earlier += [summons.id for summons in summonses]
        if earlier:
            db.session.execute(
                update(Notification)
                .where(Notification.record_type == "summons", Notification.record_id.in_(earlier))
                .values(read_at=self.now)
            )


def _templates() -> list[InspectionTemplate]:
    """The seeded patrol and assessments as published now (found by name), in a fixed order."""
    names = [COMMUNITY_PATROL["name"], *(c["name"] for c in ASSESSMENTS if c["kind"] == "assessment")]
    found = {
        t.name: t
        for t in db.session.scalars(
            select(InspectionTemplate)
            .where(InspectionTemplate.is_demo, InspectionTemplate.state == "published")
            .where(InspectionTemplate.name.in_(names))
            .order_by(InspectionTemplate.number)
        )
    }
    return [found[name] for name in names if name in found]


def _department_officers() -> dict[str, list]:
    officers: dict[str, list] = {}
    for sector, user_id in db.session.execute(
        select(RoleAssignment.sector, User.id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(User.is_demo, RoleAssignment.role == "department_officer")
        .order_by(User.username)
    ):
        officers.setdefault(sector, []).append(user_id)
    return officers


def _value(rng, item: dict, fails: bool):
    """A value of the item's type that passes, or fails."""
    kind = item["answer_type"]
    if kind == "pass_fail_na":
        return "fail" if fails else "pass"
    if kind == "choice":
        best = max(item["options"], key=lambda o: o["score"])
        others = [o for o in item["options"] if o is not best]
        return rng.choice(others)["key"] if fails and others else best["key"]
    low, high = item.get("min"), item.get("max")
    if not fails:
        if low is not None and high is not None:
            return round(rng.uniform(low, high), 3)
        return round(low * rng.uniform(1.05, 1.6), 3) if low is not None else round(high * rng.uniform(0.1, 0.8), 3)
    if low is not None and (high is None or rng.random() < 0.5):
        return round(low * rng.uniform(0.3, 0.9), 3)
    return round(high * rng.uniform(1.1, 2.0), 3)
