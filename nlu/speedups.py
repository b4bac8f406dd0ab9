"""Performance fixes for Rasa 3.6, applied in the Rasa process before it starts (nlu/rasa_main.py).

Each fix keeps Rasa's behaviour and removes work that is repeated for nothing; the profile that
found them and the gains are in docs/decisions.md ("session 3").

- Rasa validates every action server response with `jsonschema.validate(result, spec)`. That
  function first checks the *schema* against JSON Schema's 2020-12 metaschema (about 16 ms of
  CPU here) before validating the response (about 1 ms). The schema is a constant of Rasa's own
  code, so it is checked once and the validator kept; responses are validated exactly as before,
  with the same error message on a bad response.
- Rasa sends the whole domain with every action call, and Lotse's domain is 145 KB of responses
  in eight languages (of 148 KB). Actions never read responses from the domain: they name a
  response (`utter_message(response=…)`), which Rasa renders, or read catalogue texts from the
  database. The domain they receive keeps everything else (slots, forms, intents, entities,
  actions, session settings). Rasa 3.6's own answer, `enable_selective_domain`, cannot be used:
  rasa-sdk 3.21 answers a call without a domain with HTTP 449, which Rasa 3.6 does not handle.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

log = logging.getLogger(__name__)
_installed = False


def install() -> None:
    """Apply the fixes (idempotent)."""
    global _installed
    if _installed:
        return
    _cache_action_response_validator()
    _send_domain_without_responses()
    _installed = True


def _cache_action_response_validator() -> None:
    from jsonschema import validators
    from jsonschema.exceptions import best_match
    from rasa.core.actions import action
    from rasa.shared.constants import DOCS_BASE_URL

    schema = action.RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)  # once, as `jsonschema.validate` did on every call
    validator = validator_class(schema)

    def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    action.RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    log.debug("action server responses: schema checked once, validator cached")


def lean_domain(domain_dict: Dict[Text, Any]) -> Dict[Text, Any]:
    """The domain as actions need it: everything but the responses."""
    return {key: value for key, value in domain_dict.items() if key != "responses"}


def _send_domain_without_responses() -> None:
    from rasa.core.actions import action

    original = action.RemoteAction._action_call_format
    last: List[Any] = [None, None]  # the domain's dict (Rasa caches it) and its lean copy

    def _action_call_format(self: Any, tracker: Any, domain: Any) -> Dict[Text, Any]:
        call = original(self, tracker, domain)
        full = call.get("domain")
        if full is not None:
            if last[0] is not full:  # the first call, or a new model with a new domain
                last[:] = [full, lean_domain(full)]
            call["domain"] = last[1]
        return call

    action.RemoteAction._action_call_format = _action_call_format  # type: ignore[method-assign]
