"""Monthly rankings (月度排名) of the units a checklist assesses, and who is due a summons (约谈).

A unit is a site of the kinds the checklist applies to. Its month's score is the mean percentage of that month's
inspections on any version of the checklist (self-checks left out), by `finished_at` in Asia/Shanghai months; units
with none are listed as not assessed (未考核). Ties share a rank (1, 2, 2, 4). The bottom group is the last N ranked
units (or a share of them, rounded up): a unit in it is "in the bottom" unless N or more units scored below it. A
unit in the bottom group this month and the month before is flagged for 约谈.
"""

import logging
import math
from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy import or_, select, true

from server.core.db import db, insert_rows
from server.core.i18n import SHANGHAI
from server.core.time import utcnow
from server.enterprises.models import Enterprise
from server.evidence import services as evidence
from server.inspections import queries
from server.inspections.models import InspectionTemplate, RankingMonth, Summons
from server.jobs import periodic
from server.notifications import services as inbox
from server.notifications.models import Notification
from server.sites.models import Site

log = logging.getLogger("safegrid.rankings")


def ranked(scores: dict, bottom: int) -> dict:
    """Each key's (rank, in the bottom group) from its score: higher ranks first, ties share a rank, and a key is
    in the bottom group when fewer than `bottom` keys scored below it."""
    ordered = sorted(scores.values())  # then those above and below a score are found by bisection, not counted
    above = len(ordered)
    return {
        key: (1 + above - bisect_right(ordered, score), bisect_left(ordered, score) < bottom)
        for key, score in scores.items()
    }


def bottom_size(ranked_count: int, bottom: int | None, share: float | None) -> int:
    """How many make the bottom group: a share of those ranked (rounded up), or N, or the configured N."""
    if share is not None:
        return math.ceil(share * ranked_count) if ranked_count else 0
    return bottom if bottom is not None else current_app.config["RANKING_BOTTOM_N"]


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month in Asia/Shanghai, as UTC instants [start, end)."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return tuple(
        datetime(d.year, d.month, 1, tzinfo=SHANGHAI).astimezone(UTC)
        for d in (date(month.year, month.month, 1), following)
    )


