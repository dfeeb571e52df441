"""Hybrid retrieval: BM25 on jieba tokens plus dense e5 vectors, fused, then grouped into places.

Keywords find exact names and figures; the dense model finds colloquial paraphrases that share few
words with the plan. Two more signals meet residents' own words: a passage's best sentence (a
long passage's one relevant sentence is not diluted), and its best resident-question expansion
(a colloquial question meets a question like it, in BM25 and by cosine). Passages are grouped by
place so that one long section does not crowd the others out of a top-5. References such as
第八章第三節, 專欄8 or 附件2第8項 skip all that and go straight to the place named.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from .dictionary import Dictionary, read_dictionary
from .english_keys import EnglishKeys
from .glossary import Glossary
from .normalize import ENGLISH_QUESTION_WORDS, QUESTION_WORDS, detect_script, normalize, plain_simplified
from .outline import Place, parse_numeral
from .passages import Passage
from .romanised import PinyinNames
from .tokens import (
    ENGLISH_TERMS,
    defined_abbreviations,
    english_words,
    long_forms,
    plain_english_words,
    spell_out,
)
from .translations import Translations
from .tuning import (
    DENSE_FLOOR_QUANTILE,
    DENSE_WEIGHT,
    ENGLISH_KEY_SHARE,
    EXPANSION_BM25_SHARE,
    EXPANSION_WEIGHT,
    KEYWORD_TRUST,
    MIN_NAME_MATCH,
    NAME_BONUS,
    NAME_SHARE,
    PREAMBLE_BONUS,
    REFERENCE_BONUS,
    SECOND_PASSAGE_CREDIT,
    SENTENCE_WEIGHT,
    SINGLE_CHAR_WEIGHT,
)
from .word_pairs import learn_word_pairs

if TYPE_CHECKING:
    from .embedding import Embedder
    from .index import PlanIndex

__all__ = ["Hit", "HybridRetriever", "Located", "Reference", "Searcher", "explicit_reference",
           "split_question", "term_coverage"]

MODES = ("hybrid", "bm25", "dense")
# the stemmed English words of the hand word map: the learned bridges leave them to it
_HAND_MAPPED = frozenset(w for key in ENGLISH_TERMS for w in plain_english_words(key))


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None


@dataclass(frozen=True)
class Located:
    """A place (section, 專欄 or appendix table) ranked for a question, with its best passage."""

    place: Place
    score: float
    best: Hit
    hits: tuple[Hit, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Scores:
    """Every passage's signals for one question (computed once, ranked often)."""

    bm25: np.ndarray
    dense: np.ndarray
    keyword_confidence: float
    reference: Reference | None
    about_the_plan: bool = False
    tokens: tuple[str, ...] = ()  # the question's search tokens
    sentence: np.ndarray | None = None  # cosine of each sentence (index.sentences order)
    best_sentence: np.ndarray | None = None  # per passage: its best sentence's cosine
    expansion: np.ndarray | None = None  # per passage: best expansion-question cosine (nan: none)
    expansion_bm25: np.ndarray | None = None  # per passage: best expansion-question BM25
    english: np.ndarray | None = None  # per passage: BM25 of an English question's own words
    english_confidence: float = 0.0  # share of those words the best English key holds
    named: np.ndarray | None = None  # per passage: 1 where the question names this row or item


@dataclass(frozen=True)
class Reference:
    chapter: int | None = None
    section: int | None = None
    column: int | None = None
    appendix: int | None = None
    row: int | None = None

    def matches(self, place: Place) -> bool:
        pairs = ((self.chapter, place.chapter), (self.section, place.section),
                 (self.column, place.column), (self.appendix, place.appendix), (self.row, place.row))
        return all(want is None or want == got for want, got in pairs)


_NUM = r"([一二三四五六七八九十两\d]+)"
_REF_CHAPTER = re.compile(rf"第{_NUM}章(?:\s*第{_NUM}节)?")
_REF_COLUMN = re.compile(rf"专栏\s*{_NUM}(?:\s*(?:的)?第{_NUM}[项个])?")
_REF_APPENDIX = re.compile(rf"附件\s*{_NUM}(?:\s*(?:的)?第{_NUM}[项个])?")


