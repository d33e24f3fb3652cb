"""Today: the day's figures, the occupancy ahead and today's arrivals."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ...api.deps import ContainerDep, ReadUow
from ...services import catalog, front_desk
from .render import DeskRoute, page
from .session import User

router = APIRouter(prefix="/desk", route_class=DeskRoute, include_in_schema=False)
NOTICES = {
    "checked_in": "Checked in.",
    "checked_out": "Checked out.",
    "no_show": "Marked as no-show.",
    "changed": "The booking was changed.",
    "cancelled": "The booking was cancelled.",
    "saved": "Saved.",
    "removed": "Removed.",
    "resent": "The message will be sent again.",
}


def notice(request: Request) -> str | None:
    """A fixed message for ?done=…; the page never repeats text from its address."""
    return NOTICES.get(request.query_params.get("done", ""))


async def currency(uow) -> str:
    return (await catalog.hotel_settings(uow.session)).get("currency", "USD")


@router.get("")
async def today(request: Request, user: User, uow: ReadUow, c: ContainerDep):
    board = await front_desk.board(uow, clock=c.clock)
    return page(request, "today.html", board=board, currency=await currency(uow), notice=notice(request))
