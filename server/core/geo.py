"""Distances on the earth between WGS-84 points (check-ins against their site, hazards reported nearby)."""

import math

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance between two WGS-84 points (haversine; metres are plenty here)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
