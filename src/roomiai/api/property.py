"""/v1/admin/...: set the hotel up (room types, rooms, rates, packages, discount codes), room status and blocks.

Every change reads the property document, changes one item, checks the whole document as `roomi hotel import`
does, and applies it in the same transaction: the API and the file can never disagree.
"""

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from ..domain.errors import Conflict, InvalidRequest, NotFound
from ..property.checks import PropertyProblems, canonical, parse
from ..property.schema import DiscountCode, PackageItem, PropertyDocument, Rate, Room, RoomType, ServiceStatus
from ..services import property_setup
from .deps import Admin, ContainerDep, ReadUow, WriteUow
from .errors import problem
from .schemas.common import Instant, LongText, Request

router = APIRouter(prefix="/v1/admin", tags=["property setup"])
Key = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
SOLD: dict[int | str, dict[str, Any]] = {
    409: {"description": "the change would leave sold nights without a room (`conflicting_bookings`), or clashes"}
}


class RoomTypeList(BaseModel):
    room_types: list[RoomType]


class RoomList(BaseModel):
    rooms: list[Room]


class RateList(BaseModel):
    rates: list[Rate]


class PackageList(BaseModel):
    packages: list[PackageItem]


class DiscountCodeList(BaseModel):
    discount_codes: list[DiscountCode]


class PropertyChanges(BaseModel):
    dry_run: bool
    changes: list[str]


class RoomStatusChange(Request):
    status: ServiceStatus = Field(
        description="maintenance and out_of_service take the room out of inventory from tonight"
    )


class BlockCreate(Request):
    from_: dt.date = Field(alias="from", description="the first night blocked")
    to: dt.date = Field(description="the morning the room is back: the last night blocked is the one before")
    reason: LongText = ""


class BlockRead(BaseModel):
    id: str
    room_number: str
    from_: dt.date = Field(serialization_alias="from")
    to: dt.date
    reason: str
    created_by: str
    created_at: Instant


class BlockList(BaseModel):
    blocks: list[BlockRead]


# ---------------------------------------------------------------- the whole property


@router.get(
    "/property",
    response_model=PropertyDocument,
    response_model_exclude_none=True,
    summary="The whole property, as `roomi hotel export` writes it",
)
async def get_property(uow: ReadUow, _: Admin) -> dict:
    return canonical(_checked(await property_setup.export(uow)))


@router.put(
    "/property",
    response_model=PropertyChanges,
    responses=SOLD,
    summary="Replace the whole property, as `roomi hotel import` does (dry_run: only say what would change)",
)
async def put_property(
    body: PropertyDocument, uow: WriteUow, c: ContainerDep, _: Admin, dry_run: bool = False
) -> PropertyChanges | Response:
    document = canonical(_cross_checked(body))
    return await _sold_as_problem(_apply(uow, c, document, dry_run=dry_run))


# ---------------------------------------------------------------- collections


