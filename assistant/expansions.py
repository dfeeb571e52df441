"""Resident-question expansions: for each passage, questions residents would type about it.

A five-year plan speaks in official terms (噪聲污染, 應急避護場所); residents ask in their own
words (工地晚上好吵, 打台风去边度避). Questions written for every passage, from the passage's own
text (doc2query), are indexed as extra keys of their passage, so a colloquial question meets the
passage through a question like it. Stored as JSON lines in `corpus/expansions.jsonl`:
`{"passage": 12, "hash": "<sha256 of the passage text, 12 hex>", "questions": ["…", …]}`.
An entry whose passage text changed no longer describes it: it is reported and ignored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .passages import Passage
from .records import id_list, read_records

__all__ = ["Expansion", "ExpansionReport", "ExpansionsError", "load_expansions", "passage_hash",
           "write_expansions"]

MAX_QUESTION_CHARS = 200


class ExpansionsError(ValueError):
    """The expansions file cannot be read as such; the message names the line."""


def passage_hash(passage: Passage) -> str:
    return hashlib.sha256(passage.text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Expansion:
    passage: int
    hash: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class ExpansionReport:
    """What `load_expansions` kept and what it ignored, for `build` to say."""

    used: int = 0  # entries whose passage text matches
    questions: int = 0
    stale: tuple[int, ...] = ()  # passage ids whose text changed since the entry was written
    unknown: tuple[int, ...] = ()  # passage ids the plan does not have
    missing: tuple[int, ...] = ()  # passages without an entry

    def lines(self) -> list[str]:
        out = [f"expansions: {self.questions} questions for {self.used} passages"]
        if self.stale:
            out.append(f"expansions ignored, passage text changed: {len(self.stale)} "
                       f"(passages {id_list(self.stale)}); run `python -m assistant expand`")
        if self.unknown:
            out.append(f"expansions ignored, no such passage: {id_list(self.unknown)}")
        if self.missing:
            out.append(f"passages without expansions: {len(self.missing)} ({id_list(self.missing)})")
        return out


def read_expansions(path: Path) -> list[Expansion]:
    """Every entry of the file, checked for shape; ExpansionsError names a bad line."""
    return read_records(path, _expansion, ExpansionsError, "an expansion record")


def _expansion(d: dict) -> Expansion:
    questions = tuple(str(q).strip() for q in d["questions"]
                      if str(q).strip() and len(str(q)) <= MAX_QUESTION_CHARS)
    return Expansion(int(d["passage"]), str(d["hash"]), questions)


def load_expansions(path: Path | None, passages: Sequence[Passage]
                    ) -> tuple[list[Expansion], ExpansionReport]:
    """The entries that still describe their passage, and a report of the rest."""
    if path is None or not Path(path).is_file():
        return [], ExpansionReport(missing=tuple(p.id for p in passages))
    by_id = {p.id: p for p in passages}
    used, stale, unknown = [], [], []
    for entry in read_expansions(Path(path)):
        passage = by_id.get(entry.passage)
        if passage is None:
            unknown.append(entry.passage)
        elif entry.hash != passage_hash(passage):
            stale.append(entry.passage)
        elif entry.questions:
            used.append(entry)
    covered = {e.passage for e in used}
    report = ExpansionReport(len(covered), sum(len(e.questions) for e in used), tuple(stale),
                             tuple(unknown), tuple(p.id for p in passages if p.id not in covered))
    return used, report


def write_expansions(path: Path, entries: Sequence[Expansion]) -> None:
    """Entries in passage order, one JSON line each; written to a temp file, then renamed."""
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("".join(json.dumps({"passage": e.passage, "hash": e.hash,
                                       "questions": list(e.questions)}, ensure_ascii=False) + "\n"
                           for e in sorted(entries, key=lambda e: e.passage)), encoding="utf-8")
    tmp.replace(path)
