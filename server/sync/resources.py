"""GET /sync/changes: what changed in the caller's scope since their cursor."""

from flask import g

from server.auth.permissions import login_required
from server.core.api import ApiView, Blueprint
from server.sync import services
from server.sync.schemas import FeedQuerySchema, FeedSchema

blp = Blueprint("sync", __name__, url_prefix="/api/v1/sync", description="下行同步 / The delta feed")


@blp.route("/changes")
class Changes(ApiView):
    @login_required
    @blp.arguments(FeedQuerySchema, location="query")
    @blp.response(200, FeedSchema)
    def get(self, query):
        """变更 / Sites and hazards in your scope changed since the cursor (none: everything, then changes)

        Ask again while `more` is true. A record may come more than once: keep the last. Start over
        without a cursor once a day, to drop records that have left your scope.
        """
        cursor = services.Cursor.parse(query["cursor"]) if "cursor" in query else None
        changes, cursor, more = services.changes(g.identity, cursor, query["limit"])
        return {"cursor": str(cursor), "more": more, "changes": changes}
