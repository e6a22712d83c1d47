"""一张图: the map's layers (sites, hazards, check-ins) as GeoJSON within the caller's scope, and its tiles."""

import json

from flask import Response, current_app, g

from server.auth.permissions import requires
from server.core.api import ApiView, Blueprint
from server.core.time import utcnow
from server.ledgers.sheets import Caller
from server.maps import features, tiles
from server.maps.schemas import (
    FeatureCollectionSchema,
    MapCheckInQuerySchema,
    MapHazardQuerySchema,
    MapSiteQuerySchema,
    TilesSchema,
)

blp = Blueprint("maps", __name__, url_prefix="/api/v1/map", description="一张图 / The map (GeoJSON)")
GEOJSON = "application/geo+json"


def _answer(kind: str, query: dict) -> Response:
    box = features.Box(*query.pop("bbox")) if "bbox" in query else None
    zoom = query.pop("zoom")
    caller = Caller(g.identity.user_id, tuple(g.identity.roles), "map.view")
    body = features.collection(caller, kind, query, box, zoom, utcnow())
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), mimetype=GEOJSON)


def _layer(kind: str, schema, zh: str, en: str):
    class Layer(ApiView):
        @requires("map.view")
        @blp.arguments(schema, location="query")
        @blp.response(200, FeatureCollectionSchema, content_type=GEOJSON)
        def get(self, query):
            return _answer(kind, query)

    Layer.get.__doc__ = f"{zh} / {en} in your scope as GeoJSON: the list's filters, a bbox, clustered below zoom 15"
    Layer.__name__ = f"Map{kind.title()}"
    blp.route(f"/{kind}")(Layer)


_layer("sites", MapSiteQuerySchema, "场所图层", "Sites")
_layer("hazards", MapHazardQuerySchema, "隐患图层", "Hazards")
_layer("checkins", MapCheckInQuerySchema, "打卡图层", "Check-ins")


@blp.route("/tiles")
class Tiles(ApiView):
    @requires("map.view")
    @blp.response(200, TilesSchema)
    def get(self):
        """底图 / The configured tiles (天地图 with its key, 高德, or none) and their datum"""
        return tiles.configured(current_app.config)
