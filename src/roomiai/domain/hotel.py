"""The hotel-wide terms that pricing and policies need, read from the hotel's settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .pricing import Discount, Fee, Package, Tax


def to_cents(amount: float | int | str | Decimal) -> int:
    return int((Decimal(str(amount)) * 100).to_integral_value())


@dataclass(frozen=True)
class HotelTerms:
    name: str
    timezone: str
    currency: str
    check_in_time: dt.time
    check_out_time: dt.time
    taxes: tuple[Tax, ...]
    fees: tuple[Fee, ...]
    packages: dict[str, Package]
    discounts: dict[str, Discount]
    deposit_required: bool
    deposit_percentage: Decimal

    def arrival(self, day: dt.date, tz) -> dt.datetime:
        return dt.datetime.combine(day, self.check_in_time, tzinfo=tz)


def hotel_terms(data: dict[str, Any]) -> HotelTerms:
    """Build the terms from the stored settings document (amounts there are in currency units)."""
    policies = data.get("policies", {})
    return HotelTerms(
        name=data["name"],
        timezone=data["timezone"],
        currency=data.get("currency", "USD"),
        check_in_time=dt.time.fromisoformat(data.get("check_in_time", "15:00")),
        check_out_time=dt.time.fromisoformat(data.get("check_out_time", "11:00")),
        taxes=tuple(
            Tax(
                t["name"],
                t["type"],
                Decimal(str(t["amount"])) if t["type"] == "percentage" else Decimal(to_cents(t["amount"])),
            )
            for t in data.get("taxes", [])
        ),
        fees=tuple(Fee(f["name"], to_cents(f["amount"]), f.get("per", "stay")) for f in data.get("fees", [])),
        packages={
            p["code"]: Package(p["code"], p["name"], to_cents(p["price"]), p.get("per", "stay"))
            for p in data.get("packages", [])
        },
        discounts={
            d["code"].upper(): Discount(
                code=d["code"].upper(),
                type=d["type"],
                amount=Decimal(str(d["amount"])) if d["type"] == "percentage" else Decimal(to_cents(d["amount"])),
                description=d.get("description", ""),
                valid_from=dt.date.fromisoformat(d["valid_from"]) if d.get("valid_from") else None,
                valid_to=dt.date.fromisoformat(d["valid_to"]) if d.get("valid_to") else None,
                min_nights=d.get("min_nights", 1),
            )
            for d in data.get("discount_codes", [])
        },
        deposit_required=bool(policies.get("deposit_required", False)),
        deposit_percentage=Decimal(str(policies.get("deposit_percentage", 0))),
    )
