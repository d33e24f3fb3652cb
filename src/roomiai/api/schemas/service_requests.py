"""Service requests, in the blueprint's shape."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from .common import Instant, LongText, Request, ShortText

RequestType = Literal["housekeeping", "room_service", "maintenance", "concierge", "amenity"]
Priority = Literal["normal", "urgent"]
Status = Literal["pending", "in_progress", "completed", "cancelled"]
RoomNumber = Annotated[str, StringConstraints(min_length=1, max_length=16)]
Category = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$", to_lower=True)]


class RequestDetails(Request):
    category: Category | None = Field(None, examples=["extra_amenities"])
    items: list[ShortText] = Field(default_factory=list, max_length=20, examples=[["towels", "pillows"]])
    quantity: int = Field(1, ge=1, le=50)
    description: LongText | None = None


class ServiceRequestCreate(Request):
    confirmation_number: Annotated[str, StringConstraints(max_length=40)] | None = None
    booking_id: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        None, description="the booking's id or its confirmation number"
    )
    room_number: RoomNumber | None = None
    request_type: RequestType
    details: RequestDetails = Field(default_factory=RequestDetails)
    priority: Priority = "normal"

    @model_validator(mode="after")
    def _target(self) -> ServiceRequestCreate:
        if not (self.confirmation_number or self.booking_id or self.room_number):
            raise ValueError(
                "give a confirmation_number, a booking_id or a room_number so the request reaches the guest"
            )
        if self.confirmation_number and self.booking_id:
            raise ValueError("give either confirmation_number or booking_id, not both")
        return self


class ServiceRequestUpdate(Request):
    status: Status | None = None
    assigned_to: Annotated[str, StringConstraints(min_length=1, max_length=80)] | None = None
    notes: LongText | None = None
    guest_rating: int | None = Field(None, ge=1, le=5)

    @model_validator(mode="after")
    def _something(self) -> ServiceRequestUpdate:
        if not self.model_fields_set:
            raise ValueError("give at least one of status, assigned_to, notes or guest_rating")
        if "status" in self.model_fields_set and self.status is None:
            raise ValueError("status cannot be empty")
        return self


class ServiceRequestRead(BaseModel):
    request_id: str
    confirmation_number: str | None
    room_number: str | None
    guest_id: str | None
    guest_name: str | None
    request_type: str
    request_details: dict
    priority: str
    status: str
    assigned_to: str | None
    estimated_completion: Instant | None
    completed_at: Instant | None
    guest_rating: int | None
    notes: str
    created_at: Instant
    updated_at: Instant


class ServiceRequestList(BaseModel):
    count: int
    requests: list[ServiceRequestRead]
