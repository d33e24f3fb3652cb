"""Bookings: search, a booking's page, and its actions (check in/out, no-show, change and cancel with previews, resend)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy import select

from ...api.deps import ContainerDep, ReadUow, WriteUow, booking_context
from ...api.errors import describe_validation
from ...api.schemas.bookings import BookingModify
from ...domain.errors import InvalidRequest
from ...services import bookings, catalog, guest_messages
from ...store.tables import PaymentRecord
from .render import DeskRoute, page
from .session import Change, User
from .today import notice

router = APIRouter(prefix="/desk/bookings", route_class=DeskRoute, include_in_schema=False)
SOURCES = ("voice_agent", "phone", "website", "walk_in", "email", "ota")
STATUSES = ("pending", "confirmed", "checked_in", "checked_out", "cancelled", "no_show")
PAGE = 50
Confirmation = Annotated[str, Path(max_length=40)]
Text = Annotated[str | None, Query(max_length=80)]


@router.get("")
async def search(
    request: Request,
    user: User,
    uow: ReadUow,
    name: Text = None,
    email: Annotated[str | None, Query(max_length=254)] = None,
    phone: Annotated[str | None, Query(max_length=32)] = None,
    confirmation: Text = None,
    arrival: Annotated[str | None, Query(max_length=10)] = None,
    source: Text = None,
    status: Text = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
):
    arrival_date = _date(arrival, "arrival")
    filters = {
        "name": name or "",
        "email": email or "",
        "phone": phone or "",
        "confirmation": confirmation or "",
        "arrival": arrival or "",
        "source": source if source in SOURCES else "",
        "status": status if status in STATUSES else "",
    }
    rows = await bookings.search(
        uow,
        guest_name=name or None,
        email=email or None,
        phone=phone or None,
        confirmation=confirmation or None,
        arrival=arrival_date,
        source=filters["source"] or None,
        status=filters["status"] or None,
        limit=PAGE + 1,
        offset=(page_number - 1) * PAGE,
    )
    return page(
        request,
        "bookings.html",
        rows=rows[:PAGE],
        more=len(rows) > PAGE,
        filters=filters,
        sources=SOURCES,
        statuses=STATUSES,
        page_number=page_number,
    )


@router.get("/{confirmation}")
async def booking_page(request: Request, confirmation: Confirmation, user: User, uow: ReadUow, c: ContainerDep):
    booking = await bookings.get(uow, confirmation)
    payments = (
        (
            await uow.session.execute(
                select(PaymentRecord)
                .where(PaymentRecord.booking_id == booking.record.id)
                .order_by(PaymentRecord.created_at)
            )
        )
        .scalars()
        .all()
    )
    messages = await guest_messages.messages_of(uow.session, booking.record.id)
    return page(
        request,
        "booking.html",
        b=booking,
        r=booking.record,
        g=booking.guest,
        payments=payments,
        messages=messages,
        can_resend=c.outbox is not None,
        today=c.clock.today(),
        notice=notice(request),
    )


@router.post("/{confirmation}/check-in")
async def check_in(confirmation: Confirmation, form: Change, user: User, uow: WriteUow, c: ContainerDep):
    await bookings.check_in(uow, ctx=booking_context(c, user.principal), confirmation=confirmation)
    return _done(form, confirmation, "checked_in")


@router.post("/{confirmation}/check-out")
async def check_out(confirmation: Confirmation, form: Change, user: User, uow: WriteUow, c: ContainerDep):
    await bookings.check_out(uow, ctx=booking_context(c, user.principal), confirmation=confirmation)
    return _done(form, confirmation, "checked_out")


@router.post("/{confirmation}/no-show")
async def no_show(confirmation: Confirmation, form: Change, user: User, uow: WriteUow, c: ContainerDep):
    await bookings.mark_no_show(uow, ctx=booking_context(c, user.principal), confirmation=confirmation)
    return _done(form, confirmation, "no_show")


@router.get("/{confirmation}/change")
async def change_form(request: Request, confirmation: Confirmation, user: User, uow: ReadUow):
    booking = await bookings.get(uow, confirmation)
    r = booking.record
    values = {
        "check_in": r.check_in_date.isoformat(),
        "check_out": r.check_out_date.isoformat(),
        "room_type": booking.room_type.type_code,
        "adults": r.adults,
        "children": r.children,
        "rooms": r.rooms_count,
        "special_requests": "\n".join(r.special_requests or []),
        "reason": "",
    }
    return page(
        request, "change.html", b=booking, values=values, room_types=await catalog.room_types(uow.session), preview=None
    )


@router.post("/{confirmation}/change")
async def change(
    request: Request, confirmation: Confirmation, form: Change, user: User, uow: WriteUow, c: ContainerDep
):
    """Prices the change first (`step=preview`); only the confirmation (`step=save`) changes the booking."""
    body = _modification(form)
    preview = form.get("step") != "save"
    booking, price = await bookings.modify(
        uow,
        ctx=booking_context(c, user.principal),
        confirmation=confirmation,
        changes=body.changes(),
        reason=body.modification_reason,
        preview=preview,
    )
    if preview:
        values = {
            k: form.get(k, "")
            for k in ("check_in", "check_out", "room_type", "adults", "children", "rooms", "special_requests", "reason")
        }
        await uow.session.rollback()  # a preview took inventory and re-priced in this transaction: undo it
        current = await bookings.get(uow, confirmation)
        return page(
            request,
            "change.html",
            b=current,
            values=values,
            room_types=await catalog.room_types(uow.session),
            preview=price,
        )
    _wake(c)
    return _done(form, confirmation, "changed")


@router.get("/{confirmation}/cancel")
async def cancel_preview(request: Request, confirmation: Confirmation, user: User, uow: WriteUow, c: ContainerDep):
    booking, summary = await bookings.cancel(
        uow, ctx=booking_context(c, user.principal), confirmation=confirmation, reason=None, preview=True
    )
    return page(request, "cancel.html", b=booking, s=summary)


@router.post("/{confirmation}/cancel")
async def cancel(confirmation: Confirmation, form: Change, user: User, uow: WriteUow, c: ContainerDep):
    reason = (form.get("reason") or "").strip()[:500] or None
    await bookings.cancel(uow, ctx=booking_context(c, user.principal), confirmation=confirmation, reason=reason)
    _wake(c)
    return _done(form, confirmation, "cancelled")


@router.post("/{confirmation}/messages/{message_id}/resend")
async def resend(
    confirmation: Confirmation,
    message_id: Annotated[str, Path(max_length=40)],
    form: Change,
    user: User,
    uow: WriteUow,
    c: ContainerDep,
):
    if c.outbox is None:
        raise InvalidRequest("Guests' e-mails are off on this server (ROOMIAI_MAIL_DELIVERY); nothing can be resent.")
    booking = await bookings.get(uow, confirmation, for_update=True)
    await guest_messages.resend(
        uow.session, booking=booking, message_id=message_id, to=None, actor=user.principal.actor, now=c.clock.now()
    )
    await uow.commit()
    _wake(c)
    return _done(form, confirmation, "resent")


def _modification(form: dict[str, str]) -> BookingModify:
    """The form as the API's change request, so the desk checks exactly what the API checks."""
    data: dict[str, Any] = {}
    for key in ("check_in", "check_out"):
        if form.get(key):
            data[key] = form[key]
    if form.get("room_type"):
        data["room_type_id"] = form["room_type"]
    if form.get("rooms"):
        data["rooms"] = form["rooms"]
    if form.get("adults"):
        data["guests"] = {"adults": form["adults"], "children": form.get("children") or 0}
    if "special_requests" in form:
        data["special_requests"] = [line.strip() for line in form["special_requests"].splitlines() if line.strip()]
    if form.get("reason", "").strip():
        data["modification_reason"] = form["reason"].strip()
    try:
        return BookingModify.model_validate(data)
    except ValidationError as exc:
        raise InvalidRequest(describe_validation(list(exc.errors()))[1]) from None


def _date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"The {field} date must look like 2026-01-31.", field=field) from None


def _done(form: dict[str, str], confirmation: str, what: str) -> RedirectResponse:
    back = form.get("back") or ""
    target = back if back in ("/desk", "/desk/bookings") else f"/desk/bookings/{confirmation.strip().upper()}"
    return RedirectResponse(f"{target}?done={what}", status_code=303)


def _wake(c) -> None:
    if c.outbox is not None:
        c.outbox.wake()
