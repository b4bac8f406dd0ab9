"""Spreadsheet formula injection: what an export neutralises and the import undoes.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
Excel and LibreOffice (`=HYPERLINK("http://evil","click")` from a partner's sheet would become a
live link in the admin's workbook). Every export puts one `'` before such a cell (OWASP's
advice); the import takes exactly that one `'` away again, so export → import gives back what
was stored. To keep that exact, a cell that already starts with quotes before such a character
gets one more. A plain number (`-12.5`, `+3`) is no formula and stays as it is, so negative
coordinates remain numbers.
"""

from __future__ import annotations

import re

TRIGGERS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def neutralise(value: str) -> str:
    """The cell as an export writes it."""
    if _NEEDS_QUOTE.match(value) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The cell as the import reads it: one quote before a formula character is dropped."""
    return value[1:] if _QUOTED.match(value) else value


def neutralise_any(value: object) -> object:
    """Strings neutralised, other values (numbers, dates, None) left to the writer."""
    return neutralise(value) if isinstance(value, str) else value