def _int(text: str | None) -> int | None:
    return parse_numeral(text.replace("两", "二")) if text else None


def explicit_reference(query: str) -> Reference | None:
    """第三章, 第八章第三节, 专栏8, 附件2第8项 … in either script; None when the question names none."""
    text = normalize(query).replace(" ", "")
    try:
        if m := _REF_APPENDIX.search(text):
            return Reference(appendix=_int(m.group(1)), row=_int(m.group(2)))
        if m := _REF_COLUMN.search(text):
            return Reference(column=_int(m.group(1)), row=_int(m.group(2)))
        if m := _REF_CHAPTER.search(text):
            return Reference(chapter=_int(m.group(1)), section=_int(m.group(2)))
    except ValueError:
        return None
    return None


# A question about the plan document itself (its period, its basis, its purpose) is answered by
# the preamble, the plan's description of itself; its words are everywhere else too.
_ABOUT_THE_PLAN = re.compile(
    r"(这个|这份|本|该|整个|这部)?(纲要|规划纲要)(里|中)?.{0,12}(哪几年|哪些年|几年|期限|规划期|时间范围|依据|根据|"
    r"编制|目的|作用|性质)|(规划期|规划时间|规划期限)(是|为)?(哪|多|几)"
)
_ABOUT_THE_PLAN_EN = re.compile(
    r"\b(this|the) (plan|outline|document)\b.{0,30}\b(cover\s*\??$|based on|purpose|time ?(frame|period)|"
    r"which years|what years)|\b(time ?(frame|period)|which years) (does|of) (this|the) (plan|outline)"
)


