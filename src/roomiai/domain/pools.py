"""Inventory pools: a booking draws from its room type and from the pools of its bed and view wishes."""

from __future__ import annotations

ALL = "*"


def pools_for(bed: str | None, view: str | None) -> list[str]:
    """E.g. KING and city → ["*", "bed:KING", "view:city", "bed:KING|view:city"]."""
    pools = [ALL]
    if bed:
        pools.append(f"bed:{bed}")
    if view:
        pools.append(f"view:{view}")
    if bed and view:
        pools.append(f"bed:{bed}|view:{view}")
    return pools
