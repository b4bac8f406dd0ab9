"""The `lotse` command: run the assistant, migrate the database, load the catalogue."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TypeVar

from lotse import catalogue
from lotse.db import session_scope
from lotse.requests import registry
from lotse.runtime import cli_admin, migrate
from lotse.settings import Settings, load_settings

T = TypeVar("T")


def prepare(settings: Settings) -> Path:
    """What every start needs: the schema, a catalogue (the demo one in an empty database) and
    Rasa's endpoints file for this installation's stores (its path is returned)."""
    from lotse.runtime.rasa_endpoints import endpoints_file

    migrate.upgrade(settings.database_url)
    with session_scope(settings.database_url) as session:
        loaded = catalogue.load_demo_if_empty(session)
    if loaded:
        print(f"   lotse | empty database: loaded the demo catalogue ({loaded.created} offers)")
    return endpoints_file(settings)


def cmd_prepare(_args: argparse.Namespace) -> int:
    """For deployments that start the processes themselves (deploy/Procfile, systemd)."""
    settings = load_settings()
    endpoints = prepare(settings)
    print(f"   lotse | database at revision {migrate.current(settings.database_url)}")
    print(f"   lotse | Rasa endpoints: {endpoints}")
    return 0


def cmd_run(_args: argparse.Namespace) -> int:
    from lotse.runtime.process_plan import build_children, child_env
    from lotse.runtime.supervisor import StartupError, Supervisor

    settings = load_settings()
    prepare(settings)
    try:
        stages = build_children(settings)
    except StartupError as exc:
        print(f"   lotse | error: {exc}", file=sys.stderr)
        return 1
    mode = (
        "console chat (no TELEGRAM_BOT_TOKEN set)"
        if settings.console_mode
        else (f"Telegram via {settings.telegram_api_base_url}")
    )
    print(
        f"   lotse | starting: Rasa on {settings.rasa_url}, actions on "
        f"{settings.action_server_url}, gateway: {mode}"
    )
    return Supervisor(settings, [c for stage in stages for c in stage]).run(
        stages, child_env(settings)
    )


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    print(f"database at revision {migrate.current(settings.database_url)}")
    return 0


def _progress(total_hint: str) -> Callable[[Iterable[T]], Iterable[T]]:
    """A tqdm bar for long imports and exports (quiet for small ones and when not a terminal)."""

    def wrap(items: Iterable[T]) -> Iterable[T]:
        from tqdm import tqdm

        sized = list(items)
        return tqdm(sized, desc=total_hint, unit="offer", disable=len(sized) < 500 or None)

    return wrap


def cmd_catalogue_import(args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    path = Path(args.path) if args.path else catalogue.DEMO_CATALOGUE
    try:
        with session_scope(settings.database_url) as session:
            if not args.path:
                catalogue.import_path(session, catalogue.DEMO_PLACES)
            result = catalogue.import_path(session, path, _progress("importing"))
    except catalogue.CatalogueError as exc:
        print(f"{exc}\nnothing was changed", file=sys.stderr)
        return 2
    for note in result.notes:  # what an HSDS package said that Lotse kept but does not use
        print(f"note: {note}")
    print(
        f"{path}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
    )
    return 0


def cmd_catalogue_validate(args: argparse.Namespace) -> int:
    """An import whose transaction is rolled back: every check, places included."""
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    try:
        with session_scope(settings.database_url) as session:
            parsed, result = catalogue.validate_path(session, Path(args.path))
    except catalogue.CatalogueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    for note in result.notes:
        print(f"note: {note}")
    print(
        f"{args.path}: {parsed.kind}, {len(parsed.records)} offers, {len(parsed.places)} places: ok"
    )
    return 0


def cmd_catalogue_export(args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    warnings: list[str] = []
    with session_scope(settings.database_url) as session:
        count = catalogue.export_path(session, Path(args.path), _progress("exporting"), warnings)
    for warning in warnings:  # HSDS rows whose required fields are empty
        print(f"warning: {warning}", file=sys.stderr)
    print(f"{args.path}: {count} offers written")
    return 0


def cmd_catalogue_stale(args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    today = date.fromisoformat(args.today) if args.today else date.today()
    with session_scope(settings.database_url) as session:
        stale = catalogue.stale_services(session, today)
        for service in stale:
            checked = service.assured_date.isoformat() if service.assured_date else "never"
            print(f"{checked}\t{service.id}\t{service.name}")
    print(f"{len(stale)} offers not checked for six months", file=sys.stderr)
    return 0


def cmd_desk_add(args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    try:
        with session_scope(settings.database_url) as session:
            desk = registry.save_desk(
                session, args.region, args.chat_id, args.coordinator, args.ui_language
            )
            print(f"desk {desk.region} → chat {desk.telegram_chat_id} saved")
    except registry.RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_desk_list(_args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    with session_scope(settings.database_url) as session:
        for d in registry.desks(session):
            print(
                f"{d.region}\t{d.telegram_chat_id}\tcoordinator {d.coordinator_telegram_id or '-'}"
            )
    return 0


def cmd_privacy_purge(args: argparse.Namespace) -> int:
    from lotse import insights, privacy
    from lotse.models import utcnow

    settings = load_settings()
    migrate.upgrade(settings.database_url)
    days = args.days if args.days is not None else settings.retention_days
    now = utcnow()
    with session_scope(settings.database_url) as session:
        expired = privacy.expired_conversations(session, now, days)
    # a conversation goes only with its Rasa tracker: this command reaches the SQL tracker store;
    # trackers in Rasa's memory are erased by the gateway's hourly job, with their rows
    erased = []
    for conversation_id in expired if settings.tracker_store_url else []:
        privacy.erase_tracker_events(settings.tracker_store_url, conversation_id)
        erased.append(conversation_id)
    with session_scope(settings.database_url) as session:
        done = privacy.purge_expired(session, now, days, erased)
        done["question_texts"] = insights.purge_texts(session, now, days)
    if not settings.tracker_store_url and expired:
        done["left_for_the_gateway"] = len(expired)
    if settings.tracker_store_url:
        done["tracker_events"] = privacy.purge_tracker_events(
            settings.tracker_store_url, utcnow(), days
        )
    print(", ".join(f"{k}: {v}" for k, v in done.items()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from lotse.runtime import backup_cli, cli_volunteers

    parser = argparse.ArgumentParser(prog="lotse", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    cli_admin.add_commands(sub)
    sub.add_parser("run", help="start Rasa, the action server and the gateway").set_defaults(
        func=cmd_run
    )
    sub.add_parser(
        "prepare", help="migrate, load the demo catalogue if empty, write Rasa's endpoints"
    ).set_defaults(func=cmd_prepare)
    db = sub.add_parser("db", help="database schema").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)
    cat = sub.add_parser("catalogue", help="offer catalogue").add_subparsers(
        dest="catalogue_command", required=True
    )
    load = cat.add_parser(
        "import", aliases=["load"], help="import a matrix CSV/XLSX, an HSDS package or places"
    )
    load.add_argument("path", nargs="?", help="default: the demo catalogue")
    load.set_defaults(func=cmd_catalogue_import)
    check = cat.add_parser("validate", help="check a file without importing it")
    check.add_argument("path")
    check.set_defaults(func=cmd_catalogue_validate)
    export = cat.add_parser("export", help="write an HSDS package (folder/.zip) or a matrix")
    export.add_argument("path")
    export.set_defaults(func=cmd_catalogue_export)
    stale = cat.add_parser("stale", help="list offers not checked for six months")
    stale.add_argument("--today", help="reference date (YYYY-MM-DD), default today")
    stale.set_defaults(func=cmd_catalogue_stale)
    desk = sub.add_parser("desk", help="where requests are posted").add_subparsers(
        dest="desk_command", required=True
    )
    dadd = desk.add_parser("add", help="add or update a region's desk")
    dadd.add_argument("--region", required=True, help="an area name, e.g. Landkreis Lörrach")
    dadd.add_argument("--chat-id", type=int, required=True, help="the Telegram group's chat id")
    dadd.add_argument("--coordinator", type=int, help="Telegram user id of the coordinator")
    dadd.add_argument("--ui-language", default="de")
    dadd.set_defaults(func=cmd_desk_add)
    desk.add_parser("list", help="list desks").set_defaults(func=cmd_desk_list)
    priv = sub.add_parser("privacy", help="retention").add_subparsers(
        dest="privacy_command", required=True
    )
    purge = priv.add_parser("purge", help="delete or anonymise what is past retention now")
    purge.add_argument("--days", type=int, help="default: LOTSE_RETENTION_DAYS (90)")
    purge.set_defaults(func=cmd_privacy_purge)
    backup_cli.register(sub)
    cli_volunteers.register_rosters(sub)  # facilitator, volunteer
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
