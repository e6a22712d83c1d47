"""The disaster statistics' reminders: a community that has not sent its first report (初报) by
DISASTER_FIRST_REPORT_HOURS after the disaster's start, or today's follow-up (续报, daily during the response even when
nothing changed) by DISASTER_FOLLOWUP_HOUR (Asia/Shanghai), is reminded through the inboxes of those who report for it:
its grids' workers and its street's station.

The clocks are rows of `disaster_clocks`, fired by the one clock engine (server.jobs.clocks) in every process's
maintenance round: once each. A reminder with nobody owing lapses (moot); each day's follow-up clock sets the next
day's while the response is on, whether it fired or lapsed; one whose next day has passed too (no round ran in
between) reminds of the latest day's instead, so a round after a long stop reminds of that day only.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta
from functools import partial

from flask import current_app
from sqlalchemy import select

from server.areas.models import Area, path_ids, subtree_ids
from server.core.db import db
from server.core.i18n import SHANGHAI
from server.core.time import utcnow
from server.disasters.models import Disaster, DisasterClock, DisasterReport
from server.evidence import services as evidence
from server.jobs import clocks as engine, periodic
from server.jobs.clocks import BATCH, ClockTable
from server.notifications import services as inbox
from server.people.models import RoleAssignment, User

KINDS = {"initial": "disaster_initial_due", "followup": "disaster_followup_due"}
REPORTERS = ("grid_worker", "station_officer")  # who reports for a community: its grids' workers, its street's station


def followup_due(after: datetime) -> datetime:
    """The first daily follow-up moment on a later day (Shanghai) than `after`: DISASTER_FOLLOWUP_HOUR o'clock."""
    day = after.astimezone(SHANGHAI).date() + timedelta(days=1)
    return datetime.combine(day, time(current_app.config["DISASTER_FOLLOWUP_HOUR"]), SHANGHAI)


def _latest_moment(now: datetime) -> datetime:
    """The last daily follow-up moment at or before `now`."""
    moment = followup_due(now) - timedelta(days=1)
    return moment if moment <= now else moment - timedelta(days=1)


def start(disaster: Disaster) -> None:
    """The first report's deadline and the first day's follow-up of a disaster just opened."""
    hours = current_app.config["DISASTER_FIRST_REPORT_HOURS"]
    db.session.add(
        DisasterClock(disaster_id=disaster.id, kind="initial", due_at=disaster.started_at + timedelta(hours=hours))
    )
    db.session.add(DisasterClock(disaster_id=disaster.id, kind="followup", due_at=followup_due(disaster.started_at)))
    db.session.flush()


def _owing(kind: str, moment: datetime, communities: list, reports: list) -> list:
    """The communities (id, name) that owe the report of this kind at this moment."""
    if kind == "initial":
        reported = {r.community_id for r in reports}
    else:
        day = moment.astimezone(SHANGHAI).date()
        reported = {
            r.community_id for r in reports if r.kind == "verified" or r.received_at.astimezone(SHANGHAI).date() == day
        }
    return [c for c in communities if c.id not in reported]


def _reporters(paths: list[str]) -> dict[int, set]:
    """Who reports for each community within these areas, by community id: grid workers of its grids (or held at the
    community) and the station officers of its street. One query for the batch."""
    rows = db.session.execute(
        select(RoleAssignment.user_id, RoleAssignment.role, Area.path)
        .join(User, User.id == RoleAssignment.user_id)
        .join(Area, Area.id == RoleAssignment.area_id)
        .where(
            User.is_active.is_(True),
            RoleAssignment.role.in_(REPORTERS),
            # within the disasters' areas, or a street above one (a street's disaster: its station holds the street)
            Area.id.in_(subtree_ids(paths)) | Area.id.in_({i for path in paths for i in path_ids(path)}),
        )
    ).all()
    by_area: dict = defaultdict(set)
    for user_id, role, path in rows:
        ids = path_ids(path)
        if role == "grid_worker" and len(ids) >= 3:
            by_area[("community", ids[2])].add(user_id)
        elif role == "station_officer" and len(ids) == 2:
            by_area[("street", ids[1])].add(user_id)
    return by_area


def _fire(due: list, now: datetime) -> list:
    """Remind the reporters of each community that owes the report a due clock is for; set the next day's follow-up
    of a disaster still responding. A day's follow-up whose next day's moment has passed too (no round ran in
    between) reminds of the latest day's instead: a past day cannot be reported any more."""
    disasters = {
        d.id: d for d in db.session.scalars(select(Disaster).where(Disaster.id.in_({c.disaster_id for c in due})))
    }
    areas = {
        a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_({d.area_id for d in disasters.values()})))
    }
    paths = sorted({areas[d.area_id].path for d in disasters.values()})
    communities = db.session.execute(
        select(Area.id, Area.name, Area.path).where(Area.id.in_(subtree_ids(paths)), Area.level == "community")
    ).all()
    reports = defaultdict(list)
    for report in db.session.execute(
        select(
            DisasterReport.disaster_id, DisasterReport.community_id, DisasterReport.kind, DisasterReport.received_at
        ).where(DisasterReport.disaster_id.in_(disasters))
    ):
        reports[report.disaster_id].append(report)
    reporters = _reporters(paths)
    rows, events, fired = [], [], []
    for clock in due:
        disaster = disasters[clock.disaster_id]
        responding = disaster.response_active and (disaster.ended_at is None or disaster.ended_at > clock.due_at)
        moment = clock.due_at
        if clock.kind == "followup":
            if not responding:
                continue
            moment = max(moment, _latest_moment(now))
            db.session.add(DisasterClock(disaster_id=disaster.id, kind="followup", due_at=followup_due(moment)))
        inside = [c for c in communities if c.path.startswith(areas[disaster.area_id].path)]
        owing = _owing(clock.kind, moment, inside, reports[disaster.id])
        if not owing:
            continue
        fired.append(clock.id)
        rows += _entries(clock.kind, moment, disaster, owing, reporters)
        events.append(
            dict(
                record_type="disaster",
                record_id=disaster.id,
                action="remind",
                actor_id=None,
                reason="提醒未报社区" + ("初报" if clock.kind == "initial" else "续报"),
                data={"kind": clock.kind, "due_at": moment.isoformat(), "communities": [c.id for c in owing]},
                client_id=f"disaster-clock:{clock.id}",
            )
        )
    inbox.add(rows)
    db.session.flush()
    if events:  # last: appending takes the chain's lock, held until the batch commits
        evidence.record_many(events)
    return fired


def _entries(kind: str, moment: datetime, disaster: Disaster, owing: list, reporters: dict) -> list[dict]:
    """One inbox row per reporter: a grid worker's names their community, a station's its street's that owe."""
    by_user: dict = defaultdict(list)
    for community in owing:
        street = path_ids(community.path)[1]
        for user in reporters.get(("community", community.id), set()) | reporters.get(("street", street), set()):
            by_user[user].append(community.name)
    rows = []
    for user, names in sorted(by_user.items()):
        subject = f"{disaster.name}（{'、'.join(names)}）"
        rows += inbox.entries_about(KINDS[kind], "disaster", disaster.id, subject, {user}, key=moment.isoformat())
    return rows


def tick(now: datetime | None = None, batch: int = BATCH) -> int:
    """Fire every disaster reminder that is due (server.jobs.clocks.tick): how many fired. Commits each batch."""
    now = now or utcnow()
    return engine.tick(ClockTable(DisasterClock, "disaster_id", partial(_fire, now=now)), now, batch)


periodic(tick)
