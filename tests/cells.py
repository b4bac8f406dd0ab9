"""Find a person's traces in every cell of every table, without mistaking chance digits for them."""

from __future__ import annotations

import re

from sqlalchemy import inspect, text

from lotse.db import get_engine

# A marker counts only as a whole token: a chat id 4242 is in `{"chat_id": 4242}` or `tg:4242`,
# but not in a timestamp's microseconds (`.424213`) or a random secret (`xK4242q`). Substring
# matching made CI flip once, when a created_at happened to contain the test's chat id.
_BEFORE = r"(?<![0-9A-Za-z.])"
_AFTER = r"(?![0-9A-Za-z])"


def cells_mentioning(url: str, values: set[str]) -> list[tuple[str, str, str]]:
    """(table, column, start of the value) of every cell that contains one of `values`."""
    pattern = re.compile("|".join(_BEFORE + re.escape(v) + _AFTER for v in sorted(values)))
    found = []
    engine = get_engine(url)
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                for column, value in row._mapping.items():
                    if value is not None and pattern.search(str(value)):
                        found.append((table, column, str(value)[:80]))
    return found
