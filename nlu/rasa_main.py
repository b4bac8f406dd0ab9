"""Rasa's command line with Lotse's performance fixes (nlu/speedups.py) applied first.

`lotse run` starts Rasa as `.venv-rasa/bin/python -m nlu.rasa_main run …`; every argument is
Rasa's own, and `--auth-token` comes from LOTSE_SERVICE_TOKEN.
"""

from __future__ import annotations


def main() -> None:
    import os
    import sys

    from nlu import speedups

    speedups.install()
    # Rasa's HTTP API (trackers, events) answers only with the shared token; it is added here
    # rather than by `lotse run`, so it never shows in the process list.
    token = os.environ.get("LOTSE_SERVICE_TOKEN")
    if token and len(sys.argv) > 1 and sys.argv[1] == "run" and "--auth-token" not in sys.argv:
        sys.argv += ["--auth-token", token]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
