"""English search keys of the passages: an English question's own words meet English text.

The plan is Chinese; an English question reaches it through the multilingual dense model and the
few Chinese words `tokens.english_to_terms` maps. Its own words ("life expectancy", "childcare")
meet the passages here: each passage's key is the English titles of its headings (the glossary)
the English resident questions written for it (the expansions) and its sentences in English (the
translations), indexed with BM25 over `tokens.english_words`. Built when the index is opened (a few
milliseconds), not stored. The translated sentences' words are kept too: an answer chooses among a
passage's sentences by them.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from .glossary import Glossary
from .passages import Passage
from .tokens import english_words
from .translations import Translations

__all__ = ["EnglishKeys"]

_CJK = re.compile(r"[\u3400-\u9fff]")


class EnglishKeys:
    """BM25 over one English key per passage; `scores` of an English question's words."""

    def __init__(self, passages: Sequence[Passage], questions: Sequence[tuple[int, str]],
                 glossary: Glossary, translations: Translations | None = None):
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import
        translations = translations or Translations()
        texts: list[list[str]] = [glossary.passage_titles(p) for p in passages]
        for pid, question in questions:
            if not _CJK.search(question) and 0 <= pid < len(texts):
                texts[pid].append(question)
        # each passage's sentences in English, as words, in `Passage.sentences` order
        self.sentence_words = [[frozenset(english_words(s)) for s in translations.sentences.get(p.id, ())]
                               for p in passages]
        for pid, english in translations.sentences.items():
            if 0 <= pid < len(texts):
                texts[pid].extend(english)
        self.words = [english_words(" . ".join(t)) for t in texts]
        self.vocabulary = [frozenset(w) for w in self.words]
        self.bm25 = None
        if any(self.words):
            self.bm25 = bm25s.BM25()
            self.bm25.index([w or ["_"] for w in self.words], show_progress=False)
        frequency = Counter(word for vocabulary in self.vocabulary for word in vocabulary)
        n = len(self.vocabulary)
        self._idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in frequency.items()}

    def __bool__(self) -> bool:
        return self.bm25 is not None

    def scores(self, question: str) -> tuple[np.ndarray, float]:
        """Each passage's BM25 for an English question's words, and the rarity-weighted share of
        the words that the best passage's key holds (how far to trust the match); nothing for a
        Chinese question."""
        out = np.zeros(len(self.words), dtype=np.float32)
        words = [] if _CJK.search(question) else list(dict.fromkeys(english_words(question)))
        known = [w for w in words if w in self._idf]
        if self.bm25 is None or not known:
            return out, 0.0
        for word in known:
            out += np.asarray(self.bm25.get_scores([word]), dtype=np.float32)
        best = self.vocabulary[int(np.argmax(out))]
        weights = self.word_weights(question)
        return out, sum(v for w, v in weights.items() if w in best) / sum(weights.values())

    def knows(self, word: str) -> bool:
        """Whether some passage's English key holds this (stemmed) word."""
        return word in self._idf

    def word_weights(self, question: str) -> dict[str, float]:
        """An English question's words by rarity over the keys; an unknown word counts as rarest.
        Nothing for a Chinese question."""
        if _CJK.search(question) or not self._idf:
            return {}
        rarest = max(self._idf.values())
        return {w: self._idf.get(w, rarest) for w in dict.fromkeys(english_words(question))}

    def sentence_coverage(self, weights: dict[str, float], passage_id: int, position: int) -> float:
        """The rarity-weighted share of an English question's words (`word_weights`) that one
        sentence's English holds; 0 where the sentence has no translation."""
        sentences = self.sentence_words[passage_id] if 0 <= passage_id < len(self.sentence_words) else []
        if not weights or not 0 <= position < len(sentences):
            return 0.0
        return sum(v for w, v in weights.items() if w in sentences[position]) / sum(weights.values())
