"""Service requests: the open queue, urgent and newest first, with status changes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse

from ...api.deps import ContainerDep, ReadUow, WriteUow
from ...domain.errors import InvalidRequest
from ...services import front_desk, service_requests
from .render import DeskRoute, page
from .session import Change, User
from .today import notice

router = APIRouter(prefix="/desk/requests", route_class=DeskRoute, include_in_schema=False)


@router.get("")
async def queue(request: Request, user: User, uow: ReadUow, closed: Annotated[bool, Query()] = False):
    rows = await front_desk.request_queue(uow, open_only=not closed)
    return page(
        request,
        "requests.html",
        rows=rows,
        closed=closed,
        next_statuses=service_requests.NEXT_STATUSES,
        notice=notice(request),
    )


@router.post("/{request_id}")
async def change(
    request_id: Annotated[str, Path(max_length=24)], form: Change, user: User, uow: WriteUow, c: ContainerDep
):
    changes = {}
    if form.get("status"):
        changes["status"] = form["status"]
    if form.get("assigned_to", "").strip():
        changes["assigned_to"] = form["assigned_to"].strip()[:80]
    if not changes:
        raise InvalidRequest("Choose a new status or someone to assign it to.", field="status")
    await service_requests.update(uow, clock=c.clock, request_id=request_id, changes=changes)
    return RedirectResponse("/desk/requests?done=saved", status_code=303)
