"""`lotse backup` and `lotse restore`: argument parsing and messages (the work:
lotse/runtime/backup.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lotse.runtime import backup
from lotse.runtime.backup_postgres import BackupError
from lotse.settings import load_settings


def cmd_backup(args: argparse.Namespace) -> int:
    settings = load_settings()
    output = (
        Path(args.output)
        if args.output
        else backup.default_path(settings.var_dir, settings.database_url)
    )
    try:
        made = backup.backup(settings.database_url, output)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    size = made.path.stat().st_size / 1e6
    print(
        f"backup written: {made.path} ({backup.ENGINES[made.engine]}, schema revision "
        f"{made.revision}, {size:.1f} MB, readable by its owner only); encrypt it before it "
        "leaves this machine"
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        done = backup.restore(settings.database_url, Path(args.path), replace=args.yes)
    except BackupError as exc:
        unchanged = "" if exc.changed else "\nnothing was changed"
        print(f"error: {exc}{unchanged}", file=sys.stderr)
        return 2
    print(
        f"restored {done.backup.path} (schema revision {done.backup.revision}) into "
        f"{backup.shown(settings.database_url)}, now at revision {done.revision}; "
        "`lotse privacy purge` applies retention to what it brought back"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the two commands to `lotse`'s subcommands."""
    make = sub.add_parser("backup", help="write a backup of the database to one file (0600)")
    make.add_argument("--output", help="default: var/backups/lotse-<UTC time>.sqlite3 (or .pgdump)")
    make.set_defaults(func=cmd_backup)
    back = sub.add_parser("restore", help="restore a backup into the configured database")
    back.add_argument("path", help="a file `lotse backup` wrote")
    back.add_argument(
        "--yes", action="store_true", help="replace the database even if it holds data"
    )
    back.set_defaults(func=cmd_restore)
