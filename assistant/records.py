"""The team's JSON-lines data files (expansions, glossary, translations), read one way.

Each is written by hand or by helpers, so a bad line is likely: it is named (file and line
number) in the error of the file's own kind, and never half-read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

__all__ = ["id_list", "read_records"]

T = TypeVar("T")


def read_records(path: Path, parse: Callable[[dict], T], error: type[ValueError], what: str
                 ) -> list[T]:
    """`parse` of every non-blank line's JSON object, in order; `error` names a file that is not
    UTF-8 or a line that `parse` cannot read as `what` (e.g. "a glossary record")."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as err:
        raise error(f"{path} is not UTF-8 text ({err.reason})") from err
    records = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(parse(json.loads(line)))
        except (ValueError, KeyError, TypeError) as err:
            raise error(f"{path}: line {n} is not {what} ({err})") from err
    return records


def id_list(ids: Sequence[int], limit: int = 12) -> str:
    """Passage ids for a report: the first `limit`, then an ellipsis."""
    shown = ", ".join(str(i) for i in ids[:limit])
    return shown + (", …" if len(ids) > limit else "")
