"""Prices a stay: nightly rates, extra persons, packages, discounts, taxes and fees, in cents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .errors import InvalidRequest
from .stay import Stay

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def percent_of(cents: int, percent: Decimal | float | str) -> int:
    """`percent` % of `cents`, rounded half up to a whole cent."""
    value = Decimal(cents) * Decimal(str(percent)) / Decimal(100)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class CancellationTerms:
    type: str = "flexible"
    free_cancellation_hours: int = 24
    penalty_type: str = "first_night"  # first_night | percentage | flat | full_stay
    penalty_amount: int = 0  # percent for "percentage", cents for "flat"
    refundable: bool = True


@dataclass(frozen=True)
class RoomTypeTerms:
    code: str
    name: str
    base_occupancy: int
    max_occupancy: int
    extra_person_cents: int
    max_adults: int | None = None


@dataclass(frozen=True)
class RateTerms:
    rate_code: str
    name: str
    base_rate_cents: int
    currency: str = "USD"
    rate_type: str = "per_night"  # per_night | per_stay
    day_of_week_cents: dict[str, int] = field(default_factory=dict)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    min_stay: int = 1
    max_stay: int = 30
    advance_booking_days: int = 0
    includes: tuple[str, ...] = ()
    cancellation: CancellationTerms = CancellationTerms()
    is_active: bool = True

    def night_rate_cents(self, night: dt.date) -> int:
        return self.day_of_week_cents.get(WEEKDAYS[night.weekday()], self.base_rate_cents)


@dataclass(frozen=True)
class Tax:
    name: str
    type: str  # percentage | flat_per_night | flat_per_stay
    amount: Decimal  # percent for percentage, cents otherwise


@dataclass(frozen=True)
class Fee:
    name: str
    amount_cents: int
    per: str  # night | stay


@dataclass(frozen=True)
class Package:
    code: str
    name: str
    price_cents: int
    per: str  # stay | night | person_night


@dataclass(frozen=True)
class Discount:
    code: str
    type: str  # percentage | flat
    amount: Decimal  # percent or cents
    description: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    min_nights: int = 1


@dataclass(frozen=True)
class NightPrice:
    date: dt.date
    rate_cents: int  # per room, before extra persons
    extra_person_cents: int  # per room

    @property
    def per_room_cents(self) -> int:
        return self.rate_cents + self.extra_person_cents


@dataclass(frozen=True)
class Line:
    name: str
    cents: int
    kind: str = ""


@dataclass(frozen=True)
class Quote:
    currency: str
    rooms: int
    nightly: tuple[NightPrice, ...]
    room_total_cents: int
    packages: tuple[Line, ...]
    discounts: tuple[Line, ...]
    taxes: tuple[Line, ...]
    fees: tuple[Line, ...]
    tax_percent: Decimal

    @property
    def packages_cents(self) -> int:
        return sum(p.cents for p in self.packages)

    @property
    def discount_cents(self) -> int:
        return sum(d.cents for d in self.discounts)

    @property
    def taxes_cents(self) -> int:
        return sum(t.cents for t in self.taxes)

    @property
    def fees_cents(self) -> int:
        return sum(f.cents for f in self.fees)

    @property
    def grand_total_cents(self) -> int:
        return self.room_total_cents + self.packages_cents - self.discount_cents + self.taxes_cents + self.fees_cents

    @property
    def average_night_cents(self) -> int:
        return round(self.room_total_cents / (len(self.nightly) * self.rooms))

    def first_night_with_tax_cents(self) -> int:
        first = self.nightly[0].per_room_cents * self.rooms
        return first + percent_of(first, self.tax_percent)


@dataclass(frozen=True)
class Restriction:
    """Why a rate cannot sell a stay: a stable code, a sentence a guest understands and the number it names."""

    code: str  # stable: restriction_problem lists them
    message: str
    limit: int | None = None

    def __str__(self) -> str:
        return self.message


def restriction_problem(
    *, rate: RateTerms, room_type: RoomTypeTerms, stay: Stay, today: dt.date, adults: int, children: int
) -> Restriction | None:
    """Why this rate cannot sell this stay; None when it can."""
    if not rate.is_active:
        return Restriction("rate_inactive", f"The {rate.name} rate is not offered at the moment.")
    guests = adults + children
    if guests > room_type.max_occupancy:
        return Restriction(
            "too_many_guests",
            f"A {room_type.name} sleeps at most {room_type.max_occupancy} guests.",
            room_type.max_occupancy,
        )
    if room_type.max_adults is not None and adults > room_type.max_adults:
        return Restriction(
            "too_many_adults", f"A {room_type.name} takes at most {room_type.max_adults} adults.", room_type.max_adults
        )
    if stay.nights < rate.min_stay:
        return Restriction(
            "stay_too_short", f"The {rate.name} rate needs a stay of at least {rate.min_stay} nights.", rate.min_stay
        )
    if stay.nights > rate.max_stay:
        return Restriction(
            "stay_too_long", f"The {rate.name} rate allows at most {rate.max_stay} nights.", rate.max_stay
        )
    if (stay.check_in - today).days < rate.advance_booking_days:
        return Restriction(
            "book_ahead",
            f"The {rate.name} rate must be booked at least {rate.advance_booking_days} days ahead.",
            rate.advance_booking_days,
        )
    if rate.valid_from and stay.check_in < rate.valid_from:
        return Restriction("not_yet_valid", f"The {rate.name} rate is valid from {rate.valid_from.isoformat()}.")
    if rate.valid_to and stay.dates()[-1] > rate.valid_to:
        return Restriction(
            "no_longer_valid", f"The {rate.name} rate is valid for nights until {rate.valid_to.isoformat()}."
        )
    return None


def discount_problem(discount: Discount, *, stay: Stay, today: dt.date) -> str | None:
    if discount.valid_from and today < discount.valid_from:
        return f"The code {discount.code} is not valid yet."
    if discount.valid_to and today > discount.valid_to:
        return f"The code {discount.code} has expired."
    if stay.nights < discount.min_nights:
        return f"The code {discount.code} needs a stay of at least {discount.min_nights} nights."
    return None


def quote_stay(
    *,
    stay: Stay,
    room_type: RoomTypeTerms,
    rate: RateTerms,
    adults: int,
    children: int,
    rooms: int = 1,
    taxes: tuple[Tax, ...] = (),
    fees: tuple[Fee, ...] = (),
    packages: tuple[Package, ...] = (),
    discount: Discount | None = None,
) -> Quote:
    """Price the stay for `rooms` identical rooms; guests are spread evenly over the rooms."""
    if rooms < 1:
        raise InvalidRequest("At least one room is needed.", field="rooms")
    guests_per_room = -(-(adults + children) // rooms)
    extra_persons = max(0, guests_per_room - room_type.base_occupancy)
    nights = stay.dates()
    if rate.rate_type == "per_stay":
        per_night = [rate.base_rate_cents // len(nights)] * len(nights)
        per_night[0] += rate.base_rate_cents - sum(per_night)
    else:
        per_night = [rate.night_rate_cents(night) for night in nights]
    nightly = tuple(
        NightPrice(night, cents, extra_persons * room_type.extra_person_cents)
        for night, cents in zip(nights, per_night, strict=True)
    )
    room_total = sum(n.per_room_cents for n in nightly) * rooms

    package_lines = []
    for package in packages:
        units = {"stay": rooms, "night": len(nights) * rooms, "person_night": len(nights) * (adults + children)}
        if package.per not in units:
            raise InvalidRequest(f"Package {package.code} has an unknown pricing unit {package.per!r}.")
        package_lines.append(Line(package.name, package.price_cents * units[package.per], package.code))

    discount_lines = []
    if discount is not None:
        cents = percent_of(room_total, discount.amount) if discount.type == "percentage" else int(discount.amount)
        discount_lines.append(Line(discount.code, min(cents, room_total), discount.type))

    taxable = room_total - sum(d.cents for d in discount_lines) + sum(p.cents for p in package_lines)
    tax_lines, tax_percent = [], Decimal(0)
    for tax in taxes:
        if tax.type == "percentage":
            tax_percent += tax.amount
            tax_lines.append(Line(tax.name, percent_of(taxable, tax.amount), tax.type))
        elif tax.type == "flat_per_night":
            tax_lines.append(Line(tax.name, int(tax.amount) * len(nights) * rooms, tax.type))
        else:
            tax_lines.append(Line(tax.name, int(tax.amount) * rooms, tax.type))
    fee_lines = [
        Line(fee.name, fee.amount_cents * rooms * (len(nights) if fee.per == "night" else 1), fee.per) for fee in fees
    ]
    return Quote(
        currency=rate.currency,
        rooms=rooms,
        nightly=nightly,
        room_total_cents=room_total,
        packages=tuple(package_lines),
        discounts=tuple(discount_lines),
        taxes=tuple(tax_lines),
        fees=tuple(fee_lines),
        tax_percent=tax_percent,
    )
