"""The hazard list's filters as SQL (GET /api/v1/hazards), one function for the list and the dashboards alike.

A dashboard's figure names the list query that reproduces it (server/dashboards), and counts the rows these clauses
select: the figure and its drill-down list cannot disagree, because they are the same clauses.
"""

from sqlalchemy import select

from server.areas.models import Area, subtree_ids
from server.core.api import get_or_404
from server.core.time import within_days
from server.hazards import queries
from server.hazards.models import DATED, Hazard
from server.sites.models import Site

# where the loop ends: a hazard in none of these is open
ENDED = ("closed", "rejected", "merged")
CLOSED_WITH_DEADLINE = (Hazard.state == "closed") & Hazard.closed_at.is_not(None) & Hazard.deadline.is_not(None)


def _both_ways(holds, known):
    """A yes-or-no filter that only applies where it is known: (its yes, its no) among the `known` ones."""
    return known & holds, known & ~holds


def facts(now) -> dict:
    """Each yes-or-no filter's (yes, no) clauses at `now`."""
    plain = {
        "overdue_ack": Hazard.ack_overdue(now),
        "overdue": Hazard.rectification_overdue(now),
        "listed": Hazard.listed(),
        "transferred": Hazard.transferred_at.is_not(None),
        "open": ~Hazard.state.in_(ENDED),
    }
    acknowledged = Hazard.acknowledged_at.is_not(None)
    return {
        **{name: (fact, ~fact) for name, fact in plain.items()},
        "ack_on_time": _both_ways(Hazard.ack_on_time(), acknowledged),
        "ack_on_time_observed": _both_ways(Hazard.ack_on_time_observed(), acknowledged),
        "on_time": _both_ways(Hazard.closed_on_time(), CLOSED_WITH_DEADLINE),
    }


def period(query: dict) -> list:
    """from/to: whole days in Asia/Shanghai of the date `dated` names (received_at unless said)."""
    return within_days(getattr(Hazard, DATED[query.get("dated") or "received"]), query.get("from_"), query.get("to"))


def clauses(query: dict, now, user_id=None) -> list:
    """The list's filters as SQL clauses, each a yes or no where it is a boolean."""
    named = ("state", "level", "category", "site_id", "sector")
    found = [getattr(Hazard, name) == query[name] for name in named if name in query]
    if "area_id" in query:
        found.append(Hazard.grid_id.in_(subtree_ids([get_or_404(Area, query["area_id"]).path])))
    if "site_type" in query:
        found.append(Hazard.site_id.in_(select(Site.id).where(Site.type == query["site_type"])))
    if "q" in query:
        found.append(queries.matching(query["q"]))
    for name, (yes, no) in facts(now).items():
        if query.get(name) is not None:
            found.append(yes if query[name] else no)
    found += period(query)
    if "ordered_by" in query:  # me: the only value
        found.append(Hazard.id.in_(queries.ordered_by(user_id)))
    if "invited" in query:
        found.append(Hazard.id.in_(queries.invited_to(user_id)))
    return found