def term_coverage(weights: dict[str, float], found: Collection[str]) -> float:
    """Share of the question's term weight (rarity) that a set of tokens contains."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in found) / total if total else 0.0


def about_the_plan(query: str) -> bool:
    text = normalize(query)
    return bool(_ABOUT_THE_PLAN.search(text.replace(" ", "")) or _ABOUT_THE_PLAN_EN.search(text))


def group_place(place: Place) -> Place:
    """The unit a staff member looks for: a section, a 專欄, an appendix table (or the preamble)."""
    plan = {"plan": place.plan, "part": place.part}  # which plan, and its 篇 where it has them
    if place.appendix is not None:
        return Place(appendix=place.appendix, plan=place.plan)
    if place.column is not None:
        return Place(chapter=place.chapter, section=place.section, column=place.column, **plan)
    return Place(chapter=place.chapter, section=place.section, **plan)


class Searcher:
    """Ranks passages and places for a question, over a loaded `PlanIndex`.

    Fusion is a weighted sum of BM25 scaled to the best passage (1.0), discounted when that
    passage covers little of the question, and the dense cosine stretched from the median passage
    (0) to the best (1.0); weights tuned on the development questions and our own held-out set.
    """

    def __init__(self, index: PlanIndex, embedder: Embedder, glossary: Glossary | None = None,
                 translations: Translations | None = None):
        self.index = index
        self.embedder = embedder
        self.passages = index.passages
        self.sentence_texts, self.sentence_owner = index.sentences
        # every sentence's search tokens, once: answers score sentences by them at query time
        self.sentence_tokens = [frozenset(index.tokenizer(t)) for t in self.sentence_texts]
        self.expansion_owner = np.asarray([pid for pid, _ in index.expansion_questions], dtype=np.int64)
        self.glossary = glossary or Glossary()
        self.translations = translations or Translations()
        self.english_keys = EnglishKeys(self.passages, index.expansion_questions, self.glossary,
                                        self.translations)
        # headings are part of each passage's tokens: section-title matches count in BM25
        self.passage_tokens = [frozenset(index.tokenizer(p.context_text)) for p in self.passages]
        self.abbreviations = defined_abbreviations(p.text for p in self.passages)
        self.names = NameIndex(self.passages)
        indptr = np.asarray(index.bm25.scores["indptr"])
        n = int(index.bm25.scores["num_docs"])
        self._idf = {tok: float(np.log(1 + (n - (indptr[i + 1] - indptr[i]) + 0.5)
                                       / (indptr[i + 1] - indptr[i] + 0.5)))
                     for tok, i in index.bm25.vocab_dict.items() if i + 1 < len(indptr)}

    @property
    def vocabulary(self) -> Collection[str]:
        """Every search term the plan's passages hold."""
        return self._idf.keys()

    @cached_property
    def pinyin_names(self) -> PinyinNames:
        """The vocabulary's pinyin spellings (about 0.6 s to build; see `prepare_english`)."""
        return PinyinNames(self.vocabulary)

    @cached_property
    def word_pairs(self) -> dict[str, list[str]]:
        """English words → Chinese words, learned from the glossary's title pairs, for words the
        hand word map does not have."""
        return learn_word_pairs(self.glossary.english, self.index.tokenizer.tokens,
                                skip=_HAND_MAPPED)

    @cached_property
    def general_dictionary(self) -> Dictionary:
        """CC-CEDICT, read once (a few seconds; see `prepare_english`)."""
        return read_dictionary()

    @cached_property
    def dictionary(self) -> dict[str, list[str]]:
        """English words → plan words from CC-CEDICT, for words neither map above has."""
        return {w: t for w, t in self.general_dictionary.english_terms(self.vocabulary).items()
                if w not in _HAND_MAPPED and w not in self.word_pairs}

    def prepare_english(self) -> None:
        """Read the English bridges now (a few seconds), not at the first question that needs
        one. (`Assistant.open` runs it in a thread; a question needing one meanwhile waits for it
        on the cached property's lock.)"""
        _ = self.pinyin_names, self.word_pairs, self.dictionary

    def english_terms(self, query: str) -> list[str]:
        """Plan terms for an English question beyond its word map's: the long forms of the
        abbreviations the plan defines (R&D), the words its romanised names spell (Shawan),
        those its words pair with in the glossary's titles (high-tech → 高新) and, for the rest,
        those a general dictionary glosses with them (stadium → 球场)."""
        long = self.index.tokenizer.tokens(" ".join(long_forms(query, self.abbreviations)))
        words = english_words(query)
        paired = [t for w in words for t in self.word_pairs.get(w, ())]
        glossed = [t for w in words for t in self.dictionary.get(w, ())]
        return [*long, *self.pinyin_names.terms(query, known=ENGLISH_TERMS), *paired, *glossed]

    def term_weights(self, tokens: list[str]) -> dict[str, float]:
        """Rarity of each question term (unknown terms count as rarest), one-character terms less."""
        top = max(self._idf.values(), default=1.0)
        return {t: self._idf.get(t, top) * (SINGLE_CHAR_WEIGHT if len(t) == 1 else 1.0)
                for t in dict.fromkeys(tokens)}

    def coverage(self, weights: dict[str, float], passage_index: int) -> float:
        """Share of the question's term weight that one passage contains."""
        return term_coverage(weights, self.passage_tokens[passage_index])

    # scoring ---------------------------------------------------------------------------------
    def bm25_scores(self, query: str, tokens: list[str] | None = None) -> np.ndarray:
        scores = np.zeros(len(self.passages), dtype=np.float32)
        for token in tokens if tokens is not None else self.index.tokenizer.query_tokens(query):
            weight = SINGLE_CHAR_WEIGHT if len(token) == 1 else 1.0
            scores += weight * np.asarray(self.index.bm25.get_scores([token]), dtype=np.float32)
        return scores

    def keyword_confidence(self, tokens: list[str], bm25: np.ndarray) -> float:
        """How much of the question the best keyword match covers: colloquial questions whose
        words meet the plan only in passing ("政府", "以后") should not outvote the dense match."""
        if not bm25.any():
            return 0.0
        weights = self.term_weights(tokens)
        return self.coverage(weights, int(np.argmax(bm25))) ** KEYWORD_TRUST

    def query_vector(self, query: str) -> np.ndarray:
        return np.ascontiguousarray(self.embedder.embed_queries([plain_simplified(query)])[0],
                                    dtype=np.float32)

    def question_vectors(self, questions: Sequence[str]) -> list[np.ndarray]:
        """The vector `scores` embeds for each question, all in one model call: the parts of one
        question cost one call (two short texts ~85 ms on two cores, two calls ~120 ms)."""
        texts = [plain_simplified(spell_out(q, self.abbreviations)) for q in questions]
        return [np.ascontiguousarray(v, dtype=np.float32)
                for v in self.embedder.embed_queries(texts)]

    def dense_scores(self, query: str, vector: np.ndarray | None = None) -> np.ndarray:
        vector = self.query_vector(query) if vector is None else vector
        scores, ids = self.index.vectors.search(vector[None, :], len(self.passages))
        out = np.full(len(self.passages), -1.0, dtype=np.float32)
        out[ids[0]] = scores[0]
        return out

    def _per_passage_max(self, values: np.ndarray, owners: np.ndarray, empty: float) -> np.ndarray:
        out = np.full(len(self.passages), empty, dtype=np.float32)
        if len(values):
            np.fmax.at(out, owners, values.astype(np.float32))
        return out

    def expansion_bm25_scores(self, tokens: list[str]) -> np.ndarray:
        bm25 = self.index.expansion_bm25
        if bm25 is None or not tokens:
            return np.zeros(len(self.passages), dtype=np.float32)
        scores = np.zeros(len(self.expansion_owner), dtype=np.float32)
        for token in tokens:
            weight = SINGLE_CHAR_WEIGHT if len(token) == 1 else 1.0
            scores += weight * np.asarray(bm25.get_scores([token]), dtype=np.float32)
        return self._per_passage_max(scores, self.expansion_owner, 0.0)

    def fuse(self, scores: Scores) -> np.ndarray:
        """Keywords (passage or expansion BM25, discounted by coverage) + stretched cosines of the
        passage and its best sentence, scaled to the best passage; plus the z-score of the best
        expansion-question cosine."""
        bm25 = scores.bm25
        top = float(bm25.max())
        keyword = bm25 / top if top > 0 else np.zeros_like(bm25)
        if scores.expansion_bm25 is not None and scores.expansion_bm25.max() > 0:
            keyword = np.maximum(keyword, EXPANSION_BM25_SHARE * scores.expansion_bm25
                                 / float(scores.expansion_bm25.max()))
        lexical = scores.keyword_confidence * keyword
        if scores.english is not None and scores.english.max() > 0:
            english = scores.english / float(scores.english.max())
            lexical = lexical + ENGLISH_KEY_SHARE * scores.english_confidence ** KEYWORD_TRUST * english
        fused = lexical + DENSE_WEIGHT * _stretch(scores.dense)
        if scores.best_sentence is not None and SENTENCE_WEIGHT:
            fused = fused + SENTENCE_WEIGHT * _stretch(scores.best_sentence)
        if scores.expansion is not None and EXPANSION_WEIGHT:
            covered = ~np.isnan(scores.expansion)
            if covered.sum() > 1:
                values = scores.expansion[covered]
                z = np.zeros_like(fused)
                z[covered] = (values - values.mean()) / (values.std() or 1.0)
                top = float(fused.max())
                fused = (fused / top if top > 0 else fused) + EXPANSION_WEIGHT * z / 3
        return fused

    def scores(self, query: str, mode: str = "hybrid", vector: np.ndarray | None = None) -> Scores:
        """Every passage's BM25, dense and heading-overlap score (computed once, ranked often).
        `vector`: the query's, when embedded already with others (`question_vectors`)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        n = len(self.passages)
        query = spell_out(query, self.abbreviations)
        tokens = self.index.tokenizer.query_tokens(query)
        if detect_script(query) == "english":
            tokens += [t for t in dict.fromkeys(self.english_terms(query)) if t not in tokens]
        bm25 = self.bm25_scores(query, tokens) if mode != "dense" else np.zeros(n, np.float32)
        if mode == "bm25":
            dense, extra = np.zeros(n, np.float32), {}
        else:
            vector = self.query_vector(query) if vector is None else vector
            dense = self.dense_scores(query, vector)
            sentence = self.index.sentence_vectors @ vector
            extra = {"sentence": sentence,
                     "best_sentence": self._per_passage_max(sentence, self.sentence_owner, -1.0)}
            if mode == "hybrid" and len(self.expansion_owner):
                extra["expansion"] = self._per_passage_max(self.index.expansion_vectors @ vector,
                                                           self.expansion_owner, np.nan)
                extra["expansion_bm25"] = self.expansion_bm25_scores(tokens)
            if mode == "hybrid":
                extra["named"] = self.names.named(query, n)
                if self.english_keys:
                    extra["english"], extra["english_confidence"] = self.english_keys.scores(query)
        return Scores(
            bm25,
            dense,
            self.keyword_confidence(tokens, bm25) if mode == "hybrid" else 1.0,
            explicit_reference(query),
            mode == "hybrid" and about_the_plan(query),
            tuple(tokens),
            **extra,
        )

    def rank(self, scores: Scores, k: int = 10, mode: str = "hybrid") -> list[Hit]:
        if mode == "bm25":
            fused = scores.bm25.astype(np.float64)
        elif mode == "dense":
            fused = scores.dense.astype(np.float64)
        else:
            fused = self.fuse(scores).astype(np.float64)
        if scores.named is not None:
            fused = fused + NAME_BONUS * scores.named
        if scores.reference is not None:
            ref = scores.reference
            fused = fused + REFERENCE_BONUS * np.array(
                [ref.matches(p.place) for p in self.passages], dtype=np.float64)
        elif scores.about_the_plan:
            fused = fused + PREAMBLE_BONUS * np.array(
                [p.place.is_preamble for p in self.passages], dtype=np.float64)
        bm25_rank, dense_rank = _ranks(scores.bm25), _ranks(scores.dense)
        order = np.argsort(-fused, kind="stable")[:k]
        return [Hit(self.passages[i], float(fused[i]),
                    int(bm25_rank[i]) if mode != "dense" else None,
                    int(dense_rank[i]) if mode != "bm25" else None) for i in order]

    def search(self, query: str, k: int = 10, mode: str = "hybrid") -> list[Hit]:
        """The k best passages; `mode` picks hybrid, BM25 alone or dense alone."""
        return self.rank(self.scores(query, mode), k=k, mode=mode)

    def locate(self, query: str, k: int = 5, mode: str = "hybrid", pool: int = 60) -> list[Located]:
        """The k best places. A question in several parts gets each part's best places in turn."""
        parts = split_question(query)
        if len(parts) == 1:
            return group_hits(self.search(query, k=pool, mode=mode))[:k]
        rankings = [group_hits(self.search(part, k=pool, mode=mode)) for part in parts]
        merged: dict[Place, Located] = {}
        for rank in range(max(len(r) for r in rankings)):
            for ranking in rankings:
                if rank < len(ranking) and ranking[rank].place not in merged:
                    merged[ranking[rank].place] = ranking[rank]
        return list(merged.values())[:k]


