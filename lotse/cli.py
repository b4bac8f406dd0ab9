"""The `lotse` command: run the assistant, migrate the database, load the catalogue."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TypeVar

from lotse import catalogue, migrate
from lotse.db import session_scope
from lotse.settings import load_settings

T = TypeVar("T")


def cmd_run(_args: argparse.Namespace) -> int:
    from lotse.supervisor import StartupError, Supervisor, build_children, child_env

    settings = load_settings()
    migrate.upgrade(settings.database_url)
    with session_scope(settings.database_url) as session:
        loaded = catalogue.load_demo_if_empty(session)
    if loaded:
        print(f"   lotse | empty database: loaded the demo catalogue ({loaded.created} offers)")
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
    print(
        f"{path}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
    )
    return 0


def cmd_catalogue_validate(args: argparse.Namespace) -> int:
    try:
        parsed = catalogue.parse(Path(args.path))
    except catalogue.CatalogueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(
        f"{args.path}: {parsed.kind}, {len(parsed.records)} offers, {len(parsed.places)} places: ok"
    )
    return 0


def cmd_catalogue_export(args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    with session_scope(settings.database_url) as session:
        count = catalogue.export_path(session, Path(args.path), _progress("exporting"))
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lotse", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start Rasa, the action server and the gateway").set_defaults(
        func=cmd_run
    )
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
