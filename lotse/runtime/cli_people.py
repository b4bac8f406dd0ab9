"""The shape every roster of people shares on the command line: `lotse <noun> add|remove|list`
(facilitators, volunteers). A roster names its noun, how to save one person from the add
command's arguments, how to deactivate one and how to print one line; changes are recorded in
the audit log as `cli`, and a refused registration changes nothing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from lotse.audit import acting_as
from lotse.db import session_scope
from lotse.runtime import migrate
from lotse.settings import load_settings


def split(value: str | None, sep: str = ",") -> list[str]:
    """ "de, ar" → ["de", "ar"]; regions are separated by "|"."""
    return [v.strip() for v in (value or "").split(sep) if v.strip()]


@dataclass(frozen=True)
class Roster:
    noun: str
    """`facilitator`, `volunteer`: the subcommand and the word in messages."""
    help: str
    refused: type[Exception]
    """The error a save raises for a registration it cannot make (said to the user)."""
    save: Callable[[Session, argparse.Namespace], Any]
    """Adds or updates one person from `add`'s arguments; returns them."""
    deactivate: Callable[[Session, int], bool]
    people: Callable[[Session], Iterable[Any]]
    line: Callable[[Any], str]
    """One person, tab-separated, as `list` prints it."""
    add_arguments: Callable[[argparse.ArgumentParser], None]
    """`add`'s arguments besides --telegram-id and --name."""
    remove_help: str = "deactivate"


def cmd_add(roster: Roster, args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    try:
        with acting_as("cli"), session_scope(settings.database_url) as session:
            person = roster.save(session, args)
            print(f"{roster.noun} {person.display_name} ({person.telegram_user_id}) saved")
    except roster.refused as exc:
        print(f"error: {exc}; nothing was changed", file=sys.stderr)
        return 2
    return 0


def cmd_remove(roster: Roster, args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    with acting_as("cli"), session_scope(settings.database_url) as session:
        found = roster.deactivate(session, args.telegram_id)
    if not found:
        print(f"no such {roster.noun}", file=sys.stderr)
        return 2
    print("deactivated")
    return 0


def cmd_list(roster: Roster, _args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    with session_scope(settings.database_url) as session:
        for person in roster.people(session):
            print(roster.line(person))
    return 0


def state(person: Any) -> str:
    """ " (inactive)" after the name of someone deactivated."""
    return "" if person.active else " (inactive)"


def register(sub: argparse._SubParsersAction, roster: Roster) -> None:  # type: ignore[type-arg]
    """Add `lotse <noun> add|remove|list` to `lotse`'s subcommands."""
    commands = sub.add_parser(roster.noun, help=roster.help).add_subparsers(
        dest=f"{roster.noun}_command", required=True
    )
    add = commands.add_parser("add", help=f"add or update a {roster.noun}")
    add.add_argument("--telegram-id", type=int, required=True)
    add.add_argument("--name", required=True, help="the name clients are told")
    roster.add_arguments(add)
    add.set_defaults(func=lambda args: cmd_add(roster, args))
    remove = commands.add_parser("remove", help=roster.remove_help)
    remove.add_argument("--telegram-id", type=int, required=True)
    remove.set_defaults(func=lambda args: cmd_remove(roster, args))
    listing = commands.add_parser("list", help=f"list {roster.noun}s")
    listing.set_defaults(func=lambda args: cmd_list(roster, args))
