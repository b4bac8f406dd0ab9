"""Checks that nlu/speedups.py keeps Rasa's behaviour (run by `make validate`, in .venv-rasa).

Usage (from the project root): .venv-rasa/bin/python -m nlu.check_speedups
"""

from __future__ import annotations

import sys


def main() -> int:
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from nlu import speedups

    speedups.install()
    action = RemoteAction("action_find_offers", None)
    good = {
        "events": [{"event": "slot", "name": "offer_page", "value": 0}],
        "responses": [{"text": "Hallo", "custom": {"card": {"title": "x"}}}],
    }
    assert action._validate_action_result(good) is True
    for bad in ({"events": "not a list"}, {"events": [{"no": "event name"}]}):
        try:
            action._validate_action_result(bad)
        except ValidationError as error:
            assert "Failed to validate Action server response" in error.message, error.message
        else:
            raise AssertionError(f"accepted an invalid action server response: {bad}")

    domain = Domain.load("domain")
    tracker = DialogueStateTracker.from_events("check", [UserUttered("hallo")])
    sent = action._action_call_format(tracker, domain)["domain"]
    full = domain.as_dict()
    assert "responses" not in sent and full.get("responses"), "responses are still sent"
    assert {k: v for k, v in full.items() if k != "responses"} == sent
    assert sent is action._action_call_format(tracker, domain)["domain"], "not cached"
    print("nlu/speedups.py: OK (cached response validator, domain without responses)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
