"""Rasa's command line with Lotse's performance fixes (nlu/speedups.py) applied first.

`lotse run` starts Rasa as `.venv-rasa/bin/python -m nlu.rasa_main run …`; every argument is
Rasa's own, and `--auth-token` comes from LOTSE_SERVICE_TOKEN.
"""

from __future__ import annotations

import os
import sys


def with_auth_token(argv: list[str], token: str | None) -> list[str]:
    """`rasa run` with the shared token, added here rather than by `lotse run`, so it never shows
    in the process list. One argument with "=": a token may start with "-", which argparse
    would otherwise take for an option (a token_urlsafe does, one time in 64)."""
    given = any(a.startswith(("--auth-token", "-t")) for a in argv[2:])
    if not token or len(argv) < 2 or argv[1] != "run" or given:
        return argv
    return [*argv, f"--auth-token={token}"]


def main() -> None:
    from nlu import speedups

    speedups.install()
    sys.argv = with_auth_token(sys.argv, os.environ.get("LOTSE_SERVICE_TOKEN"))
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