def split_question(query: str) -> list[str]:
    """'A 是什么？B 又是多少？', 'A 要建多少根，和 B 叫什么？', 'What is A, and which B …?' → two
    questions, each asking its own; one-part questions come back whole. A conjunction splits only
    where both sides ask something (…产业，和哪些园区: yes; 产业和园区有哪些: no)."""
    parts = []
    for sentence in re.split(r"(?<=[?？;；])", query):
        pieces = _JOINED.split(sentence)
        kept = [pieces[0]]
        for piece in pieces[1:]:
            before = normalize(kept[-1])
            if _ASKS.search(normalize(piece)) and _ASKS.search(before) and not _BARE_ASK.fullmatch(before):
                kept.append(piece)
            else:
                kept[-1] += f", {piece}" if detect_script(piece) == "english" else f"，{piece}"
        parts += [p.strip(" ,，") for p in kept if len(p.strip(" ,，")) >= 4]
    return parts if len(parts) > 1 else [query]


# A conjunction after a comma (，以及 / ，和 / ，同 / , and / , also) or an English "and" before a
# question word: where a message may join two questions.
_JOINED = re.compile(
    r"[,，]\s*(?:以及|還有|还有|另外|並且|并且|和|同|與|与|跟|and also\b|also\b|and\b)\s*"
    r"|\s+and\s+(?=(?:what|which|where|how|when|who|why)\b)", re.IGNORECASE)
