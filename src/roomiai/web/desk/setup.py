"""Setup (admins): hotel settings and policies, Roomi's voice settings, users, and rooms' status and blocks."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy import select

from ...api.admin import _validated as validated_settings
from ...api.deps import ContainerDep, ReadUow, WriteUow
from ...api.errors import describe_validation
from ...api.schemas.admin import HotelSettingsUpdate
from ...domain.errors import InvalidRequest
from ...domain.hotel import to_cents
from ...services import auth, hotel_settings, property_setup
from ...store.tables import RoomBlockRecord, RoomRecord
from .catalog_forms import AMOUNT
from .render import DeskRoute, page
from .session import AdminUser, Change
from .today import notice

router = APIRouter(prefix="/desk/setup", route_class=DeskRoute, include_in_schema=False)
Key = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")]
HOTEL_FIELDS = ("name", "phone", "email", "check_in_time", "check_out_time")
VOICE_FIELDS = ("greeting_name", "transfer_number", "backup_language", "max_call_duration", "recording_notice")
ROOM_STATUSES = ("available", "maintenance", "out_of_service")
CANCELLATION_TYPES = ("flexible", "moderate", "strict", "non_refundable")
PENALTY_TYPES = ("first_night", "percentage", "flat", "full_stay")
POLICY_TEXTS = ("children_policy", "pet_policy", "smoking_policy")


@router.get("")
async def setup(request: Request, user: AdminUser, uow: ReadUow, c: ContainerDep):
    settings = (await hotel_settings.get(uow)).data
    document = await property_setup.export(uow)
    blocks = (
        await uow.session.execute(
            select(RoomBlockRecord, RoomRecord.room_number)
            .join(RoomRecord, RoomRecord.id == RoomBlockRecord.room_id)
            .where(RoomBlockRecord.end_date > c.clock.today())
            .order_by(RoomBlockRecord.start_date)
        )
    ).all()
    return page(
        request,
        "setup.html",
        s=settings,
        voice=settings.get("voice_agent_settings") or {},
        doc=document,
        users=await auth.users(uow),
        blocks=blocks,
        statuses=ROOM_STATUSES,
        roles=auth.ROLES,
        cancellation_types=CANCELLATION_TYPES,
        penalty_types=PENALTY_TYPES,
        today=c.clock.today(),
        notice=notice(request),
    )


@router.post("/hotel")
async def save_hotel(form: Change, user: AdminUser, uow: WriteUow, c: ContainerDep):
    patch = {key: form[key].strip() for key in HOTEL_FIELDS if form.get(key, "").strip()}
    await _save_settings(uow, c, patch)
    return _saved()


@router.post("/policies")
async def save_policies(form: Change, user: AdminUser, uow: WriteUow, c: ContainerDep):
    """Cancellation terms, the deposit and the house rules; an emptied text removes that rule."""
    penalty_type = form.get("penalty_type", "")
    amount = form.get("penalty_amount", "").strip()
    penalty: int | None = None
    if penalty_type == "percentage":
        penalty = _number(amount, "penalty_amount")
    elif penalty_type == "flat":
        if not AMOUNT.fullmatch(amount):
            raise InvalidRequest("penalty amount must be an amount like 50 or 50.00.", field="penalty_amount")
        penalty = to_cents(amount.replace(",", "."))
    deposit = form.get("deposit_percentage", "").strip() or "0"
    if not AMOUNT.fullmatch(deposit):
        raise InvalidRequest("deposit percentage must be a number like 20 or 12.5.", field="deposit_percentage")
    policies: dict[str, Any] = {
        "cancellation_default": {
            "type": form.get("cancellation_type", ""),
            "free_cancellation_hours": _number(
                form.get("free_cancellation_hours", "").strip(), "free_cancellation_hours"
            ),
            "penalty_type": penalty_type,
            "penalty_amount": penalty,
        },
        "deposit_required": form.get("deposit_required") == "on",
        "deposit_percentage": float(deposit.replace(",", ".")),
    } | {key: form.get(key, "").strip() or None for key in POLICY_TEXTS}
    await _save_settings(uow, c, {"policies": policies})
    return _saved()


@router.post("/voice")
async def save_voice(form: Change, user: AdminUser, uow: WriteUow, c: ContainerDep):
    voice: dict[str, Any] = {key: form[key].strip() or None for key in VOICE_FIELDS if key in form}
    if voice.get("max_call_duration"):
        voice["max_call_duration"] = _number(voice["max_call_duration"], "max_call_duration")
    if "record_calls" in form:  # the page sends "off" from a hidden field, then "on" when the box is ticked
        voice["record_calls"] = form["record_calls"] == "on"
    await _save_settings(uow, c, {"voice_agent_settings": {k: v for k, v in voice.items()}})
    return _saved()


@router.post("/users")
async def create_user(form: Change, user: AdminUser, uow: WriteUow, c: ContainerDep):
    await auth.save_user(
        uow,
        username=form.get("username", "").strip()[:64],
        password=form.get("password") or None,
        role=form.get("role") or None,
        active=True,
        now=c.clock.now(),
    )
    await uow.commit()
    return _saved()


@router.post("/users/{username}")
async def change_user(username: Key, form: Change, user: AdminUser, uow: WriteUow, c: ContainerDep):
    """One change at a time: role, a new password, or enable/disable."""
    action = form.get("action")
    changes: dict[str, Any] = {}
    if action == "role":
        changes["role"] = form.get("role")
    elif action == "password":
        changes["password"] = form.get("password", "")
    elif action in ("disable", "enable"):
        if username == user.name and action == "disable":
            raise InvalidRequest("You cannot disable your own account while signed in with it.")
        changes["active"] = action == "enable"
    else:
        raise InvalidRequest("Choose a change: role, password, disable or enable.", field="action")
    if username not in {u.username for u in await auth.users(uow)}:
        raise InvalidRequest(f"There is no user {username}.", field="username")
    await auth.save_user(uow, username=username, now=c.clock.now(), **changes)
    await uow.commit()
    return _saved()


@router.post("/rooms/{room_number}/status")
async def room_status(room_number: Key, form: Change, user: AdminUser, uow: WriteUow, c: ContainerDep):
    status = form.get("status", "")
    if status not in ROOM_STATUSES:
        raise InvalidRequest(f"A room's status is one of {', '.join(ROOM_STATUSES)}.", field="status")
    await property_setup.set_room_status(
        uow, room_number=room_number, status=status, now=c.clock.now(), today=c.clock.today()
    )
    await uow.commit()
    return _saved()


@router.post("/rooms/{room_number}/blocks")
async def add_block(room_number: Key, form: Change, user: AdminUser, uow: WriteUow, c: ContainerDep):
    await property_setup.add_block(
        uow,
        room_number=room_number,
        start=_day(form.get("from"), "from"),
        end=_day(form.get("to"), "to"),
        reason=(form.get("reason") or "")[:500],
        actor=user.principal.actor,
        now=c.clock.now(),
        today=c.clock.today(),
    )
    await uow.commit()
    return _saved()


@router.post("/rooms/{room_number}/blocks/{block_id}/remove")
async def remove_block(room_number: Key, block_id: Key, form: Change, user: AdminUser, uow: WriteUow, c: ContainerDep):
    await property_setup.remove_block(uow, room_number=room_number, block_id=block_id, today=c.clock.today())
    await uow.commit()
    return _saved()


async def _save_settings(uow, c, patch: dict[str, Any]) -> None:
    try:
        body = HotelSettingsUpdate.model_validate(patch)
    except ValidationError as exc:
        raise InvalidRequest(describe_validation(list(exc.errors()))[1]) from None
    await hotel_settings.update(
        uow, clock=c.clock, patch=body.model_dump(mode="json", exclude_unset=True), validate=validated_settings
    )


def _number(value: str, field: str) -> int:
    if not value.isdigit():
        raise InvalidRequest(f"{field.replace('_', ' ')} must be a whole number.", field=field)
    return int(value)


def _day(value: str | None, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        raise InvalidRequest(f"`{field}` must be a date like 2026-01-31.", field=field) from None


def _saved() -> RedirectResponse:
    return RedirectResponse("/desk/setup?done=saved", status_code=303)
