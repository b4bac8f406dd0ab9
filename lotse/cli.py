"""The `lotse` command: run the assistant, migrate the database, load the catalogue."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lotse import catalogue, migrate
from lotse.db import session_scope
from lotse.settings import load_settings


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


def cmd_catalogue_load(args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    path = Path(args.path) if args.path else catalogue.DEMO_CATALOGUE
    try:
        with session_scope(settings.database_url) as session:
            result = catalogue.load_csv(session, path)
            if not args.path:
                catalogue.load_place_aliases(session, catalogue.DEMO_PLACES)
    except catalogue.CatalogueError as exc:
        print(f"error: {exc}\nnothing was changed", file=sys.stderr)
        return 2
    print(f"{path}: {result.created} offers created, {result.updated} updated")
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
    load = cat.add_parser("load", help="upsert offers from a CSV file (default: the demo)")
    load.add_argument("path", nargs="?")
    load.set_defaults(func=cmd_catalogue_load)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
