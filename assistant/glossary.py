"""English titles of the plan's headings: the team's glossary, written from the plan itself.

English readers ask in English words ("average life expectancy", "vocational education"); the
plan's headings name the same topics in Chinese. `corpus/glossary_en.jsonl` holds one English
title per heading (chapters, sections, subsections, 專欄, table rows and columns, appendices):
`{"zh": "人均預期壽命(歲)", "en": "Average life expectancy (years)"}`. Its titles become English
search keys of the passages under each heading, and name the cited place in English answers.
A missing file is an empty glossary; a malformed one raises GlossaryError naming the line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .passages import Passage
from .records import read_records

__all__ = ["Glossary", "GlossaryError", "load_glossary"]

# the numbering before a heading's title in a passage's heading path: 第三章 / 第一節 / 一、/ 專欄1
_NUMBERING = re.compile(r"^(第[一二三四五六七八九十百\d]+[章節]|專欄\d+|附件\d+|[一二三四五六七八九十]+、)"
                        r"\s*")


class GlossaryError(ValueError):
    """The glossary file cannot be read as such; the message names the line."""


@dataclass(frozen=True)
class Glossary:
    english: Mapping[str, str] = field(default_factory=dict)  # Chinese heading → English title

    def __len__(self) -> int:
        return len(self.english)

    def title(self, chinese: str) -> str:
        """The English title of a heading, or '' when the glossary has none."""
        return self.english.get(chinese.strip(), "")

    def passage_titles(self, passage: Passage) -> list[str]:
        """The English titles over a passage, the most specific first: its row, then the
        headings of its path (subsection, 專欄, section, chapter)."""
        chinese = [passage.place.title] if passage.place.row is not None else []
        chinese += [_NUMBERING.sub("", part) for part in reversed(passage.heading.split(" › "))]
        return list(dict.fromkeys(t for t in map(self.title, chinese) if t))


def load_glossary(path: Path | None) -> Glossary:
    """The glossary at `path`; an empty one when there is no such file."""
    if path is None or not Path(path).is_file():
        return Glossary()
    pairs = read_records(Path(path), _pair, GlossaryError, "a glossary record")
    return Glossary({zh: en for zh, en in pairs if zh and en})


def _pair(d: dict) -> tuple[str, str]:
    return str(d["zh"]).strip(), str(d["en"]).strip()
