"""The plan in English, sentence by sentence: the team's translation, written from the plan itself.

An English question shares no words with the Chinese plan: the multilingual model and the word
bridges (glossary, dictionary, pinyin) carry only part of its meaning across. An English rendering
of every sentence lets the question's own words meet the sentence that says it ("shuttle bus from
the metro station" meets 便民服務車). Stored as JSON lines in `corpus/translations_en.jsonl`:
`{"passage": 12, "hash": "<passage_hash>", "sentences": ["…", …]}`, one English entry for each of
the passage's sentences (`Passage.sentences`), in order. An entry whose passage text changed, or
whose sentences no longer line up, no longer describes its passage: it is reported and ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .expansions import passage_hash
from .passages import Passage
from .records import id_list, read_records

__all__ = ["Translations", "TranslationsError", "load_translations"]


class TranslationsError(ValueError):
    """The translations file cannot be read as such; the message names the line."""


@dataclass(frozen=True)
class Translations:
    """English sentences by passage id; `ignored` names the entries that no longer fit."""

    sentences: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()  # one line per reason, for `build` and the log

    def __len__(self) -> int:
        return len(self.sentences)

    def passage(self, passage_id: int) -> str:
        """A passage's English, its sentences joined; '' when it has none."""
        return " ".join(self.sentences.get(passage_id, ()))

    def sentence(self, passage_id: int, position: int) -> str:
        """The English of one sentence of a passage; '' when there is none."""
        english = self.sentences.get(passage_id, ())
        return english[position] if 0 <= position < len(english) else ""


def load_translations(path: Path | None, passages: Sequence[Passage]) -> Translations:
    """The entries of `path` that still line up with their passage; none without the file."""
    if path is None or not Path(path).is_file():
        return Translations()
    by_id = {p.id: p for p in passages}
    kept: dict[int, tuple[str, ...]] = {}
    stale, unknown, misaligned = [], [], []
    for passage_id, digest, english in read_records(Path(path), _entry, TranslationsError,
                                                    "a translation record"):
        passage = by_id.get(passage_id)
        if passage is None:
            unknown.append(passage_id)
        elif digest != passage_hash(passage):
            stale.append(passage_id)
        elif len(english) != len(passage.sentences):
            misaligned.append(passage_id)
        else:
            kept[passage_id] = english
    ignored = [f"translations ignored, {why}: {len(ids)} (passages {id_list(ids)})" for why, ids in (
        ("passage text changed", stale), ("no such passage", unknown),
        ("sentence count differs from the passage's", misaligned)) if ids]
    return Translations(kept, tuple(ignored))


def _entry(d: dict) -> tuple[int, str, tuple[str, ...]]:
    sentences = d["sentences"]
    if not isinstance(sentences, list):
        raise TypeError("sentences is not a list")
    return int(d["passage"]), str(d["hash"]), tuple(str(s).strip() for s in sentences)