# What makes a clause a question of its own: a question word (normalised, Simplified) or mark;
# 多 before an adjective of measure asks a measure (多大 仓容, 多长, 多久: how big, long, long ago).
_ASKS = re.compile(f"{QUESTION_WORDS}|多[大长久高远重宽深快]|怎|[?？]|{ENGLISH_QUESTION_WORDS}",
                   re.IGNORECASE)
_BARE_ASK = re.compile(r"\s*(how|what|which|where|when|who|why)(\s+\w+)?\s*", re.IGNORECASE)  # "How long"


def group_hits(hits: Iterable[Hit]) -> list[Located]:
    """Places ranked by their best passage (hits come best first), plus a little for a second one:
    more credit for further passages favoured long sections over the one that answers."""
    groups: dict[Place, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(group_place(hit.passage.place), []).append(hit)
    located = [Located(place, members[0].score + SECOND_PASSAGE_CREDIT * (
        members[1].score if len(members) > 1 else 0.0), members[0], tuple(members))
               for place, members in groups.items()]
    located.sort(key=lambda loc: -loc.score)
    return located


class NameIndex:
    """The names of the plan's table rows and list items (天安節能科技園, 地區生產總值), to tell
    a question that names one: the row about a thing should outrank a paragraph listing it."""

    def __init__(self, passages: list[Passage]):
        self.parts: dict[str, list[tuple[int, int]]] = {}  # a piece of a name → (passage, length)
        for p in passages:
            if p.kind not in ("row", "item"):
                continue
            name = _BRACKETED.sub("", normalize(p.place.title)).replace(" ", "")
            for i in range(len(name)):
                for j in range(i + MIN_NAME_MATCH, len(name) + 1):
                    self.parts.setdefault(name[i:j], []).append((p.id, len(name)))

    def match(self, query: str) -> tuple[list[int], str] | None:
        """The passages whose name the question holds the longest piece of — at least
        MIN_NAME_MATCH characters and NAME_SHARE of the name (番禺天安節能科技園 for 天安节能科技园),
        the most of it on a tie (地區生產總值 whole, not 人均地區生產總值) — and that piece of the
        (normalised) question; None when it names none."""
        text = normalize(query).replace(" ", "")
        best: dict[int, tuple[int, float, str]] = {}
        for i in range(len(text)):
            for j in range(i + MIN_NAME_MATCH, len(text) + 1):
                for pid, length in self.parts.get(text[i:j], ()):
                    if j - i >= NAME_SHARE * length:
                        best[pid] = max(best.get(pid, (0, 0.0, "")), (j - i, (j - i) / length,
                                                                      text[i:j]))
        if not best:
            return None
        top = max(m[:2] for m in best.values())
        ids = [pid for pid, m in best.items() if m[:2] == top]
        return ids, best[ids[0]][2]

    def named(self, query: str, n: int) -> np.ndarray:
        """1 for the passages the question names (`match`), 0 elsewhere."""
        out = np.zeros(n, dtype=np.float32)
        if found := self.match(query):
            out[found[0]] = 1.0
        return out


_BRACKETED = re.compile(r"[((][^()()]*[))]")


def _stretch(values: np.ndarray) -> np.ndarray:
    """Cosines from the median passage (0) to the best (1): only the spread above typical counts."""
    floor = float(np.quantile(values, DENSE_FLOOR_QUANTILE))
    spread = float(values.max()) - floor
    return np.clip((values - floor) / spread, 0, None) if spread > 0 else values * 0


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each score (1 = best)."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.int64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


class HybridRetriever(BaseRetriever):
    """The hybrid search as a langchain retriever, usable in anyone's chain.

    Documents carry the passage's citation (chapter, section, …, label) and score in metadata.
    """

    searcher: Any
    k: int = 5

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        documents = []
        for hit in self.searcher.search(query, k=self.k):
            doc = hit.passage.to_document()
            doc.metadata["score"] = hit.score
            documents.append(doc)
        return documents