def _crud(
    collection: str,
    model: type[BaseModel],
    key: Callable[[dict], Any],
    list_model: type[BaseModel],
    path: str,
    label: str,
    name: str = "code",
) -> None:
    """GET list, POST, and GET/PUT/DELETE one item of one collection of the document."""
    one_path = f"/{path}/{{{name}}}" if collection != "rates" else f"/{path}/{{type_code}}/{{rate_code}}"
    Code = Annotated[str, Path(alias=name, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]

    @router.get(
        f"/{path}",
        response_model=list_model,
        response_model_exclude_none=True,
        summary=f"All {label}s",
        name=f"list_{collection}",
    )
    async def list_items(uow: ReadUow, _: Admin):
        return {collection: (await current_document(uow))[collection]}

    @router.post(
        f"/{path}",
        response_model=model,
        response_model_exclude_none=True,
        status_code=201,
        responses=SOLD,
        summary=f"Add a {label}",
        name=f"create_{collection}",
    )
    async def create_item(body: model, uow: WriteUow, c: ContainerDep, _: Admin):  # type: ignore[valid-type]
        return await _sold_as_problem(save_item(uow, c, collection, body.model_dump(mode="json", exclude_none=True)))  # type: ignore[attr-defined]

    async def read_one(uow: ReadUow, wanted: Any):
        doc = await current_document(uow)
        return doc[collection][_index(doc, collection, key, wanted, label)]

    async def replace_one(body: BaseModel, uow: WriteUow, c: ContainerDep, wanted: Any):
        item = body.model_dump(mode="json", exclude_none=True)
        if key(item) != wanted:
            raise InvalidRequest(
                f"The {label} in the body ({_name(key(item))}) is not the one in the address ({_name(wanted)}).",
                field="body",
            )
        return await _sold_as_problem(save_item(uow, c, collection, item, replacing=wanted))

    async def delete_one(uow: WriteUow, c: ContainerDep, wanted: Any):
        answer = await _sold_as_problem(remove_item(uow, c, collection, wanted))
        return answer if isinstance(answer, Response) else Response(status_code=204)

    if collection == "rates":
        TypeCode = Annotated[str, Path(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")]

        @router.get(
            one_path,
            response_model=model,
            response_model_exclude_none=True,
            summary=f"One {label}",
            name=f"get_{collection}",
        )
        async def get_rate(type_code: TypeCode, rate_code: TypeCode, uow: ReadUow, _: Admin):
            return await read_one(uow, (rate_code.upper(), type_code.upper()))

        @router.put(
            one_path,
            response_model=model,
            response_model_exclude_none=True,
            responses=SOLD,
            summary=f"Change a {label}",
            name=f"put_{collection}",
        )
        async def put_rate(
            type_code: TypeCode,
            rate_code: TypeCode,
            body: model,  # type: ignore[valid-type]
            uow: WriteUow,
            c: ContainerDep,
            _: Admin,
        ):
            return await replace_one(body, uow, c, (rate_code.upper(), type_code.upper()))

        @router.delete(
            one_path, status_code=204, responses=SOLD, summary=f"Remove a {label}", name=f"delete_{collection}"
        )
        async def delete_rate(type_code: TypeCode, rate_code: TypeCode, uow: WriteUow, c: ContainerDep, _: Admin):
            return await delete_one(uow, c, (rate_code.upper(), type_code.upper()))

        return

    normal = (lambda value: value.upper()) if collection in ("room_types", "discount_codes") else (lambda value: value)

    @router.get(
        one_path,
        response_model=model,
        response_model_exclude_none=True,
        summary=f"One {label}",
        name=f"get_{collection}",
    )
    async def get_item(code: Code, uow: ReadUow, _: Admin):
        return await read_one(uow, normal(code))

    @router.put(
        one_path,
        response_model=model,
        response_model_exclude_none=True,
        responses=SOLD,
        summary=f"Change a {label}",
        name=f"put_{collection}",
    )
    async def put_item(code: Code, body: model, uow: WriteUow, c: ContainerDep, _: Admin):  # type: ignore[valid-type]
        return await replace_one(body, uow, c, normal(code))

    @router.delete(one_path, status_code=204, responses=SOLD, summary=f"Remove a {label}", name=f"delete_{collection}")
    async def delete_item(code: Code, uow: WriteUow, c: ContainerDep, _: Admin):
        return await delete_one(uow, c, normal(code))


COLLECTIONS: dict[str, tuple[Callable[[dict], Any], str]] = {
    "room_types": (lambda t: t["type_code"], "room type"),
    "rooms": (lambda r: r["room_number"], "room"),
    "rates": (lambda r: (r["rate_code"], r["type_code"]), "rate"),
    "packages": (lambda p: p["code"], "package"),
    "discount_codes": (lambda d: d["code"], "discount code"),
}


class ItemProblems(InvalidRequest):
    """What is wrong after a change to one item, one line each; the item's own fields are named bare (`floor: ...`)."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else ""))
        self.problems = problems


async def save_item(uow, c, collection: str, item: dict, *, replacing: Any = None) -> dict:
    """Add an item (or replace the one keyed `replacing`), check the whole property, apply it; the item as stored."""
    key, label = COLLECTIONS[collection]

    def change(doc: dict) -> int:
        if replacing is not None:
            index = _index(doc, collection, key, replacing, label)
            doc[collection][index] = item
            return index
        if any(key(existing) == key(item) for existing in doc[collection]):
            raise Conflict(f"There is already a {label} {_name(key(item))}; change it with PUT.")
        doc[collection].append(item)
        return len(doc[collection]) - 1

    return await _change(uow, c, collection, change, lambda doc, i: doc[collection][i])


async def remove_item(uow, c, collection: str, wanted: Any) -> None:
    """Remove one item (keyed `wanted`), check the whole property, apply it; Conflict or RoomsSold say why not."""
    key, label = COLLECTIONS[collection]

    def change(doc: dict) -> None:
        index = _index(doc, collection, key, wanted, label)
        if collection == "room_types":
            code = doc[collection][index]["type_code"]
            rooms = sum(1 for r in doc["rooms"] if r["type_code"] == code)
            rates = sum(1 for r in doc["rates"] if r["type_code"] == code)
            if rooms or rates:
                raise Conflict(
                    f"Room type {code} still has {rooms} rooms and {rates} rates; remove or move them first."
                )
        del doc[collection][index]

    await _change(uow, c, collection, change, None)


_crud("room_types", RoomType, COLLECTIONS["room_types"][0], RoomTypeList, "room-types", "room type", "type_code")
_crud("rates", Rate, COLLECTIONS["rates"][0], RateList, "rates", "rate")
_crud("packages", PackageItem, COLLECTIONS["packages"][0], PackageList, "packages", "package")
_crud(
    "discount_codes",
    DiscountCode,
    COLLECTIONS["discount_codes"][0],
    DiscountCodeList,
    "discount-codes",
    "discount code",
)


# ---------------------------------------------------------------- rooms, their status and blocks

_crud("rooms", Room, COLLECTIONS["rooms"][0], RoomList, "rooms", "room", "room_number")


@router.put(
    "/rooms/{room_number}/status",
    response_model=Room,
    response_model_exclude_none=True,
    responses=SOLD,
    summary="Take a room out of inventory (maintenance, out_of_service) or put it back (available)",
)
async def set_room_status(room_number: Key, body: RoomStatusChange, uow: WriteUow, c: ContainerDep, _: Admin):
    async def run():
        await property_setup.set_room_status(
            uow, room_number=room_number, status=body.status, now=c.clock.now(), today=c.clock.today()
        )
        doc = await property_setup.export(uow)
        await uow.commit()
        return doc["rooms"][_index(doc, "rooms", lambda r: r["room_number"], room_number, "room")]

    return await _sold_as_problem(run())


@router.get("/rooms/{room_number}/blocks", response_model=BlockList, summary="A room's blocks")
async def list_blocks(room_number: Key, uow: ReadUow, _: Admin) -> BlockList:
    return BlockList(blocks=[_block(b) for b in await property_setup.blocks(uow, room_number=room_number)])


@router.post(
    "/rooms/{room_number}/blocks",
    response_model=BlockRead,
    status_code=201,
    responses=SOLD,
    summary="Take a room out of inventory for the nights from `from` up to the night before `to`",
)
async def add_block(room_number: Key, body: BlockCreate, uow: WriteUow, c: ContainerDep, who: Admin):
    async def run():
        block = await property_setup.add_block(
            uow,
            room_number=room_number,
            start=body.from_,
            end=body.to,
            reason=body.reason,
            actor=who.actor,
            now=c.clock.now(),
            today=c.clock.today(),
        )
        await uow.commit()
        return _block(block)

    return await _sold_as_problem(run())


@router.delete(
    "/rooms/{room_number}/blocks/{block_id}", status_code=204, summary="Remove a block: the room is sold again"
)
async def remove_block(room_number: Key, block_id: Key, uow: WriteUow, c: ContainerDep, _: Admin) -> Response:
    await property_setup.remove_block(uow, room_number=room_number, block_id=block_id, today=c.clock.today())
    await uow.commit()
    return Response(status_code=204)


# ---------------------------------------------------------------- helpers


def _block(b: property_setup.Block) -> BlockRead:
    return BlockRead(
        id=b.id,
        room_number=b.room_number,
        from_=b.start,
        to=b.end,
        reason=b.reason,
        created_by=b.created_by,
        created_at=b.created_at,
    )


def _name(value: Any) -> str:
    return "/".join(value) if isinstance(value, tuple) else str(value)


def _index(doc: dict, collection: str, key: Callable[[dict], Any], wanted: Any, label: str) -> int:
    for index, item in enumerate(doc[collection]):
        if key(item) == wanted:
            return index
    raise NotFound(f"There is no {label} {_name(wanted)}.")


def _checked(raw: dict) -> PropertyDocument:
    try:
        return parse(raw)
    except PropertyProblems as exc:
        raise InvalidRequest("; ".join(exc.problems[:5])) from None


def _cross_checked(body: PropertyDocument) -> PropertyDocument:
    from ..property.checks import cross_check

    problems = cross_check(body)
    if problems:
        raise InvalidRequest("; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else ""))
    return body


async def current_document(uow) -> dict:
    """The property as the setup API shows it: every field filled in, amounts in currency units."""
    return canonical(_checked(await property_setup.export(uow)))


async def _apply(uow, c, document: dict, *, dry_run: bool) -> PropertyChanges:
    changes = await property_setup.apply(uow, document, now=c.clock.now(), today=c.clock.today())
    if not dry_run:
        await uow.commit()
    return PropertyChanges(dry_run=dry_run, changes=changes)


async def _change(uow, c, collection: str, change: Callable[[dict], int | None], result):
    """Change the document under the setup lock, check all of it, apply it; the changed item (or None)."""
    await property_setup.lock(uow)
    doc = canonical(_checked(await property_setup.export(uow)))
    index = change(doc)
    try:
        document = canonical(parse(doc))
    except PropertyProblems as exc:
        own = f"{collection}[{index}]"
        problems = [
            p[len(own) + 1 :].lstrip(": ") if index is not None and p.startswith(own) else p for p in exc.problems
        ]
        raise ItemProblems(problems) from None
    await property_setup.apply(uow, document, now=c.clock.now(), today=c.clock.today())
    await uow.commit()
    return result(document, index) if result is not None else None


async def _sold_as_problem(pending):
    """The awaited answer, or 409 with the bookings a change would leave without a room."""
    try:
        return await pending
    except property_setup.RoomsSold as exc:
        return problem(409, exc.detail, title=exc.title, code=exc.code, conflicting_bookings=exc.bookings)
