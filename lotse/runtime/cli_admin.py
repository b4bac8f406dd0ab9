"""`lotse admin add|remove|list`: the personal accounts of the web admin."""

from __future__ import annotations

import argparse
import getpass
import sys

from lotse import admin_accounts
from lotse.db import session_scope
from lotse.runtime import migrate
from lotse.settings import load_settings


def _read_password(from_stdin: bool) -> str:
    if from_stdin:  # for scripts: `printf '%s' "$PW" | lotse admin add NAME --password-stdin`
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise admin_accounts.AccountError("the two passwords differ")
    return first


def cmd_add(args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    try:
        password = _read_password(args.password_stdin)
        with session_scope(settings.database_url) as session:
            made = admin_accounts.add_account(session, args.name, password, totp=args.totp)
    except admin_accounts.AccountError as exc:
        print(f"error: {exc}; nothing was changed", file=sys.stderr)
        return 2
    print(f"admin account {made.name!r} saved (its open sessions were ended)")
    if made.totp_uri:
        print("second factor: add this to an authenticator app (shown once):")
        print(made.totp_uri)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    with session_scope(settings.database_url) as session:
        found = admin_accounts.deactivate(session, args.name)
    if not found:
        print(f"error: no admin account {args.name!r}", file=sys.stderr)
        return 2
    print(f"admin account {args.name!r} deactivated, its sessions ended")
    return 0


def cmd_list(_args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    with session_scope(settings.database_url) as session:
        for account in admin_accounts.accounts(session):
            flags = ("" if account.active else " (inactive)") + (
                " · TOTP" if account.totp_secret else ""
            )
            last = (
                account.last_login_at.isoformat(timespec="minutes")
                if account.last_login_at
                else "-"
            )
            print(f"{account.name}{flags}\tlast login {last}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    admin = sub.add_parser("admin", help="web admin accounts").add_subparsers(
        dest="admin_command", required=True
    )
    add = admin.add_parser("add", help="create an account or set a new password")
    add.add_argument("name")
    add.add_argument("--totp", action="store_true", help="set up a second factor (TOTP)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(func=cmd_add)
    remove = admin.add_parser("remove", help="deactivate an account and end its sessions")
    remove.add_argument("name")
    remove.set_defaults(func=cmd_remove)
    admin.add_parser("list", help="list accounts").set_defaults(func=cmd_list)
