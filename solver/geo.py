"""Distances and travel times between points, as the contract defines them."""

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points (Earth radius 6371.0 km)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_km_matrix(points: np.ndarray) -> np.ndarray:
    """Great-circle km between every two of an (n, 2) array of (lat, lon) points, as ``haversine_km`` computes them
    up to rounding in the last digits."""
    lat, lon = np.radians(points[:, 0]), np.radians(points[:, 1])
    dphi = lat[None, :] - lat[:, None]
    dlmb = lon[None, :] - lon[:, None]
    a = np.sin(dphi / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlmb / 2) ** 2
    km: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return km


def road_km(a: tuple[float, float], b: tuple[float, float], road_factor: float) -> float:
    """Road distance: great-circle distance times the organisation's road factor."""
    return haversine_km(a[0], a[1], b[0], b[1]) * road_factor


def travel_minutes(km: float, speed_kmh: float) -> int:
    """Whole minutes to travel km at speed_kmh, rounded up as the contract allows."""
    return math.ceil(km / speed_kmh * 60 - 1e-9)
