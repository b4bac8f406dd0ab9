"""`lotse facilitator …` and `lotse volunteer …`: one shape for both rosters
(lotse/runtime/cli_people.py) — add or update, list, deactivate, a refused registration changes
nothing, and every change is audited as `cli`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lotse.audit import AuditLog
from lotse.db import session_scope
from lotse.requests.models import Facilitator
from lotse.runtime import cli

ROSTERS = {
    "facilitator": ["--regions", "Landkreis Lörrach|Berlin", "--languages", "de,ar",
                    "--topics", "housing"],
    "volunteer": ["--regions", "Landkreis Lörrach|Berlin", "--languages", "de,ar",
                  "--skills", "accompaniment"],
}  # fmt: skip


@pytest.mark.parametrize("noun", ROSTERS)
def test_add_list_and_remove(db: str, noun: str, capsys: pytest.CaptureFixture[str]) -> None:
    telegram_id = "8801" if noun == "facilitator" else "8802"
    add = [noun, "add", "--telegram-id", telegram_id, "--name", "Samira", *ROSTERS[noun]]
    assert cli.main(add) == 0
    assert f"{noun} Samira ({telegram_id}) saved" in capsys.readouterr().out
    assert cli.main([noun, "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(telegram_id))
    assert line.split("\t")[1:4] == ["Samira", "Landkreis Lörrach | Berlin", "de,ar"]
    assert cli.main([noun, "remove", "--telegram-id", telegram_id]) == 0
    assert cli.main([noun, "list"]) == 0
    assert "Samira (inactive)" in capsys.readouterr().out
    with session_scope(db) as session:
        actors = session.scalars(select(AuditLog.actor).where(AuditLog.table == noun)).all()
    assert actors and set(actors) == {"cli"}


@pytest.mark.parametrize("noun", ROSTERS)
def test_a_refused_registration_changes_nothing(
    db: str, noun: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [noun, "add", "--telegram-id", "8803", "--name", "X", *ROSTERS[noun]]
    args[args.index("--regions") + 1] = "Atlantis"
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "unknown region(s): Atlantis" in err and "nothing was changed" in err
    assert cli.main([noun, "list"]) == 0
    assert "8803" not in capsys.readouterr().out
    assert cli.main([noun, "remove", "--telegram-id", "8899"]) == 2
    assert f"no such {noun}" in capsys.readouterr().err


def test_a_facilitator_without_topics_takes_all_and_remove_deactivates(db: str) -> None:
    assert cli.main(["facilitator", "add", "--telegram-id", "8804", "--name", "Jonas",
                     "--regions", "Lörrach"]) == 0  # fmt: skip
    with session_scope(db) as session:
        person = session.scalar(select(Facilitator).where(Facilitator.telegram_user_id == 8804))
        assert person is not None and person.active and person.topics == []
    assert cli.main(["facilitator", "remove", "--telegram-id", "8804"]) == 0
    with session_scope(db) as session:
        person = session.scalar(select(Facilitator).where(Facilitator.telegram_user_id == 8804))
        assert person is not None and not person.active
