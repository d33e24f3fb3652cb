"""Setup (admins): create, edit and remove room types, rooms, rate plans, packages and discount codes.

Each save goes through the setup API's own path (`api.property.save_item`): the whole property is checked as
`roomi hotel import` checks it and applied in one transaction. A form that does not pass comes back with every
value as typed and each problem next to its field.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse

from ...api import property as setup_api
from ...api.deps import ContainerDep, ReadUow, WriteUow
from ...api.errors import without_long_numbers
from ...domain.errors import Conflict, NotFound
from ...services.property_setup import RoomsSold
from .catalog_forms import KINDS, Kind, defaults, form_values, place_problems, read_form
from .render import DeskRoute, page
from .session import AdminUser, Change

router = APIRouter(prefix="/desk/setup", route_class=DeskRoute, include_in_schema=False)
Key = Annotated[str, Path(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")]


def _find(doc: dict, kind: Kind, key: str) -> dict:
    wanted = kind.lookup(key)
    key_of = setup_api.COLLECTIONS[kind.collection][0]
    for item in doc[kind.collection]:
        if wanted is not None and key_of(item) == wanted:
            return item
    raise NotFound(f"There is no {kind.label} {key}.", field="key")


def _choices(doc: dict) -> dict[str, list[str]]:
    """The lists a room's or a rate's selects offer, from the property as it is."""
    types = doc["room_types"]
    beds = sorted({bed["code"] for t in types for bed in t.get("bed_configurations", [])})
    views = sorted({view for t in types for view in t.get("view_options", [])})
    return {"type_codes": [t["type_code"] for t in types], "bed_codes": beds, "views": views}


def _form(
    request: Request,
    kind: Kind,
    doc: dict,
    *,
    values: dict[str, str],
    key: str | None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
):
    return page(
        request,
        "setup_item.html",
        status_code=status_code,
        kind=kind,
        key=key,
        values=values,
        errors=errors or {},
        choices=_choices(doc),
        currency=doc["hotel"].get("currency", "USD"),
    )


async def _show(request: Request, uow, kind: Kind, key: str | None):
    doc = await setup_api.current_document(uow)
    item = _find(doc, kind, key) if key is not None else defaults(kind)
    return _form(request, kind, doc, values=form_values(kind, item), key=key)


async def _save(request: Request, form: dict[str, str], uow, c, kind: Kind, key: str | None):
    doc = await setup_api.current_document(uow)
    base = _find(doc, kind, key) if key is not None else None
    item, errors = read_form(kind, form, base, currency=doc["hotel"].get("currency", "USD"))
    status = 422
    if item is not None:
        try:
            await setup_api.save_item(
                uow, c, kind.collection, item, replacing=kind.lookup(key) if key is not None else None
            )
        except setup_api.ItemProblems as exc:
            errors = place_problems(kind, exc.problems)
        except RoomsSold as exc:
            errors, status = {"": _sold(exc)}, 409
        except Conflict as exc:
            errors, status = {next(f.path for f in kind.fields if f.key): exc.detail}, 409
        else:
            return RedirectResponse(f"/desk/setup?done=saved#{kind.slug}", status_code=303)
    typed = {f.path: form.get(f.path, "") for f in kind.fields}
    if base is not None:
        stored = form_values(kind, base)
        typed |= {f.path: stored[f.path] for f in kind.fields if f.key}  # the item edited is the one in the address
    typed = {path: without_long_numbers(value) for path, value in typed.items()}  # a card typed here is not shown back
    errors = {path: without_long_numbers(problem) for path, problem in errors.items()}
    return _form(request, kind, doc, values=typed, key=key, errors=errors, status_code=status)


async def _confirm_removal(request: Request, uow, kind: Kind, key: str):
    _find(await setup_api.current_document(uow), kind, key)
    return page(request, "setup_remove.html", kind=kind, key=key, problem="")


async def _remove(request: Request, uow, c, kind: Kind, key: str):
    _find(await setup_api.current_document(uow), kind, key)
    try:
        await setup_api.remove_item(uow, c, kind.collection, kind.lookup(key))
    except RoomsSold as exc:
        problem = _sold(exc)
    except Conflict as exc:
        problem = exc.detail
    else:
        return RedirectResponse(f"/desk/setup?done=removed#{kind.slug}", status_code=303)
    problem = without_long_numbers(problem)
    return page(request, "setup_remove.html", status_code=409, kind=kind, key=key, problem=problem)


def _sold(exc: RoomsSold) -> str:
    numbers = ", ".join(b["confirmation_number"] for b in exc.bookings[:10])
    return f"{exc.detail} ({numbers})" if numbers else exc.detail


def _routes(kind: Kind) -> None:
    async def new_item(request: Request, user: AdminUser, uow: ReadUow) -> Any:
        return await _show(request, uow, kind, None)

    async def create_item(request: Request, form: Change, user: AdminUser, uow: WriteUow, c: ContainerDep) -> Any:
        return await _save(request, form, uow, c, kind, None)

    async def edit_item(request: Request, key: Key, user: AdminUser, uow: ReadUow) -> Any:
        return await _show(request, uow, kind, key)

    async def save_item(
        request: Request, key: Key, form: Change, user: AdminUser, uow: WriteUow, c: ContainerDep
    ) -> Any:
        return await _save(request, form, uow, c, kind, key)

    async def confirm_removal(request: Request, key: Key, user: AdminUser, uow: ReadUow) -> Any:
        return await _confirm_removal(request, uow, kind, key)

    async def remove_item(
        request: Request, key: Key, form: Change, user: AdminUser, uow: WriteUow, c: ContainerDep
    ) -> Any:
        return await _remove(request, uow, c, kind, key)

    name = kind.collection
    router.add_api_route(f"/{kind.slug}/remove/{{key}}", confirm_removal, methods=["GET"], name=f"desk_confirm_{name}")
    router.add_api_route(f"/{kind.slug}/remove/{{key}}", remove_item, methods=["POST"], name=f"desk_remove_{name}")
    router.add_api_route(f"/{kind.slug}/new", new_item, methods=["GET"], name=f"desk_new_{name}")
    router.add_api_route(f"/{kind.slug}/new", create_item, methods=["POST"], name=f"desk_create_{name}")
    router.add_api_route(f"/{kind.slug}/edit/{{key}}", edit_item, methods=["GET"], name=f"desk_edit_{name}")
    router.add_api_route(f"/{kind.slug}/edit/{{key}}", save_item, methods=["POST"], name=f"desk_save_{name}")


for _kind in KINDS.values():
    _routes(_kind)
