"""/v1/services/requests: file, follow and work through guest service requests."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from ..domain.errors import Forbidden, NotFound
from ..services import service_requests
from ..services.service_requests import ServiceRequest
from .booking_proof import PROOF_HEADER, Guard, GuestLastName, header_text
from .deps import AnyRole, ContainerDep, ReadUow, Staff, WriteUow
from .schemas.service_requests import (
    RoomNumber,
    ServiceRequestCreate,
    ServiceRequestList,
    ServiceRequestRead,
    ServiceRequestUpdate,
    Status,
)

router = APIRouter(prefix="/v1/services/requests", tags=["service requests"])
RequestId = Annotated[str, Path(max_length=24, description="e.g. SRV-2026-00001")]
NAME_REQUIRED = (
    f"The agent files a request only for a caller who gave the last name of the guest in the room: send it in "
    f"the {PROOF_HEADER} header."
)


@router.post(
    "",
    status_code=201,
    response_model=ServiceRequestRead,
    summary="File a service request for an in-house guest",
    responses={429: {"description": "too many wrong guest names from this caller; see Retry-After"}},
)
async def create_request(
    body: ServiceRequestCreate,
    uow: WriteUow,
    c: ContainerDep,
    principal: AnyRole,
    guard: Guard,
    guest_last_name: GuestLastName = None,
) -> ServiceRequestRead:
    """The agent (and any role that sends X-Guest-Last-Name) must name the guest in the room; wrong names are counted."""
    if principal.role == "agent" and guest_last_name is None:
        raise Forbidden(NAME_REQUIRED)
    if guest_last_name is not None:
        await guard.check()
    try:
        request = await service_requests.create(
            uow,
            clock=c.clock,
            booking_ref=body.confirmation_number or body.booking_id,
            room_number=body.room_number,
            request_type=body.request_type,
            details=body.details.model_dump(exclude_none=True),
            priority=body.priority,
            guest_last_name=header_text(guest_last_name) if guest_last_name is not None else None,
        )
    except NotFound:
        if guest_last_name is not None:
            await guard.failed()
        raise
    filed = request_read(request)
    return filed if principal.role != "agent" else without_guest(filed, body)


@router.get("", response_model=ServiceRequestList, summary="Service requests by status and room, newest first")
async def list_requests(
    uow: ReadUow,
    _: Staff,
    status: Status | None = None,
    room_number: Annotated[RoomNumber | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> ServiceRequestList:
    requests = await service_requests.search(uow, status=status, room_number=room_number, limit=limit, offset=offset)
    return ServiceRequestList(count=len(requests), requests=[request_read(r) for r in requests])


@router.get("/{request_id}", response_model=ServiceRequestRead, summary="A service request and its status")
async def get_request(request_id: RequestId, uow: ReadUow, _: Staff) -> ServiceRequestRead:
    return request_read(await service_requests.get(uow, request_id))


@router.patch("/{request_id}", response_model=ServiceRequestRead, summary="Change status, assignee, notes or rating")
async def update_request(
    request_id: RequestId, body: ServiceRequestUpdate, uow: WriteUow, c: ContainerDep, _: Staff
) -> ServiceRequestRead:
    request = await service_requests.update(
        uow, clock=c.clock, request_id=request_id, changes=body.model_dump(exclude_unset=True)
    )
    return request_read(request)


def without_guest(filed: ServiceRequestRead, body: ServiceRequestCreate) -> ServiceRequestRead:
    """What the agent may repeat to a caller: the request, never who stays in the room or which room a booking has."""
    return filed.model_copy(
        update={
            "guest_id": None,
            "guest_name": None,
            "room_number": filed.room_number if body.room_number else None,
            "confirmation_number": filed.confirmation_number if body.confirmation_number or body.booking_id else None,
        }
    )


def request_read(request: ServiceRequest) -> ServiceRequestRead:
    r, booking, guest = request.record, request.booking, request.guest
    return ServiceRequestRead(
        request_id=r.request_id,
        confirmation_number=booking.confirmation_number if booking else None,
        room_number=r.room_number,
        guest_id=guest.guest_id if guest else None,
        guest_name=f"{guest.first_name} {guest.last_name}" if guest else None,
        request_type=r.request_type,
        request_details=r.request_details,
        priority=r.priority,
        status=r.status,
        assigned_to=r.assigned_to,
        estimated_completion=r.estimated_completion,
        completed_at=r.completed_at,
        guest_rating=r.guest_rating,
        notes=r.notes,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )
