"""The `roomi` command: run the hotel's reservation API and manage it from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from . import __version__
from .config import Settings, describe_settings_error, masked_url, proxy_list

DEMO_HELP = """\
RoomiAI demo — Grand Hotel is open for reservations.

  Call Grand Hotel:        http://{host}:{port}/call   (talk to Roomi with your microphone)
  API docs (try it out):   http://{host}:{port}/docs
  Health:                  http://{host}:{port}/v1/health
  Database:                {database}
  Hotel date:              {today}
  Guests' e-mails:         {mail}

Log in on /docs with the Authorize button (OAuth2 password form), or from a shell:
  curl -s -X POST http://{host}:{port}/v1/auth/token -d 'username=admin&password=grandhotel-admin'
Demo users:  admin / grandhotel-admin   staff / grandhotel-staff   agent / grandhotel-agent
Quick token for scripts:  .venv/bin/roomi token --role admin
Press Ctrl+C to stop.
"""


def _settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # noqa: BLE001 - configuration errors are shown, not traced
        raise SystemExit(f"roomi: configuration error: {describe_settings_error(exc)}") from None


def _run(coro_factory: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    return asyncio.run(coro_factory())


async def _demo_bookings(settings: Settings, db, clock) -> None:
    """Two weeks of history and the bookings already made for the weeks ahead, through the real use cases."""
    import datetime as dt

    from .bootstrap import build_container
    from .demo.bookings import generate

    container = build_container(settings, db=db, clock=clock)
    print("loading demo bookings (two weeks back, a month ahead) ...", file=sys.stderr, flush=True)
    report = await generate(
        db, clock=clock, gateway=container.gateway, start=clock.today() - dt.timedelta(days=14), days=45
    )
    print(f"loaded {report.bookings} demo bookings for {report.guests} guests", file=sys.stderr, flush=True)


async def _demo_calls(settings: Settings, db, clock) -> None:
    """A few days of past calls: scripted callers talking to the real receptionist, for the desk's Calls page."""
    from .bootstrap import build_gateway
    from .demo.calls import make_past_calls

    gateway = build_gateway(settings)
    try:
        made = await make_past_calls(settings, db, today=clock.today(), gateway=gateway, now=clock.now())
    finally:
        close = getattr(gateway, "close", None) or getattr(gateway, "aclose", None)
        if close is not None:
            result = close()
            if hasattr(result, "__await__"):
                await result
    print(f"made {made} demo calls to Roomi over the last days and earlier today", file=sys.stderr, flush=True)


async def _prepare(settings: Settings, *, seed: bool, bookings: bool = True) -> bool:
    from .bootstrap import open_database
    from .clock import Clock
    from .demo.seed import seed_demo
    from .store.uow import UnitOfWork

    async with open_database(settings) as db:
        if not seed:
            return False
        clock = Clock("America/New_York", pinned_date=settings.today)
        async with UnitOfWork(db, write=True) as uow:
            loaded = await seed_demo(uow, now=clock.now())
        if loaded and bookings:
            await _demo_bookings(settings, db, clock)
            await _demo_calls(settings, db, clock)
        return loaded


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings()
    _run(lambda: _prepare(settings, seed=False))
    print(f"database is up to date: {masked_url(settings.database_url)}")
    return 0


def _refuse_demo_in_prod(settings: Settings, command: str) -> bool:
    """True (after saying why) when ROOMIAI_ENV is not dev: demo data and demo passwords stay out of production."""
    if settings.env == "dev":
        return False
    print(
        f"roomi {command}: the demo (fake bookings, demo users with published passwords) never runs with "
        f"ROOMIAI_ENV={settings.env}. Set up your own hotel with `roomi init --hotel FILE` instead.",
        file=sys.stderr,
    )
    return True


def cmd_seed(args: argparse.Namespace) -> int:
    if not args.demo:
        print(
            "roomi seed: say what to load; only --demo (the Grand Hotel demo property) exists. "
            "For your own hotel: roomi init --hotel FILE, or roomi hotel import FILE.",
            file=sys.stderr,
        )
        return 2
    settings = _settings()
    if _refuse_demo_in_prod(settings, "seed --demo"):
        return 2
    loaded = _run(lambda: _prepare(settings, seed=True))
    print("loaded the Grand Hotel demo" if loaded else "a hotel is already set up; nothing loaded")
    return 0


def server_config(
    app,
    *,
    host: str,
    port: int,
    trusted_proxies: list[str],
    ws: str = "auto",
    workers: int = 1,
    access_log: bool = False,
):
    """uvicorn's settings: client address and scheme come from X-Forwarded-For/-Proto only when a trusted proxy sent them.

    `app` is the app, or with several workers the import string of the factory each worker process calls.
    """
    import uvicorn

    # log_config=None: uvicorn's records go through the redacting JSON handlers set up in main() (in workers: the factory)
    # access_log: one JSON line per request costs ~15 % of a small request's CPU; per-route figures are in /metrics
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        log_config=None,
        ws=ws,
        access_log=access_log,
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=trusted_proxies or None,
        factory=isinstance(app, str),
        workers=workers,
    )


def _serve(
    settings: Settings, host: str, port: int, *, call_page: bool = False, trusted_proxies: list[str], workers: int = 1
) -> int:
    import uvicorn

    from .bootstrap import WORKER_APP, build_app

    if workers > 1:  # each process builds its own app through the factory; the parent only binds the port
        if not settings.redis_url:
            print(
                f"roomi serve: {workers} workers without ROOMIAI_REDIS_URL: rate limits and login and lookup throttles "
                "are counted per process (each allows its own quota)",
                file=sys.stderr,
            )
        from uvicorn.supervisors import Multiprocess

        from .api.metrics import share_between_workers

        share_between_workers()  # one folder for every worker's meters: any worker's /metrics reports them all

        config = server_config(
            WORKER_APP,
            host=host,
            port=port,
            trusted_proxies=trusted_proxies,
            workers=workers,
            access_log=settings.access_log,
        )
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return 0
    app = build_app(settings, call_page=call_page)
    # the call page's WebSocket needs the websockets package (voice extra); the API alone runs without it
    ws = "websockets-sansio" if call_page else "auto"
    uvicorn.Server(
        server_config(app, host=host, port=port, trusted_proxies=trusted_proxies, ws=ws, access_log=settings.access_log)
    ).run()
    return 0


def _trusted_proxies(args: argparse.Namespace, settings: Settings) -> list[str]:
    """--forwarded-allow-ips if given, else ROOMIAI_TRUSTED_PROXIES."""
    if args.forwarded_allow_ips is None:
        return settings.trusted_proxy_list
    try:
        return proxy_list(args.forwarded_allow_ips)
    except ValueError as exc:
        raise SystemExit(f"roomi: {exc}") from None


def cmd_serve(args: argparse.Namespace) -> int:
    from .bootstrap import prepare_keys

    settings = _settings()
    trusted = _trusted_proxies(args, settings)
    workers = args.workers if args.workers is not None else settings.workers
    if not 1 <= workers <= 64:
        print("roomi serve: --workers must be between 1 and 64.", file=sys.stderr)
        return 2
    _run(lambda: _prepare(settings, seed=False))  # migrated once, before any worker starts
    prepare_keys(settings)
    return _serve(settings, args.host, args.port, trusted_proxies=trusted, workers=workers)


def cmd_demo(args: argparse.Namespace) -> int:
    settings = _settings()
    if _refuse_demo_in_prod(settings, "demo"):
        return 2
    trusted = _trusted_proxies(args, settings)
    _run(lambda: _prepare(settings, seed=True))
    from .clock import Clock

    today = Clock("America/New_York", pinned_date=settings.today).today()
    print(
        DEMO_HELP.format(
            host=args.host,
            port=args.port,
            database=masked_url(settings.database_url),
            today=today,
            mail=_mail_summary(settings),
        ),
        flush=True,
    )
    return _serve(settings, args.host, args.port, call_page=True, trusted_proxies=trusted)


def _mail_summary(settings: Settings) -> str:
    """Where the demo's guest e-mails go, in words."""
    delivery = settings.resolved_mail_delivery()
    if delivery == "files":
        from .messaging.setup import mail_folder

        return f"written as .eml files to {mail_folder(settings)}/"
    return "sent through ROOMIAI_SMTP_URL" if delivery == "smtp" else "off (ROOMIAI_MAIL_DELIVERY=off)"


def cmd_token(args: argparse.Namespace) -> int:
    from .services.auth import access_token, wall_clock

    settings = _settings()
    token = access_token(
        secret=settings.resolved_jwt_secret(),
        subject=args.subject or f"cli-{args.role}",
        role=args.role,
        minutes=args.minutes,
        now=wall_clock(),
    )
    print(token)
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    from .bootstrap import open_database
    from .clock import Clock
    from .services.auth import save_user
    from .store.uow import UnitOfWork

    if not args.disable and not args.role:
        print("roomi user: say --role (to create a user or reset its password) or --disable.", file=sys.stderr)
        return 2
    settings = _settings()
    password = None
    if not args.disable:
        password = os.environ.get("ROOMIAI_NEW_PASSWORD") or getpass.getpass(f"password for {args.username}: ")

    async def _save() -> None:
        async with open_database(settings) as db, UnitOfWork(db, write=True) as uow:
            await save_user(
                uow,
                username=args.username,
                password=password,
                role=args.role,
                active=not args.disable,
                now=Clock().now(),
            )
            await uow.commit()

    from .domain.errors import DomainError

    try:
        _run(_save)
    except DomainError as exc:
        print(f"roomi user: {exc.detail}", file=sys.stderr)
        return 2
    done = "disabled" if args.disable else f"({args.role}) saved"
    print(f"user {args.username} {done}; tokens issued to it before are revoked")
    return 0


def _property_file(path: str, command: str):
    """The file's property document in its stored form, or None after printing every problem with its place."""
    from pathlib import Path

    from .property.checks import PropertyProblems, canonical, parse
    from .property.files import read

    try:
        return canonical(parse(read(Path(path))))
    except PropertyProblems as exc:
        count = len(exc.problems)
        print(
            f"roomi {command}: {path} has {count} problem{'s' if count > 1 else ''}; nothing was imported:",
            file=sys.stderr,
        )
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return None


def _print_refusal(command: str, exc) -> None:
    print(f"roomi {command}: {exc.detail} Nothing was imported.", file=sys.stderr)
    for booking in getattr(exc, "bookings", []):
        print(
            f"  {booking['confirmation_number']} ({booking['status']}) {booking['check_in']} to {booking['check_out']}",
            file=sys.stderr,
        )


async def _import_hotel(settings: Settings, document: dict, *, dry_run: bool, admin: tuple[str, str] | None = None):
    """Apply the document in one transaction (rolled back for a dry run); with `admin`, only into an empty database."""
    from .bootstrap import open_database
    from .clock import Clock
    from .demo.seed import is_seeded
    from .services import property_setup
    from .services.auth import create_user, users
    from .store.uow import UnitOfWork

    clock = Clock(document["hotel"]["timezone"], pinned_date=settings.today)
    async with open_database(settings) as db, UnitOfWork(db, write=True) as uow:
        if admin is not None and (await is_seeded(uow) or await users(uow)):
            return None
        changes = await property_setup.apply(uow, document, now=clock.now(), today=clock.today())
        if admin is not None:
            await create_user(uow, username=admin[0], password=admin[1], role="admin", now=clock.now())
        if not dry_run:
            await uow.commit()
        return changes


def cmd_hotel(args: argparse.Namespace) -> int:
    from .domain.errors import DomainError

    settings = _settings()
    if args.action == "export":
        return _export_hotel(settings, args)
    document = _property_file(args.file, "hotel import")
    if document is None:
        return 2
    try:
        changes = _run(lambda: _import_hotel(settings, document, dry_run=args.dry_run))
    except DomainError as exc:
        _print_refusal("hotel import", exc)
        return 2
    if args.dry_run:
        print(
            f"{args.file} is valid; importing it would make {len(changes)} change{'s' if len(changes) != 1 else ''}"
            " (nothing was changed):"
        )
    else:
        print(f"imported {args.file}: {len(changes)} change{'s' if len(changes) != 1 else ''}")
    for line in changes:
        print(f"  {line}")
    return 0


def _export_hotel(settings: Settings, args: argparse.Namespace) -> int:
    from .bootstrap import open_database
    from .domain.errors import DomainError
    from .property.checks import PropertyProblems, canonical, compact, parse
    from .property.files import dumps, format_for
    from .services import property_setup
    from .store.uow import UnitOfWork

    async def _read() -> dict:
        async with open_database(settings) as db, UnitOfWork(db) as uow:
            return await property_setup.export(uow)

    try:
        text = dumps(compact(canonical(parse(_run(_read)))), fmt=format_for(args.file, args.format))
    except DomainError as exc:
        print(f"roomi hotel export: {exc.detail}", file=sys.stderr)
        return 2
    except PropertyProblems as exc:  # data stored before these checks existed
        print(
            "roomi hotel export: the stored property does not pass the file's checks:\n  " + "\n  ".join(exc.problems),
            file=sys.stderr,
        )
        return 2
    if args.file in (None, "-"):
        sys.stdout.write(text)
    else:
        with open(args.file, "w", encoding="utf-8") as out:
            out.write(text)
        print(f"wrote {args.file}", file=sys.stderr)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from .domain.errors import DomainError

    settings = _settings()
    document = _property_file(args.hotel, "init")
    if document is None:
        return 2
    password = os.environ.get("ROOMIAI_NEW_PASSWORD")
    if not password:
        password = getpass.getpass(f"password for the first admin user {args.admin!r} (12 characters or more): ")
        if getpass.getpass("the same password again: ") != password:
            print("roomi init: the two passwords differ; nothing was done.", file=sys.stderr)
            return 2
    try:
        changes = _run(lambda: _import_hotel(settings, document, dry_run=False, admin=(args.admin, password)))
    except DomainError as exc:
        _print_refusal("init", exc)
        return 2
    if changes is None:
        print(
            "roomi init: this database is already set up (it has a hotel or users); nothing was done. "
            "Change the hotel with `roomi hotel import FILE` and users with `roomi user`.",
            file=sys.stderr,
        )
        return 2
    print(
        f"initialised {masked_url(settings.database_url)}: hotel {document['hotel']['name']} "
        f"({len(document['room_types'])} room types, {len(document['rooms'])} rooms, {len(document['rates'])} rates), "
        f"admin user {args.admin}. Serve it with `roomi serve`."
    )
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from .bootstrap import build_gateway, open_database
    from .clock import Clock
    from .services.retention import purge_cards, purge_transcripts
    from .store.uow import UnitOfWork

    settings = _settings()
    days = args.days if args.days is not None else settings.transcript_retention_days
    card_days = args.card_days if args.card_days is not None else settings.card_retention_days
    if days < 1 or card_days < 1:
        print("roomi purge: --days and --card-days must be at least 1.", file=sys.stderr)
        return 2

    async def _purge():
        gateway = build_gateway(settings)
        clock = Clock(pinned_date=settings.today)
        try:
            async with open_database(settings) as db:
                async with UnitOfWork(db, write=True) as uow:
                    transcripts = await purge_transcripts(
                        uow, now=clock.now(), retention_days=days, dry_run=args.dry_run
                    )
                async with UnitOfWork(db, write=True) as uow:
                    cards = await purge_cards(
                        uow,
                        gateway=gateway,
                        today=clock.today(),
                        now=clock.now(),
                        retention_days=card_days,
                        dry_run=args.dry_run,
                    )
            return transcripts, cards
        finally:
            close = getattr(gateway, "aclose", None) or getattr(gateway, "close", None)
            if close is not None and asyncio.iscoroutine(result := close()):
                await result

    for report in _run(_purge):
        print(report.describe())
    return 0


