"""Roomi, the receptionist: a livekit Agent whose function tools act through the reservation API."""

from __future__ import annotations

from typing import Literal

from livekit.agents import Agent, RunContext, StopResponse, function_tool, llm

from ..domain.cards import redact_card_numbers
from .api_client import RoomiApi
from .call_state import CallState
from .card_capture import CardCapture
from .tools import availability, booking, existing_booking, handoff, info, service


class Receptionist(Agent):
    """The hotel's receptionist; the brain (deterministic or an LLM) decides which tool to call."""

    def __init__(
        self, *, api: RoomiApi, state: CallState, instructions: str, on_transfer: handoff.TransferHook | None = None
    ) -> None:
        super().__init__(instructions=instructions)
        self.api = api
        self.state = state
        self.on_transfer = on_transfer
        self.cards = CardCapture(api, state)

    async def on_user_turn_completed(self, turn_ctx: llm.ChatContext, new_message: llm.ChatMessage) -> None:
        """A card the caller speaks goes to the gateway (the secure step); the brain sees only its last four."""
        captured = await self.cards.take(new_message.text_content or "")
        if captured is None:
            new_message.content = [
                redact_card_numbers(part) if isinstance(part, str) else part for part in new_message.content
            ]
            return
        new_message.content = [captured.safe_text]
        if captured.reply:
            self.session.say(captured.reply)
            raise StopResponse()

    @function_tool
    async def check_availability(
        self,
        context: RunContext[CallState],
        check_in: str,
        check_out: str,
        adults: int,
        children: int = 0,
        rooms: int = 1,
        room_type: str | None = None,
    ) -> str:
        """Find which room types and rates are free for a stay, with their prices from the hotel's system.

        Args:
            check_in: arrival date, YYYY-MM-DD
            check_out: departure date, YYYY-MM-DD
            adults: number of adults
            children: number of children
            rooms: number of rooms
            room_type: only this room type code (e.g. STD, DLX, STE, FAM); leave empty for all
        """
        return await availability.check_availability(
            self.api,
            check_in=check_in,
            check_out=check_out,
            adults=adults,
            children=children,
            rooms=rooms,
            room_type=room_type,
        )

    @function_tool
    async def prepare_booking(
        self,
        context: RunContext[CallState],
        check_in: str,
        check_out: str,
        room_type: str,
        rate_code: str,
        adults: int,
        first_name: str,
        last_name: str,
        children: int = 0,
        rooms: int = 1,
        phone: str | None = None,
        email: str | None = None,
        bed: str | None = None,
        view: str | None = None,
        special_requests: list[str] | None = None,
        special_occasion: str | None = None,
    ) -> str:
        """Price a new booking and hold its details for the read-back; nothing is booked yet.

        Read the result back to the caller and ask for a yes, then call confirm_booking.

        Args:
            check_in: arrival date, YYYY-MM-DD
            check_out: departure date, YYYY-MM-DD
            room_type: room type code from check_availability, e.g. DLX
            rate_code: rate code from check_availability, e.g. BAR
            adults: number of adults
            first_name: the guest's first name
            last_name: the guest's last name
            children: number of children
            rooms: number of rooms
            phone: the guest's phone number as the caller said it
            email: the guest's email address
            bed: bed choice from check_availability, e.g. KING or TWIN
            view: view choice from check_availability, e.g. city or pool
            special_requests: short requests such as "high floor"
            special_occasion: e.g. anniversary or birthday
        """
        return await booking.prepare_booking(
            self.api,
            self.state,
            context.session.history,
            check_in=check_in,
            check_out=check_out,
            room_type=room_type,
            rate_code=rate_code,
            adults=adults,
            first_name=first_name,
            last_name=last_name,
            children=children,
            rooms=rooms,
            phone=phone,
            email=email,
            bed=bed,
            view=view,
            special_requests=special_requests,
            special_occasion=special_occasion,
        )

    @function_tool
    async def confirm_booking(self, context: RunContext[CallState]) -> str:
        """Make the booking prepared by prepare_booking, only after the caller said yes to the read-back."""
        return await booking.confirm_booking(self.api, self.state, context.session.history)

    @function_tool
    async def find_booking(
        self,
        context: RunContext[CallState],
        confirmation_number: str | None = None,
        last_name: str | None = None,
        phone: str | None = None,
    ) -> str:
        """Verify the caller and find their bookings: give the confirmation number with the guest's last name. A phone
        number works only when the caller said it and the call comes from that number. Use only details the caller
        said in this call.

        Args:
            confirmation_number: e.g. ROOMI-20260120-001
            last_name: the guest's last name
            phone: the phone number on the booking, as the caller said it
        """
        return await existing_booking.find_booking(
            self.api,
            self.state,
            context.session.history,
            confirmation_number=confirmation_number,
            last_name=last_name,
            phone=phone,
        )

    @function_tool
    async def quote_change(
        self,
        context: RunContext[CallState],
        confirmation_number: str,
        check_in: str | None = None,
        check_out: str | None = None,
        room_type: str | None = None,
        adults: int | None = None,
        children: int | None = None,
    ) -> str:
        """Price a change to a verified booking without making it; read it back, then call confirm_change.

        Args:
            confirmation_number: the verified booking
            check_in: new arrival date, YYYY-MM-DD
            check_out: new departure date, YYYY-MM-DD
            room_type: new room type code, e.g. STE
            adults: new number of adults
            children: new number of children
        """
        return await existing_booking.quote_change(
            self.api,
            self.state,
            context.session.history,
            confirmation_number=confirmation_number,
            check_in=check_in,
            check_out=check_out,
            room_type=room_type,
            adults=adults,
            children=children,
        )

    @function_tool
    async def confirm_change(self, context: RunContext[CallState]) -> str:
        """Make the change quoted by quote_change, only after the caller said yes to the read-back."""
        return await existing_booking.confirm_change(self.api, self.state, context.session.history)

    @function_tool
    async def quote_cancellation(self, context: RunContext[CallState], confirmation_number: str) -> str:
        """Say what cancelling a verified booking would cost now, without cancelling; then ask for a yes.

        Args:
            confirmation_number: the verified booking
        """
        return await existing_booking.quote_cancellation(
            self.api, self.state, context.session.history, confirmation_number=confirmation_number
        )

    @function_tool
    async def confirm_cancellation(self, context: RunContext[CallState], reason: str | None = None) -> str:
        """Cancel the booking quoted by quote_cancellation, only after the caller said yes.

        Args:
            reason: why the guest cancels, if they said
        """
        return await existing_booking.confirm_cancellation(self.api, self.state, context.session.history, reason=reason)

    @function_tool
    async def hotel_info(self, context: RunContext[CallState], topic: str) -> str:
        """The hotel's own answer on a topic: check_in, check_out, parking, breakfast, pets, wifi, pool, fitness,
        restaurant, location, airport, accessibility, children, smoking, cancellation, address, phone, room_types.

        Args:
            topic: one of the topics, or the caller's word for it (e.g. gym, dogs, internet)
        """
        return await info.hotel_info(self.api, self.state, topic=topic)

    @function_tool
    async def request_service(
        self,
        context: RunContext[CallState],
        request_type: Literal["housekeeping", "room_service", "maintenance", "concierge", "amenity"],
        room_number: str | None = None,
        confirmation_number: str | None = None,
        last_name: str | None = None,
        items: list[str] | None = None,
        description: str | None = None,
        priority: Literal["normal", "urgent"] = "normal",
    ) -> str:
        """File a service request for a guest staying in the hotel now, once the caller gave the guest's last name.

        Args:
            request_type: the department that handles it
            room_number: the guest's room number
            confirmation_number: the guest's booking, if no room number is known
            last_name: the last name of the guest staying in the room, as the caller said it
            items: things to bring, e.g. towels
            description: what is needed or what is wrong
            priority: urgent only for safety, leaks or no access to the room
        """
        return await service.request_service(
            self.api,
            self.state,
            request_type=request_type,
            room_number=room_number,
            confirmation_number=confirmation_number,
            last_name=last_name,
            items=items,
            description=description,
            priority=priority,
        )

    @function_tool
    async def transfer_to_human(self, context: RunContext[CallState], reason: str) -> str:
        """Transfer the caller to the front desk: they asked for a person, or verification failed three times.

        Args:
            reason: why the caller is transferred
        """
        return await handoff.transfer_to_human(self.api, self.state, reason=reason, on_transfer=self.on_transfer)

    @function_tool
    async def end_call(self, context: RunContext[CallState]) -> str:
        """End the call after saying goodbye, when the caller has nothing more to ask."""
        return await handoff.end_call(self.state)
