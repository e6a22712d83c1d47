"""What the delta feed (server.sync) carries of incidents: those the user may see (their own reports; a station its
street's, the district all), each as its page shows it with the ETag a step on it sends back as If-Match."""

from sqlalchemy import or_, select

from server.auth.scope import grants
from server.core.db import db
from server.incidents import services
from server.incidents.etags import etag
from server.incidents.models import Incident
from server.incidents.schemas import IncidentSchema


def scope(identity):
    return Incident.scope_clause(grants("incidents.view"), identity.user_id)


def snapshot_ids(identity, since):
    """The ids of the incidents in the user's scope that are open or were received since `since`."""
    return select(Incident.id).where(scope(identity), or_(Incident.state != "closed", Incident.received_at >= since))


def changes(identity, ids) -> list[dict]:
    """The incidents among `ids` in the user's scope, as the feed's changes (kind `incident`)."""
    if not ids or identity.user_id is None:
        return []
    found = list(db.session.scalars(select(Incident).where(Incident.id.in_(ids), scope(identity))))
    schema = IncidentSchema()
    return [
        {"kind": "incident", "id": incident.id, "etag": etag(incident), "data": schema.dump(view)}
        for incident, view in zip(found, services.views(found, identity), strict=True)
    ]