def cmd_nlu_eval(args: argparse.Namespace) -> int:
    from .agent.brain.nlu_eval import run

    if args.file == "-":
        return run(sys.stdin, sys.stdout)
    try:
        with open(args.file, encoding="utf-8") as infile:
            return run(infile, sys.stdout)
    except OSError as exc:
        print(f"roomi nlu-eval: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2


def cmd_chat(args: argparse.Namespace) -> int:
    logging.getLogger().setLevel(logging.WARNING)
    from .agent import chat

    settings = _settings()
    if args.database_url:
        settings = settings.model_copy(update={"database_url": args.database_url})
    return chat.run(settings, jsonl=args.jsonl, brain=args.brain, today=args.today, caller_id=args.caller_id)


def cmd_call(args: argparse.Namespace) -> int:
    logging.getLogger("livekit").setLevel(logging.ERROR)
    from .voice import wav_call

    return wav_call.run(_settings(), caller_wavs=args.caller, out_dir=args.out_dir, today=args.today, brain=args.brain)


def cmd_agent(args: argparse.Namespace) -> int:
    from .voice import worker

    return worker.run(args.mode, args.livekit_args)


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .store.backup import BackupProblem, backup, sqlite_file

    settings = _settings()
    try:
        report = backup(sqlite_file(settings.database_url), Path(args.file), overwrite=args.force)
    except BackupProblem as exc:
        print(f"roomi backup: {exc}", file=sys.stderr)
        return 2
    print(
        f"backed up {masked_url(settings.database_url)} to {report.path} (migration {report.migration}, "
        f"{report.bookings} bookings, {report.size_bytes // 1024} KiB). Guest data in it stays encrypted: keep "
        "ROOMIAI_PII_KEY (in dev mode pii.key in the data folder) and the card vault with it."
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .store.backup import BackupProblem, restore, sqlite_file

    settings = _settings()
    try:
        report = restore(Path(args.file), sqlite_file(settings.database_url), replace_existing=args.force)
    except BackupProblem as exc:
        print(f"roomi restore: {exc}", file=sys.stderr)
        return 2
    kept = f"; the database that was there is now {report.replaced}" if report.replaced else ""
    print(
        f"restored {args.file} (migration {report.migration}, {report.bookings} bookings) to {report.database}{kept}. "
        "`roomi serve` brings it to the newest migration; it needs the PII key it was made with."
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roomi",
        description="RoomiAI, an AI receptionist for hotels. Configuration comes from ROOMIAI_* environment "
        "variables (or .env): ROOMIAI_DATABASE_URL (sqlite+aiosqlite:///... or postgresql+asyncpg://...), "
        "ROOMIAI_TODAY=YYYY-MM-DD to pin the hotel's clock, ROOMIAI_JWT_SECRET, ROOMIAI_ENV=prod.",
    )
    parser.add_argument("--version", action="version", version=f"roomi {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    for name, handler, text in (
        (
            "demo",
            cmd_demo,
            "Set up the database, load the Grand Hotel demo and a month of demo bookings if it is empty, and serve the API with the Call Grand Hotel page (/call).",
        ),
        ("serve", cmd_serve, "Apply database migrations, then serve the API."),
    ):
        p = add(name, handler, text)
        p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
        p.add_argument(
            "--forwarded-allow-ips",
            metavar="ADDRESSES",
            help="the TLS proxies in front (comma-separated addresses or networks, * for any) whose "
            "X-Forwarded-For and X-Forwarded-Proto are believed (default ROOMIAI_TRUSTED_PROXIES, "
            "else none)",
        )
    sub.choices["serve"].add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="API processes sharing the port, each with its own app (default "
        "ROOMIAI_WORKERS, else 1); with more than one, set ROOMIAI_REDIS_URL so limits hold across them",
    )
    add("migrate", cmd_migrate, "Create or upgrade the database schema.")
    p = add(
        "backup",
        cmd_backup,
        "Copy the embedded SQLite database to FILE, consistent while the API serves (for "
        "PostgreSQL use pg_dump: README, Backups).",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p = add(
        "restore",
        cmd_restore,
        "Put a backup made by `roomi backup` in place of the embedded SQLite database. Checks "
        "that FILE is an intact RoomiAI database at a migration this version knows; refuses "
        "while a process has the database open; the replaced database is kept, renamed.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--force", action="store_true", help="replace a database that already holds a hotel's data")
    p = add("seed", cmd_seed, "Load data into the database.")
    p.add_argument(
        "--demo",
        action="store_true",
        help="load the Grand Hotel demo property, demo users and a month of demo bookings",
    )
    p = add(
        "init",
        cmd_init,
        "First run in production: create the database schema, import your hotel file and create "
        "the first admin user (password from ROOMIAI_NEW_PASSWORD or a prompt). Refuses a database "
        "that already has a hotel or users; never creates demo users.",
    )
    p.add_argument(
        "--hotel", required=True, metavar="FILE", help="the property file (YAML or JSON; README: Set up your hotel)"
    )
    p.add_argument("--admin", default="admin", metavar="USERNAME", help="the first admin user's name (default admin)")
    p = add(
        "hotel",
        cmd_hotel,
        "Import or export the hotel's property file: settings, taxes, fees, room types, rooms, "
        "rates, packages and discount codes (YAML or JSON, the blueprint's field names).",
    )
    hotel_sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = hotel_sub.add_parser(
        "import",
        help="make the database hold exactly this property, in one transaction",
        description="Check the file, then create, update or remove settings, room types, rooms and "
        "rates so the database holds exactly what it describes. All or nothing.",
    )
    q.add_argument("file", metavar="FILE")
    q.add_argument("--dry-run", action="store_true", help="check the file and print what would change; change nothing")
    q = hotel_sub.add_parser("export", help="write the property file (to standard output without FILE)")
    q.add_argument("file", metavar="FILE", nargs="?")
    q.add_argument("--format", choices=["yaml", "json"], help="default: json for a .json FILE, else yaml")
    p = add("token", cmd_token, "Print an access token signed with the configured secret, for scripts.")
    p.add_argument("--role", required=True, choices=["admin", "staff", "agent"], help="role the token carries")
    p.add_argument("--minutes", type=int, default=60, help="lifetime in minutes (default 60)")
    p.add_argument("--subject", help="name recorded as the actor (default cli-ROLE)")
    p = add(
        "user",
        cmd_user,
        "Create a user or reset its password and role (password from ROOMIAI_NEW_PASSWORD or a "
        "prompt), or disable it; either way every token issued to it before is revoked.",
    )
    p.add_argument("username")
    p.add_argument("--role", choices=["admin", "staff", "agent"], help="the user's role (needed unless --disable)")
    p.add_argument("--disable", action="store_true", help="disable the user (enable it again with --role)")
    p = add(
        "purge",
        cmd_purge,
        "Delete call transcripts, recording references and the entities extracted from them once "
        "calls are older than ROOMIAI_TRANSCRIPT_RETENTION_DAYS (default 90); call outcomes and "
        "timings are kept. Delete the cards of stays that ended over ROOMIAI_CARD_RETENTION_DAYS "
        "(default 30) ago, and saved cards no booking used for a day.",
    )
    p.add_argument(
        "--days", type=int, help="retention in days for this run instead of ROOMIAI_TRANSCRIPT_RETENTION_DAYS"
    )
    p.add_argument(
        "--card-days", type=int, help="card retention in days for this run instead of ROOMIAI_CARD_RETENTION_DAYS"
    )
    p.add_argument("--dry-run", action="store_true", help="only print what would be purged")
    p = add("chat", cmd_chat, "Talk to Roomi, the receptionist, in the terminal against the configured database.")
    p.add_argument(
        "--jsonl",
        action="store_true",
        help='machine mode: read caller lines (text, {"caller": "..."} or {"hangup": true}) on stdin, '
        "write one JSON object per line on stdout",
    )
    p.add_argument("--today", help="pin the hotel's date for the whole call (YYYY-MM-DD)")
    p.add_argument("--caller-id", help="the caller's number, e.g. +15551234567 (the call log keeps it masked)")
    p.add_argument(
        "--brain",
        choices=["deterministic", "llm"],
        default=None,
        help="what drives Roomi's tools (default ROOMIAI_BRAIN, else deterministic); llm needs GROQ_API_KEY "
        "or ROOMIAI_LLM_BASE_URL (an OpenAI-compatible endpoint such as Ollama), with "
        "ROOMIAI_LLM_MODEL, ROOMIAI_LLM_PROVIDER, ROOMIAI_LLM_API_KEY, ROOMIAI_LLM_TEMPERATURE",
    )
    p.add_argument("--database-url", help="use this database instead of ROOMIAI_DATABASE_URL")
    p = add(
        "call",
        cmd_call,
        "Place a phone call from caller WAV files: each turn is played after Roomi's reply; her replies "
        "are written as OUT/agent_NN.wav with OUT/call.json (transcripts and timings).",
    )
    p.add_argument("--caller", nargs="+", required=True, metavar="WAV", help="the caller's turns, in order")
    p.add_argument("--out-dir", required=True, help="folder for agent_NN.wav and call.json")
    p.add_argument("--today", help="pin the hotel's date for the call (YYYY-MM-DD)")
    p.add_argument("--brain", choices=["deterministic", "llm"], default=None, help="as for roomi chat")
    p = add(
        "agent",
        cmd_agent,
        "Run Roomi as a LiveKit worker that answers calls (LIVEKIT_URL, LIVEKIT_API_KEY, "
        "LIVEKIT_API_SECRET; SIP callers, transfers by SIP REFER, DTMF).",
    )
    p.add_argument("mode", choices=["start", "dev"], help="start: production; dev: development (reloads, more logs)")
    p.add_argument("livekit_args", nargs=argparse.REMAINDER, help="passed on to livekit-agents, e.g. --log-level debug")
    p = add(
        "nlu-eval",
        cmd_nlu_eval,
        "Classify intents and extract entities of JSON lines {id, today, previous_agent, utterance}.",
    )
    p.add_argument("file", help="a JSON-lines file, or - for standard input")
    return parser


def _setup_logs() -> None:
    """JSON logs on stderr (and in ROOMIAI_LOG_DIR), redacted; a broken configuration is reported by the command."""
    from .logs import setup_logging

    try:
        settings = Settings()
    except Exception:  # noqa: BLE001 - the command itself shows configuration errors
        setup_logging()
        return
    setup_logging(level=settings.log_level, log_dir=settings.log_dir)


def main(argv: list[str] | None = None) -> int:
    _setup_logs()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    try:
        return args.handler(args)
    except Exception as exc:  # noqa: BLE001 - the environment's faults are said in one line; bugs keep their traceback
        problem = _environment_problem(exc)
        if problem is None:
            raise
        print(f"roomi: {problem}", file=sys.stderr)
        return 2


def _environment_problem(exc: Exception) -> str | None:
    """One line for a fault of the environment (keys, database), never quoting a secret; None for anything else."""
    import socket

    from sqlalchemy.exc import SQLAlchemyError

    from .payments.local_vault import VaultKeyError
    from .store.pii import PiiError

    if isinstance(exc, (PiiError, VaultKeyError)):  # the wrong key, or a database that needs `roomi migrate`
        return str(exc)
    from_driver = type(exc).__module__.split(".")[0] in ("asyncpg", "sqlite3", "aiosqlite")
    if not (isinstance(exc, (SQLAlchemyError, ConnectionError, TimeoutError, socket.gaierror)) or from_driver):
        return None
    url = os.environ.get("ROOMIAI_DATABASE_URL", "")
    try:
        url = Settings().database_url
    except Exception:  # noqa: BLE001 - the configuration was read once already; this is only for the message
        pass
    cause = getattr(exc, "orig", None) or exc
    reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    return f"cannot use the database {masked_url(url)}: {_without_password(reason, url)[:300]}"


def _without_password(text: str, url: str) -> str:
    """`text` with the URL's password (and the URL itself) taken out."""
    import re

    text = text.replace(url, masked_url(url)) if url else text
    password = re.search(r"://[^:/@]*:([^@]+)@", url)
    return text.replace(password.group(1), "***") if password else text


if __name__ == "__main__":
    sys.exit(main())
