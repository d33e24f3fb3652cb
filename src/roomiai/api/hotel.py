"""GET /v1/hotel: the facts a receptionist tells callers."""

from __future__ import annotations

from fastapi import APIRouter

from ..services import hotel_info
from .deps import AnyRole, ReadUow
from .schemas.hotel import (
    EarlyCheckInRead,
    HotelInfoRead,
    LateCheckOutRead,
    PackageRead,
    PoliciesRead,
    RoomTypeFacts,
    VoiceAgentRead,
)

router = APIRouter(prefix="/v1/hotel", tags=["hotel"])


@router.get("", response_model=HotelInfoRead, summary="Public hotel facts: times, policies, amenities, rooms")
async def get_hotel(uow: ReadUow, _: AnyRole) -> HotelInfoRead:
    facts = await hotel_info.facts(uow)
    s = facts.settings
    policies = s.get("policies") or {}
    early, late = s.get("early_check_in") or {}, s.get("late_check_out") or {}
    voice = s.get("voice_agent_settings") or {}
    return HotelInfoRead(
        name=s["name"],
        address=hotel_info.one_line_address(s.get("address")),
        postal_code=(s.get("address") or {}).get("postal_code"),
        phone=s.get("phone"),
        email=s.get("email"),
        timezone=s["timezone"],
        currency=s.get("currency", "USD"),
        check_in_time=s.get("check_in_time", "15:00"),
        check_out_time=s.get("check_out_time", "11:00"),
        early_check_in=EarlyCheckInRead(
            available=early.get("available", False), fee=early.get("fee", 0), earliest_time=early.get("earliest_time")
        ),
        late_check_out=LateCheckOutRead(
            available=late.get("available", False), fee=late.get("fee", 0), latest_time=late.get("latest_time")
        ),
        policies=PoliciesRead(
            children=policies.get("children_policy"),
            pets=policies.get("pet_policy"),
            smoking=policies.get("smoking_policy"),
            cancellation=hotel_info.cancellation_sentence(policies),
            deposit=hotel_info.deposit_sentence(policies),
            guarantee_required=bool(policies.get("guarantee_required") or policies.get("deposit_required")),
        ),
        info=s.get("info") or {},
        packages=[
            PackageRead(
                code=p["code"],
                name=p["name"],
                price=p["price"],
                per=p.get("per", "stay"),
                description=p.get("description"),
            )
            for p in s.get("packages") or []
        ],
        room_types=[
            RoomTypeFacts(
                code=t.type_code,
                name=t.name,
                description=t.description,
                max_occupancy=t.max_occupancy,
                beds=[{"code": b["code"], "description": b["description"]} for b in t.bed_configurations],
                views=list(t.view_options),
                amenities=list(t.amenities or []),
                size_sqft=t.size_sqft,
            )
            for t in facts.room_types
        ],
        voice_agent_settings=VoiceAgentRead(
            greeting_name=voice.get("greeting_name") or "Roomi",
            transfer_number=voice.get("transfer_number"),
            voice_id=voice.get("voice_id"),
            language=voice.get("language") or "en-US",
        ),
    )
