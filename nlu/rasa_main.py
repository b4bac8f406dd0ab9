"""Rasa's command line with Lotse's performance fixes (nlu/speedups.py) applied first.

`lotse run` starts Rasa as `.venv-rasa/bin/python -m nlu.rasa_main run …`; every argument is
Rasa's own.
"""

from __future__ import annotations


def main() -> None:
    from nlu import speedups

    speedups.install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
