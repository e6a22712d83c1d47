"""The demo's past rainstorm (2026年7月6日暴雨): its incident reports (a flooded culvert with people trapped, received,
forwarded within the target, acknowledged, asked for and given a follow-up, closed by a final report; and a fallen
tree in another street forwarded late, escalated at 30 minutes) and its disaster statistics (two communities of
民族街道,
初报 to 核报, adding up to their street), so that those screens show what they are for on first start.

Written as history, as the hazards' year is (server.demo.history): rows with their past times, each step's event on
the chain at its own time (evidence.record_past), the forwarding clocks left as ticks would have (fired or moot).
Once: the ids are fixed, and a stored incident or disaster is left as it is."""

import uuid
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from server.areas.models import Area, path_ids
from server.core.db import db
from server.disasters.models import FIGURES, Disaster, DisasterReport
from server.evidence import services as evidence
from server.incidents.models import Incident, IncidentClock, IncidentReport
from server.people.models import User

SHANGHAI = timezone(timedelta(hours=8))
STORM = datetime(2026, 7, 6, 6, 0, tzinfo=SHANGHAI)


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"safegrid-demo/rainstorm/{name}")


def _at(hours: float) -> datetime:
    """So many hours after the storm began, in UTC."""
    return (STORM + timedelta(hours=hours)).astimezone(UTC)


def add() -> int:
    """Add the rainstorm's incidents and statistics unless stored: how many records were added."""
    people = dict(db.session.execute(select(User.username, User.id)).all())
    areas = dict(db.session.execute(select(Area.code, Area)).all())
    needed = ("demo-grid", "demo-station", "demo-supervisor", "gw-420103002d01g01", "so-420103002-1")
    if any(name not in people for name in needed) or "420103001D02G01" not in areas:
        return 0
    events, added = [], 0
    if db.session.get(Incident, _id("culvert")) is None:
        added += _culvert(people, areas, events) + _fallen_tree(people, areas, events)
    if db.session.get(Disaster, _id("disaster")) is None:
        added += _statistics(people, areas, events)
    db.session.flush()
    evidence.record_past(sorted(events, key=lambda e: e["at"]))
    return added


def _event(events, incident_id, action, at, actor, before, after, reason="", record_type="incident", **data):
    events.append(
        dict(
            record_type=record_type,
            record_id=incident_id,
            action=action,
            actor_id=actor,
            from_state=before,
            to_state=after,
            reason=reason,
            data=data or None,
            client_id=str(_id(f"event/{record_type}/{incident_id}/{action}/{at.isoformat()}")),  # fits the column
            at=at,
        )
    )


def _incident(key, reporter, grid, received, **fields) -> Incident:
    incident = Incident(
        id=_id(key),
        reporter_id=reporter,
        grid_id=grid.id,
        street_id=path_ids(grid.path)[1],
        received_at=received,
        forward_due_at=received + timedelta(minutes=30),
        is_demo=True,
        created_at=received,
        **fields,
    )
    db.session.add(incident)
    for kind, minutes in (("forward_warning", 20), ("forward_escalation", 30)):
        due = received + timedelta(minutes=minutes)
        fired = incident.forwarded_at is None or incident.forwarded_at > due
        db.session.add(
            IncidentClock(
                incident_id=incident.id,
                kind=kind,
                due_at=due,
                state="received",
                fired_at=due,
                outcome="fired" if fired else "moot",
            )
        )
    return incident


def _culvert(people, areas, events) -> int:
    worker, station, district = people["demo-grid"], people["demo-station"], people["demo-supervisor"]
    received = _at(1) + timedelta(minutes=52)  # 07:52
    forwarded = received + timedelta(minutes=17)
    incident = _incident(
        "culvert",
        worker,
        areas["420103001D01G01"],
        received,
        type="natural.flood",
        address="泰宁街铁路下穿涵洞（演示）",
        latitude=30.58214,
        longitude=114.28031,
        occurred_at=_at(1.67),
        trapped=3,
        description="涵洞积水深约1.2米，一辆小型客车熄火被困，车内3人（含1名儿童）爬上车顶等待救援。"
        "已设置警戒，劝离涵洞两侧车辆行人，已拨打119。",
        photo_ids=[],
        state="closed",
        forwarded_at=forwarded,
        forwarded_by_id=station,
        acknowledged_at=_at(2.25),
        closed_at=_at(8.0),
    )
    followup = IncidentReport(
        id=_id("culvert/followup"),
        incident_id=incident.id,
        kind="followup",
        description="08:40 消防救援站到场，用冲锋舟将3名被困人员全部转移至安全地带，1人轻微擦伤送医。"
        "排水车已到场抽排，涵洞继续封闭。",
        injured=1,
        author_id=station,
        received_at=_at(3.0),
    )
    final = IncidentReport(
        id=_id("culvert/final"),
        incident_id=incident.id,
        kind="final",
        description="涵洞积水于13:30排净，道路恢复通行。本次事件无人员死亡，1人轻伤已出院。"
        "原因：短时强降雨超过排水能力；已建议在涵洞入口增设水位标尺和警示灯。",
        injured=1,
        author_id=station,
        received_at=_at(8.0),
    )
    db.session.add_all([followup, final])
    data = {"type": incident.type, "trapped": 3, "dead": 0, "injured": 0, "missing": 0}
    _event(events, incident.id, "report", received, worker, None, "received", **data)
    _event(events, incident.id, "forward", forwarded, station, "received", "forwarded", minutes_from_receipt=17.0)
    _event(events, incident.id, "acknowledge", _at(2.25), district, "forwarded", "acknowledged")
    _event(
        events,
        incident.id,
        "request_followup",
        _at(2.5),
        district,
        "acknowledged",
        "acknowledged",
        "请报告被困人员救援进展",
    )
    _event(
        events, incident.id, "followup", _at(3.0), station, "acknowledged", "acknowledged", report_id=str(followup.id)
    )
    _event(events, incident.id, "final", _at(8.0), station, "acknowledged", "closed", report_id=str(final.id))
    return 3


