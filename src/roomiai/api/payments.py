"""Cards handed to the payment gateway: the number goes in once, a token, brand and last four come back."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from ..domain.cards import parse_card
from .deps import BookingClient, ContainerDep
from .schemas.bookings import CardInput

router = APIRouter(prefix="/v1/payments", tags=["payments"])


class SavedCard(BaseModel):
    payment_token: str
    brand: str
    last_four: str
    exp_month: int
    exp_year: int


@router.post(
    "/cards",
    status_code=201,
    response_model=SavedCard,
    summary="Tokenise a card (it is never stored here)",
    responses={429: {"description": "too many requests from this client; see Retry-After"}},
)
async def save_card(body: CardInput, principal: BookingClient, c: ContainerDep) -> SavedCard:
    """Give `payment_token` to `POST /v1/bookings` to guarantee a booking with this card; the CVV is never kept."""
    card = parse_card(
        number=body.card_number, expiry=body.expiry, cvv=body.cvv, name_on_card=body.name_on_card, today=c.clock.today()
    )
    token = await c.gateway.tokenize(card)
    return SavedCard(
        payment_token=token.token,
        brand=token.brand,
        last_four=token.last_four,
        exp_month=token.exp_month,
        exp_year=token.exp_year,
    )
