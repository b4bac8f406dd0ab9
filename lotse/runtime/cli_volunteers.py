"""`lotse volunteer add|remove|list` and `lotse facilitator add|remove|list`: the two rosters of
people who take requests in Telegram, in the shape lotse/runtime/cli_people.py gives both (the
work: lotse/accompaniment/volunteers.py, lotse/requests/registry.py)."""

from __future__ import annotations

import argparse

from sqlalchemy.orm import Session

from lotse.accompaniment import volunteers
from lotse.accompaniment.models import SKILLS, Volunteer
from lotse.requests import registry
from lotse.requests.models import Facilitator
from lotse.runtime.cli_people import Roster, register, split, state


def _save_volunteer(session: Session, args: argparse.Namespace) -> Volunteer:
    return volunteers.save_volunteer(
        session,
        args.telegram_id,
        args.name,
        split(args.regions, "|"),
        split(args.languages),
        split(args.skills),
        args.ui_language,
    )


def _volunteer_arguments(add: argparse.ArgumentParser) -> None:
    add.add_argument("--regions", required=True, help='area names separated by "|"')
    add.add_argument("--languages", required=True, help="languages spoken, e.g. de,ar")
    add.add_argument("--skills", default="accompaniment", help=f"what they do: {','.join(SKILLS)}")
    add.add_argument("--ui-language", default="de", help="language of their texts (de or en)")


VOLUNTEERS = Roster(
    noun="volunteer",
    help="volunteers who accompany clients",
    refused=volunteers.VolunteerError,
    save=_save_volunteer,
    deactivate=volunteers.deactivate_volunteer,
    people=volunteers.volunteers,
    line=lambda v: (
        f"{v.telegram_user_id}\t{v.display_name}{state(v)}\t{' | '.join(v.regions)}"
        f"\t{','.join(v.languages)}\t{','.join(v.skills)}"
    ),
    add_arguments=_volunteer_arguments,
    remove_help="deactivate a volunteer (what they took goes back)",
)


def _save_facilitator(session: Session, args: argparse.Namespace) -> Facilitator:
    return registry.save_facilitator(
        session,
        args.telegram_id,
        args.name,
        split(args.regions, "|"),
        split(args.languages),
        split(args.topics),
        args.ui_language,
    )


def _facilitator_arguments(add: argparse.ArgumentParser) -> None:
    add.add_argument("--regions", required=True, help='area names separated by "|"')
    add.add_argument("--languages", default="de", help="languages spoken, e.g. de,ar")
    add.add_argument("--topics", default="", help="topics (default: all)")
    add.add_argument("--ui-language", default="de", help="language of the desk texts")


FACILITATORS = Roster(
    noun="facilitator",
    help="who takes callback requests",
    refused=registry.RegistryError,
    save=_save_facilitator,
    deactivate=registry.deactivate_facilitator,
    people=registry.facilitators,
    line=lambda p: (
        f"{p.telegram_user_id}\t{p.display_name}{state(p)}\t{' | '.join(p.regions)}"
        f"\t{','.join(p.languages)}\t{','.join(p.topics) or 'all topics'}"
    ),
    add_arguments=_facilitator_arguments,
    remove_help="deactivate a facilitator (what they took goes back to the desk)",
)


def register_rosters(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `lotse facilitator …` and `lotse volunteer …` to `lotse`'s subcommands."""
    register(sub, FACILITATORS)
    register(sub, VOLUNTEERS)
