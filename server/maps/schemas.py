"""The map on the wire: a bounding box and a zoom beside each list's own filters; GeoJSON out."""

from marshmallow import ValidationError, fields, validate

from server.checkins.schemas import CheckInQuerySchema
from server.core.api import OutputSchema
from server.hazards.schemas import HazardQuerySchema
from server.sites.schemas import SiteQuerySchema


class BBox(fields.String):
    """west,south,east,north in degrees (RFC 7946 §5), longitude first; a box across the antimeridian is refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        parts = text.split(",")
        try:
            west, south, east, north = (float(part) for part in parts)
        except ValueError:
            raise ValidationError("应为 west,south,east,north 四个数 / four numbers: west,south,east,north") from None
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise ValidationError("经纬度超出范围或顺序颠倒 / out of range, or west > east or south > north")
        return west, south, east, north


def _map_query(list_schema):
    class MapQuery(list_schema):
        bbox = BBox(metadata={"description": "west,south,east,north (WGS-84 degrees); without it, the whole scope"})
        zoom = fields.Integer(
            load_default=18,
            validate=validate.Range(min=0, max=22),
            metadata={"description": "the map's zoom level: below 15 the points are clustered on a grid of cells"},
        )

    MapQuery.__name__ = f"Map{list_schema.__name__}"
    return MapQuery


MapSiteQuerySchema = _map_query(SiteQuerySchema)
MapHazardQuerySchema = _map_query(HazardQuerySchema)
MapCheckInQuerySchema = _map_query(CheckInQuerySchema)


class FeatureCollectionSchema(OutputSchema):
    type = fields.String(metadata={"description": "FeatureCollection"})
    features = fields.List(
        fields.Dict(),
        metadata={
            "description": "Point features, [longitude, latitude] WGS-84; a cluster's properties: cluster, count, "
            "layer and the count of its notable ones (major hazards, flagged check-ins, high-risk sites)"
        },
    )
    clustered = fields.Boolean()
    truncated = fields.Boolean(metadata={"description": "more points than one answer carries: zoom in"})


class TilesSchema(OutputSchema):
    provider = fields.String(metadata={"description": "tianditu, gaode or none (points over a plain background)"})
    layers = fields.List(fields.String(), metadata={"description": "tile URL templates, drawn in order"})
    crs = fields.String(metadata={"description": "wgs84, or gcj02: the app shifts the points onto such tiles"})
    subdomains = fields.String()
    attribution = fields.String()
    max_zoom = fields.Integer()
