"""The plan's own words for the pinyin spellings that English questions use for its names.

An English question names places in their romanised form ("Shawan jewellery park", "Shiqiao
Street", "the Lianhuashan scenic area"); the plan names them in Chinese. Standard toneless pinyin
(pypinyin, a general resource) is the bridge: every Chinese word of the plan's search vocabulary
gets its spelling, and a capitalised word of the question that spells one or more of them stands
for those words. Only capitalised words of two syllables or more: "make" or "guide" also spell
plan words (马克, 规定), names are what the writer capitalises.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

__all__ = ["PinyinNames"]

_CHINESE_WORD = re.compile(r"[\u3400-\u9fff]{2,6}")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[-\s][A-Z][a-z]+)?\b")
MAX_WORDS_PER_SPELLING = 4  # a spelling shared by more plan words (shiji: 事迹 世纪 实际 市级) says little


class PinyinNames:
    """Toneless pinyin spelling → the plan's words with that spelling."""

    def __init__(self, vocabulary: Iterable[str]):
        from pypinyin import lazy_pinyin

        self.words: dict[str, list[str]] = defaultdict(list)
        self._syllables: dict[str, int] = {}
        for word in vocabulary:
            if _CHINESE_WORD.fullmatch(word):
                spelling = lazy_pinyin(word)
                key = "".join(spelling)
                if key.isascii() and key.isalpha():
                    self.words[key].append(word)
                    self._syllables[key] = len(spelling)

    def terms(self, question: str, known: Iterable[str] = ()) -> list[str]:
        """The plan words that the question's capitalised pinyin names spell ("Shawan" → 沙湾),
        in question order; `known` are English words to leave alone (the word map's)."""
        known = set(known)
        out: list[str] = []
        for match in _CAPITALISED.finditer(question):
            parts = re.split(r"[-\s]", match.group())
            for name in (*parts, "".join(parts) if len(parts) > 1 else ""):
                key = name.lower()
                words = self.words.get(key, [])
                if (key in known or self._syllables.get(key, 0) < 2
                        or len(words) > MAX_WORDS_PER_SPELLING):
                    continue
                out += [w for w in words if w not in out]
        return out