def previous(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def latest_version(family_id) -> InspectionTemplate | None:
    """The family's version that names the checklist now: the newest published or archived one."""
    return db.session.scalars(
        select(InspectionTemplate)
        .where(InspectionTemplate.family_id == family_id, InspectionTemplate.state != "draft")
        .order_by(InspectionTemplate.number.desc())
    ).first()


def described(summonses: list[Summons], user_id) -> list[dict]:
    """The summonses as a list shows them: each with its unit's and checklist's names, and whether the reader has
    read it in their inbox (null: it was not sent to them). Three queries, whatever the page's length."""
    if not summonses:
        return []
    sites = dict(
        db.session.execute(select(Site.id, Site.name).where(Site.id.in_({s.site_id for s in summonses}))).all()
    )
    names = {}
    for family_id, name in db.session.execute(
        select(InspectionTemplate.family_id, InspectionTemplate.name)
        .where(InspectionTemplate.family_id.in_({s.family_id for s in summonses}), InspectionTemplate.state != "draft")
        .order_by(InspectionTemplate.number)
    ):
        names[family_id] = name  # the newest version's name, as latest_version names it
    read = dict(
        db.session.execute(
            select(Notification.record_id, Notification.read_at.is_not(None)).where(
                Notification.user_id == user_id,
                Notification.record_type == "summons",
                Notification.record_id.in_({s.id for s in summonses}),
            )
        ).all()
    )
    return [
        {
            **{column: getattr(s, column) for column in SUMMONS_COLUMNS},
            "site_name": sites.get(s.site_id),
            "template_name": names.get(s.family_id),
            "read": read.get(s.id),
        }
        for s in summonses
    ]


SUMMONS_COLUMNS = (
    "id",
    "family_id",
    "month",
    "site_id",
    "enterprise_id",
    "sector",
    "rank",
    "previous_rank",
    "ranked",
    "score",
    "confirmed_by",
    "created_at",
)


def month_ranking(template: InspectionTemplate, month: date, visible, *, bottom=None, share=None) -> dict:
    """The month's ranking of the units, the whole of it ranked but only the units in `visible` (a Site clause)
    listed; with each unit's rank the month before and whether it is flagged for 约谈."""
    this, before = (queries.monthly_means(template.family_id, *month_bounds(m)) for m in (month, previous(month)))
    n_this, n_before = (bottom_size(len(scores), bottom, share) for scores in (this, before))
    ranks = ranked({k: v[0] for k, v in this.items()}, n_this)
    earlier = ranked({k: v[0] for k, v in before.items()}, n_before)
    units = []
    for site in assessed_units(template, set(this) | set(before), visible):
        rank, low = ranks.get(site.id, (None, False))
        previous_rank, previous_low = earlier.get(site.id, (None, False))
        mean, count = this.get(site.id, (None, 0))
        units.append(
            {
                "site_id": site.id,
                "site_name": site.name,
                "enterprise_name": site.enterprise_name,
                "assessed": count > 0,
                "assessments": count,
                "score": mean,
                "rank": rank,
                "bottom": low,
                "previous_rank": previous_rank,
                "previous_bottom": previous_low,
                "summon": low and previous_low,
            }
        )
    units.sort(key=lambda u: (u["rank"] is None, u["rank"] or 0, u["site_name"]))
    return {
        "family_id": template.family_id,
        "template_id": template.id,
        "template_name": template.name,
        "month": f"{month.year:04d}-{month.month:02d}",
        "ranked": len(this),
        "bottom_size": n_this,
        "units": units,
    }


def assessed_units(template: InspectionTemplate, scored: set, visible):
    """The sites the checklist assesses (of its site types or its sectors) and any other it scored, seen by the
    caller, with their enterprise's name."""
    applies = []
    if template.site_types:
        applies.append(Site.type.in_(template.site_types))
    if template.sectors:
        applies.append(Enterprise.sector.in_(template.sectors))
    units = db.session.execute(_with_names().where(or_(*applies), visible)).all() if applies else []
    # A unit scored on the checklist but no longer of its kinds (its type or sector changed since): asked for by id,
    # apart, so the usual case is not one query with every scored unit's id in it
    others = scored - {unit.id for unit in units}
    if others:
        units += db.session.execute(_with_names().where(Site.id.in_(others), visible)).all()
    return units


def _with_names():
    return select(Site.id, Site.name, Enterprise.name.label("enterprise_name")).outerjoin(
        Enterprise, Enterprise.id == Site.enterprise_id
    )


def history(template: InspectionTemplate, site_id, last: date, months: int, *, bottom=None, share=None) -> list[dict]:
    """One unit's months up to `last`, oldest first: its score, rank among those ranked, and its flags."""
    wanted = [last]
    for _ in range(months):  # one month more than shown: the first one's 约谈 needs the month before it
        wanted.insert(0, previous(wanted[0]))
    entries, low_before = [], False
    for n, month in enumerate(wanted):
        scores = queries.monthly_means(template.family_id, *month_bounds(month))
        ranks = ranked({k: v[0] for k, v in scores.items()}, bottom_size(len(scores), bottom, share))
        rank, low = ranks.get(site_id, (None, False))
        mean, count = scores.get(site_id, (None, 0))
        if n:
            entries.append(
                {
                    "month": f"{month.year:04d}-{month.month:02d}",
                    "assessed": count > 0,
                    "assessments": count,
                    "score": mean,
                    "rank": rank,
                    "ranked": len(scores),
                    "bottom": low,
                    "summon": low and low_before,
                }
            )
        low_before = low
    return entries


def confirm(template: InspectionTemplate, month: date, actor_id, *, bottom=None, share=None) -> list[Summons]:
    """Put the month's 约谈 on record: one Summons (and its event) per unit flagged, over every unit whoever confirms,
    each in the inbox of the checklist's owning department; confirming again adds only what was not there (a
    correction may have changed the ranking since)."""
    ranking = month_ranking(template, month, true(), bottom=bottom, share=share)
    insert_rows(
        RankingMonth,
        [{"family_id": template.family_id, "month": ranking["month"], "confirmed_by": actor_id}],
        skip_conflicts_on=("family_id", "month"),
    )
    present = set(
        db.session.scalars(
            select(Summons.site_id).where(Summons.family_id == template.family_id, Summons.month == ranking["month"])
        )
    )
    flagged = [unit for unit in ranking["units"] if unit["summon"] and unit["site_id"] not in present]
    places = {
        row.id: row
        for row in db.session.execute(
            select(Site.id, Site.grid_id, Site.enterprise_id, Enterprise.sector)
            .outerjoin(Enterprise, Enterprise.id == Site.enterprise_id)
            .where(Site.id.in_([unit["site_id"] for unit in flagged]))
        )
    }
    made = []
    for unit in flagged:
        place = places[unit["site_id"]]
        summons = Summons(
            family_id=template.family_id,
            month=ranking["month"],
            site_id=unit["site_id"],
            grid_id=place.grid_id,
            enterprise_id=place.enterprise_id,
            sector=place.sector,
            rank=unit["rank"],
            previous_rank=unit["previous_rank"],
            ranked=ranking["ranked"],
            score=unit["score"],
            confirmed_by=actor_id,
        )
        db.session.add(summons)
        made.append(summons)
    db.session.flush()
    evidence.record_many(
        [
            {
                "record_type": "summons",
                "record_id": summons.id,
                "action": "flag",
                "actor_id": actor_id,
                "to_state": "flagged",
                "data": {
                    "family_id": str(summons.family_id),
                    "month": summons.month,
                    "site_id": str(summons.site_id),
                    "rank": summons.rank,
                    "previous_rank": summons.previous_rank,
                    "ranked": summons.ranked,
                    "score": summons.score,
                },
            }
            for summons in made
        ]
    )
    names = {unit["site_id"]: unit["site_name"] for unit in flagged}
    for summons in made:
        # the checklist's owning department; a checklist no department owns: the unit's sector's
        officers = inbox.sector_officers(template.owner_sector or summons.sector)
        inbox.notify_about("summons", "summons", summons.id, names[summons.site_id], officers)
    return made


def confirm_ended_months(now: datetime | None = None) -> int:
    """Each assessment checklist's month just ended (Asia/Shanghai), confirmed by the server unless someone or an
    earlier round did (the maintenance round's part, cheap when there is nothing to do): how many were confirmed.
    Each checklist in a transaction of its own; one that fails is logged and tried again next round."""
    local = (now or utcnow()).astimezone(SHANGHAI)
    month = previous(date(local.year, local.month, 1))
    done = select(RankingMonth.family_id).where(RankingMonth.month == f"{month.year:04d}-{month.month:02d}")
    families = db.session.scalars(
        select(InspectionTemplate.family_id)
        .where(
            InspectionTemplate.kind == "assessment",
            InspectionTemplate.state != "draft",
            InspectionTemplate.family_id.not_in(done),
        )
        .distinct()
    ).all()
    confirmed = 0
    for family_id in families:
        try:
            confirm(latest_version(family_id), month, None)
            db.session.commit()
            confirmed += 1
        except Exception:  # another process confirming it at the same moment, or a bug: the others still run
            db.session.rollback()
            log.exception("the month %s of checklist %s could not be confirmed", month, family_id)
    return confirmed


periodic(confirm_ended_months)
