"""The distance function shared by solver, checker and exports.

Road km = great-circle (haversine, R = 6371 km) km x ``road_factor`` (spec section 2, rule 8).
"""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def road_km(a: tuple[float, float], b: tuple[float, float], road_factor: float) -> float:
    """Road km between two (lat, lon) points: great-circle km x ``road_factor``."""
    return great_circle_km(a[0], a[1], b[0], b[1]) * road_factor
