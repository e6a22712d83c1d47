"""一张图: sites, hazards and check-ins of a scope as GeoJSON (RFC 7946, WGS-84), clustered when zoomed out."""