def _fallen_tree(people, areas, events) -> int:
    worker, station, district = people["gw-420103002d01g01"], people["so-420103002-1"], people["demo-supervisor"]
    received, forwarded = _at(2.5), _at(2.5 + 41 / 60)  # forwarded after 41 minutes: escalated at 30
    incident = _incident(
        "fallen-tree",
        worker,
        areas["420103002D01G01"],
        received,
        type="accident.facility",
        address="花楼街交通路口（演示）",
        occurred_at=_at(2.4),
        description="大风暴雨致行道树倒伏压断路灯线路，路口积水带电风险，已拉警戒线，通知供电抢修。",
        photo_ids=[],
        state="acknowledged",
        forwarded_at=forwarded,
        forwarded_by_id=station,
        acknowledged_at=forwarded + timedelta(minutes=6),
    )
    _event(events, incident.id, "report", received, worker, None, "received", type=incident.type)
    _event(
        events,
        incident.id,
        "escalate",
        received + timedelta(minutes=30),
        None,
        "received",
        "received",
        "超过30分钟未报区",
    )
    _event(events, incident.id, "forward", forwarded, station, "received", "forwarded", minutes_from_receipt=41.0)
    _event(events, incident.id, "acknowledge", incident.acknowledged_at, district, "forwarded", "acknowledged")
    return 1


# community → the reports: (kind, hours after the storm began, figures, explanation)
REPORTS = {
    "420103001D01": (
        "demo-grid",
        [
            ("initial", 2.5, dict(affected=320, evacuated=45, houses_generally_damaged=6, direct_loss=18.0), ""),
            (
                "followup",
                26,
                dict(
                    affected=860,
                    injured=1,
                    evacuated=120,
                    houses_severely_damaged=2,
                    houses_generally_damaged=15,
                    direct_loss=52.0,
                ),
                "夜间持续降雨，泰宁街低洼片区三栋居民楼一楼进水，新增受灾和转移人员，已逐户核实。",
            ),
            (
                "followup",
                50,
                dict(
                    affected=860,
                    injured=1,
                    evacuated=120,
                    houses_severely_damaged=2,
                    houses_generally_damaged=15,
                    direct_loss=52.0,
                ),
                "",
            ),
            (
                "verified",
                100,
                dict(
                    affected=845,
                    injured=1,
                    evacuated=118,
                    houses_severely_damaged=2,
                    houses_generally_damaged=14,
                    direct_loss=49.6,
                ),
                "核报：逐户复核后剔除重复登记",
            ),
        ],
    ),
    "420103001D02": (
        "gw-420103001d02g01",
        [
            ("initial", 3, dict(affected=150, evacuated=20, houses_generally_damaged=3, direct_loss=8.5), ""),
            ("followup", 27, dict(affected=180, evacuated=26, houses_generally_damaged=4, direct_loss=10.0), ""),
            ("verified", 101, dict(affected=176, evacuated=26, houses_generally_damaged=4, direct_loss=9.8), "核报"),
        ],
    ),
}


def _statistics(people, areas, events) -> int:
    district = areas["420103"]
    disaster = Disaster(
        id=_id("disaster"),
        name="2026年7月6日暴雨（演示）",
        type="natural.flood",
        area_id=district.id,
        started_at=_at(0),
        response_active=False,
        ended_at=_at(96),
        created_by_id=people["demo-supervisor"],
        is_demo=True,
        created_at=_at(0.5),
    )
    db.session.add(disaster)
    _event(events, disaster.id, "open", _at(0.5), people["demo-supervisor"], None, "responding", record_type="disaster")
    added = 1
    for code, (username, reports) in REPORTS.items():
        reporter = people.get(username) or people["demo-station"]
        for kind, hours, figures, explanation in reports:
            report = DisasterReport(
                id=_id(f"{code}/{kind}/{hours}"),
                disaster_id=disaster.id,
                community_id=areas[code].id,
                kind=kind,
                explanation=explanation,
                reporter_id=reporter,
                received_at=_at(hours),
                is_demo=True,
                **{name: figures.get(name, 0) for name in FIGURES},
            )
            db.session.add(report)
            _event(
                events,
                disaster.id,
                kind,
                _at(hours),
                reporter,
                None,
                None,
                explanation,
                record_type="disaster",
                report_id=str(report.id),
                community_id=areas[code].id,
            )
            added += 1
    _event(
        events, disaster.id, "end", _at(96), people["demo-supervisor"], "responding", "ended", record_type="disaster"
    )
    return added
