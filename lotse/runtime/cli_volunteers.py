"""`lotse volunteer add|remove|list`: volunteers who accompany clients (issue 19; the work:
lotse/accompaniment/volunteers.py). Changes are recorded in the audit log as `cli`."""

from __future__ import annotations

import argparse
import sys

from lotse.accompaniment import volunteers
from lotse.accompaniment.models import SKILLS
from lotse.audit import acting_as
from lotse.db import session_scope
from lotse.runtime import migrate
from lotse.settings import load_settings


def _split(value: str | None, sep: str = ",") -> list[str]:
    return [v.strip() for v in (value or "").split(sep) if v.strip()]


def cmd_add(args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    try:
        with acting_as("cli"), session_scope(settings.database_url) as session:
            person = volunteers.save_volunteer(
                session,
                args.telegram_id,
                args.name,
                _split(args.regions, "|"),
                _split(args.languages),
                _split(args.skills),
                args.ui_language,
            )
            print(f"volunteer {person.display_name} ({person.telegram_user_id}) saved")
    except volunteers.VolunteerError as exc:
        print(f"error: {exc}; nothing was changed", file=sys.stderr)
        return 2
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    with acting_as("cli"), session_scope(settings.database_url) as session:
        found = volunteers.deactivate_volunteer(session, args.telegram_id)
    print("deactivated" if found else "no such volunteer", file=sys.stdout if found else sys.stderr)
    return 0 if found else 2


def cmd_list(_args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    with session_scope(settings.database_url) as session:
        for v in volunteers.volunteers(session):
            state = "" if v.active else " (inactive)"
            print(
                f"{v.telegram_user_id}\t{v.display_name}{state}\t{' | '.join(v.regions)}"
                f"\t{','.join(v.languages)}\t{','.join(v.skills)}"
            )
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `lotse volunteer …` to `lotse`'s subcommands."""
    vol = sub.add_parser("volunteer", help="volunteers who accompany clients").add_subparsers(
        dest="volunteer_command", required=True
    )
    add = vol.add_parser("add", help="add or update a volunteer")
    add.add_argument("--telegram-id", type=int, required=True)
    add.add_argument("--name", required=True, help="the name clients are told")
    add.add_argument("--regions", required=True, help='area names separated by "|"')
    add.add_argument("--languages", required=True, help="languages spoken, e.g. de,ar")
    add.add_argument("--skills", default="accompaniment", help=f"what they do: {','.join(SKILLS)}")
    add.add_argument("--ui-language", default="de", help="language of their texts (de or en)")
    add.set_defaults(func=cmd_add)
    remove = vol.add_parser("remove", help="deactivate a volunteer (what they took goes back)")
    remove.add_argument("--telegram-id", type=int, required=True)
    remove.set_defaults(func=cmd_remove)
    vol.add_parser("list", help="list volunteers").set_defaults(func=cmd_list)
