"""Public hotel facts for answering callers."""

from __future__ import annotations

from pydantic import BaseModel


class EarlyCheckInRead(BaseModel):
    available: bool
    fee: float
    earliest_time: str | None


class LateCheckOutRead(BaseModel):
    available: bool
    fee: float
    latest_time: str | None


class PoliciesRead(BaseModel):
    children: str | None
    pets: str | None
    smoking: str | None
    cancellation: str
    deposit: str
    guarantee_required: bool = False  # a card must guarantee a booking before it is confirmed


class PackageRead(BaseModel):
    code: str
    name: str
    price: float
    per: str
    description: str | None


class BedFacts(BaseModel):
    code: str
    description: str


class RoomTypeFacts(BaseModel):
    code: str
    name: str
    description: str
    max_occupancy: int
    beds: list[BedFacts]
    views: list[str]
    amenities: list[str] = []
    size_sqft: int | None = None


class VoiceAgentRead(BaseModel):
    greeting_name: str
    transfer_number: str | None
    voice_id: str | None
    language: str


class HotelInfoRead(BaseModel):
    name: str
    address: str | None
    postal_code: str | None = None
    phone: str | None
    email: str | None
    timezone: str
    currency: str
    check_in_time: str
    check_out_time: str
    early_check_in: EarlyCheckInRead
    late_check_out: LateCheckOutRead
    policies: PoliciesRead
    info: dict[str, str]
    packages: list[PackageRead]
    room_types: list[RoomTypeFacts]
    voice_agent_settings: VoiceAgentRead
