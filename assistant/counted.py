"""What a figure question counts, and whether the sentences found for it name that thing.

The plan gives figures for many things, and a question for one it lacks (hospital beds, the
general budget revenue, PM10) retrieves a neighbouring figure (physicians per 1,000 residents,
tourism revenue, PM2.5) that answers another question. What is counted is named in the question:
- in English, by the words after "how many / how much" (`counted_words`);
- in Chinese, by the rarer nouns of the clause that asks the amount (`chinese_counted`).

A sentence names such a word when it holds it, or — for a Chinese word in other words than the
plan's (医生 for 醫師) — when the sentence's English holds one of the word's senses in a general
dictionary (CC-CEDICT). A word the dictionary does not know may be a colloquial synonym: unknown,
never a reason to refuse; so are words that name a quantity (总数 "total", 比例 "proportion")
rather than what is counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from re import Match
from typing import Any

from .dictionary import Dictionary
from .scope import YEAR
from .tokens import STOP_WORDS, english_words, plain_english_words

__all__ = ["chinese_counted", "counted_words", "english_names", "figure_words", "indicator_name",
           "indicator_vocabulary", "named_words", "names_all", "row_answers"]

# What "how many/much" counts: the words up to the verb or preposition that follows them.
_COUNTED = re.compile(
    r"\bhow (?:many|much) ((?:(?!(?:will|would|are|is|were|was|does|do|did|has|have|had|can|could"
    r"|should|per|in|by|for|to|of|at|on|there|be|get|go|does|from|with|under|over|each|the|a|an)\b)"
    r"[a-z0-9][a-z0-9\-']*\s*){1,4})")
# Words that name a quantity, a measure or its period rather than what is counted (how much floor
# space, how many storeys, daily capacity; 总数 "total", 比例 "proportion"; 所有 "all", 全部
# "whole"): the plan states those in its own units (平方米, 層, 萬噸/日), not these words
_QUANTITY_WORDS = frozenset(
    "money people persons time times years days months percent percentage share proportion ratio "
    "rate total sum altogether aggregate overall all whole entire every each quantity count scale "
    "more new extra additional "
    "space area floor floors storeys stories levels size length land square metres meters "
    "kilometres kilometers hectares capacity volume amount number daily annual yearly monthly "
    "average concentration".split())
_QUANTITY_STEMS = frozenset(plain_english_words(" ".join(_QUANTITY_WORDS)))
# Words of a figure question that say what kind of figure is wanted, not of what (目标 "target",
# 标准 "standard", 水平 "level"), with the quantity words above
_NOT_ASKED_STEMS = _QUANTITY_STEMS | frozenset(plain_english_words(
    "target goal objective aim indicator index figure plan planned expected estimate actual value "
    "standard level"))
# The prepositions of an indicator's English name (per 1,000, per unit of GDP): like its
# participles (designated, value added, licensed, policy-based), they tell no indicator from another
_PREPOSITIONS = frozenset("per of in with by for to on at".split())
_MODIFIERS = frozenset(plain_english_words("new more extra additional"))  # of a thing, not one
# jieba's tags of words that never name the thing counted: adverbs, pronouns, time, place and
# position words, conjunctions, prepositions, particles, numerals, measure words, adjectives,
# attributives, idioms of manner and punctuation
_NOT_COUNTED_TAGS = frozenset("d ad vd r t f s c p u uj ul uz ug ud m mq q y e o z a ag b x".split())
# …and the tags of words that never name what a figure is of: 人均 (j) and 公共 (b) do,
# and so do the plan's own terms, which the tagger does not know (x: 公办学位)
_NOT_ASKED_TAGS = _NOT_COUNTED_TAGS - {"b", "j", "x"}
_CJK = re.compile(r"[\u3400-\u9fff]+")
_UNIT = re.compile(r"[(（][^)）]*[)）]")  # 人均預期壽命(歲): the unit, not what is measured
_CLAUSE = re.compile(r"[,，;；。?？!！]")
_YEAR_WORD = re.compile(YEAR.pattern + "年?")
_CODE = re.compile(r"(?=.*\d)(?=.*[a-z])[a-z0-9.]+")  # pm10, 5g: a code is named as it is, or not
MAX_ABBREVIATED = 7  # 研究与试验发展 → 研发: the span an abbreviation's characters come from
# Chinese resultative and directional complements: the one-character verbs that follow another
# verb to say how its action ends (冲到, 做成, 定为, 建起)
_COMPLEMENTS = frozenset("到成为出上下起来去完好住")
MAX_COMPOUND = 4  # 充电桩, 停车位: a verb and a noun's character, as residents name a thing
MIN_PREFIX = 4  # lamppost meets lamp (post): English compounds and their parts
# A sentence as `names_all` reads it: its Chinese (normalised, without spaces), its English words
# (as `plain_english_words` cuts them) and its Chinese words (医师, whose sense "doctor" 医生 shares)
Sentence = tuple[str, frozenset[str], frozenset[str]]


def counted_words(question: str) -> frozenset[str]:
    """The words of what an English question counts (how many hospital beds → hospital, bed),
    without quantity words that name no topic (how much money, how many people)."""
    m = _COUNTED.search(question.lower())
    if m is None:
        return frozenset()
    words = [w for w in m.group(1).split() if w not in _QUANTITY_WORDS]
    return frozenset(english_words(" ".join(words)))


def english_names(word: str, english: Collection[str], chinese_words: Iterable[str],
                  dictionary: Dictionary, parts: Callable[[str], Iterable[str]]) -> bool:
    """Whether a text (its `english` words and its Chinese words) names an English word: the
    English holds it (or a longer or shorter form: lamppost, lamp, post), or a Chinese word of the
    text, or one of its `parts` (执业医师 → 医师), has it among its senses (doctor: 醫師)."""
    return _english_has(word, english) or any(
        _english_has(word, sense)
        for w in chinese_words for p in (w, *parts(w)) for sense in dictionary.senses(p))


def chinese_counted(question: str, asks_amount: Callable[[str], Match[str] | None], tagger: Any,
                    vocabulary: Collection[str], dictionary: Dictionary) -> list[str]:
    """The words naming what a Chinese question counts that the plan never uses: in each clause
    that asks an amount, the nouns after the amount word (多少间茶楼, 多少个泳池, 多少水), or
    where none follow, the nouns before it (全区病床2025年打算达到多少 → 病床). Not years
    or verbs ("to plan", 打算; jieba tags 预算 a verb too, the dictionary says "budget"). A word
    the plan uses (`vocabulary`) but the best passages lack points at passages the search missed,
    not at a figure the plan lacks. `question` is normalised, its abbreviations spelled out."""
    counted = []
    for after, before in _asking_clauses(question, asks_amount):
        cut = _cut(after, tagger)
        words = (_things(cut, dictionary) or _compound(cut)
                 or _things(_cut(before, tagger), dictionary))
        counted += [w for w in words if len(w) > 1 and w not in vocabulary]
    return counted


def _cut(text: str, tagger: Any) -> list[tuple[str, str]]:
    return [(w, tag) for w, tag in tagger.cut(text)]


def _things(cut: list[tuple[str, str]], dictionary: Dictionary) -> list[str]:
    """The words of a cut that name a thing (`chinese_counted`)."""
    return [w for i, (w, tag) in enumerate(cut)
            if _names_a_thing(w, tag, dictionary) and not _not_named_here(cut, i)]


def _compound(cut: list[tuple[str, str]]) -> list[str]:
    """A noun the tagger cut into a verb and a one-character noun or measure word (充电桩 →
    充电 + 桩, "charging pile"), after the measure word that follows the amount (多少个充电桩):
    the compound as one word, at most `MAX_COMPOUND` characters."""
    words = [(w, tag) for w, tag in cut if not tag.startswith("x") and tag not in ("y", "u", "uj")]
    while words and words[0][1] in ("q", "m", "mq"):
        words = words[1:]
    if len(words) < 2 or len(words[-1][0]) != 1 or words[-1][1] not in ("q", "n", "ng"):
        return []
    compound = "".join(w for w, _ in words)
    return [compound] if len(compound) <= MAX_COMPOUND and _CJK.fullmatch(compound) else []


def _asking_clauses(question: str, asks: Callable[[str], Match[str] | None]) -> Iterator[tuple[str, str]]:
    """Each clause that asks for a figure, as the text after the word that asks and the text
    before it, without its years."""
    for clause in _CLAUSE.split(question.replace(" ", "")):
        m = asks(clause)
        if m is not None:
            yield clause[m.end():], _YEAR_WORD.sub(" ", clause[:m.start()])


def figure_words(question: str, asks_figure: Callable[[str], Match[str] | None], tagger: Any,
                 dictionary: Dictionary, no_topic: Collection[str]) -> list[str]:
    """Every word of what a Chinese figure question asks a figure of, the plan's own words included
    (番禺2025年人均GDP目标 → 人均, gdp): as `chinese_counted` finds them, with the attributives
    that tell one indicator from another, less the words that name the kind of figure (目标,
    比重), verbs and `no_topic` (the district's and the period's names)."""
    words = []
    for after, before in _asking_clauses(question, asks_figure):
        words += (named_words(after, tagger, dictionary, no_topic)
                  or named_words(before, tagger, dictionary, no_topic))
    return words


def indicator_vocabulary(names: Iterable[str]) -> frozenset[str]:
    """The English words that tell the plan's indicators apart (their English `names`, without
    units, quantity words and the words of a figure's kind): a question's word among them names
    an indicator, one that another row cannot answer (unemployment, not infant mortality)."""
    words: set[str] = set()
    for name in names:
        plain = " ".join(w for w in _UNIT.sub(" ", name).lower().split()
                         if not w.endswith("ed") and w not in _PREPOSITIONS)
        words.update(w for w in plain_english_words(plain) if not w.isdigit()
                     and (len(w) > 2 or _CODE.fullmatch(w)) and w not in _NOT_ASKED_STEMS)
    return frozenset(words)


def indicator_name(title: str, english: frozenset[str], tagger: Any, dictionary: Dictionary,
                   no_topic: Collection[str]) -> Sentence:
    """An indicator row's name (its `title` normalised, without its unit) as `row_answers`
    reads it, with its `english` words."""
    name = _UNIT.sub("", title).replace("—", "").replace(" ", "")
    return name, english, frozenset(named_words(name, tagger, dictionary, no_topic))


def row_answers(asked: Iterable[str], row: Sentence, dictionary: Dictionary,
                parts: Callable[[str], Iterable[str]] | None = None) -> bool:
    """Whether an indicator row (its `indicator_name`) or a sentence gives the figure asked: it
    names every word asked (人均 is not in 地区生产总值总量; 户籍 is not in 常住人口城镇化率), by
    its characters, its English, a shared sense (of a word's `parts` where the dictionary lacks
    it) or as an abbreviation (人均 for 人口平均, 低保 for 最低生活保障). A word that cannot be
    judged fits."""
    return all(_names(w, row, dictionary, parts) is not False or _abbreviates(w, row[0]) for w in asked)


def _abbreviates(word: str, name: str) -> bool:
    """人均 for 人口平均, 研发 for 研究与试验发展: a Chinese abbreviation keeps characters of the
    words it shortens, in order, within a few characters of each other."""
    if len(word) != 2 or not _CJK.fullmatch(word):
        return False
    return any(word[1] in name[i + 1:i + MAX_ABBREVIATED] for i, ch in enumerate(name) if ch == word[0])


def named_words(text: str, tagger: Any, dictionary: Dictionary, no_topic: Collection[str]) -> list[str]:
    """The words of a text that could name what a figure is of (those `figure_words` keeps)."""
    words = []
    cut = _cut(text, tagger)
    for i, (word, tag) in enumerate(cut):
        if (len(word) < 2 or word.isdigit() or word in STOP_WORDS or word in no_topic
                or tag in _NOT_ASKED_TAGS or dictionary.is_verb(word) or _not_named_here(cut, i)
                or (tag == "x" and not _CJK.fullmatch(word))):
            continue
        senses = dictionary.senses(word)
        if (tag.startswith("v") and not senses) or any(s <= _NOT_ASKED_STEMS for s in senses):
            continue  # a verb the dictionary lacks (定为); 比重 "proportion", 目标 "target"
        words.append(word)
    return words


def _not_named_here(cut: list[tuple[str, str]], i: int) -> bool:
    """The i-th word of a cut names no thing here: a verb of the tagger's followed by a
    resultative or directional complement (要冲 + 到, "rush to", whatever the dictionary's noun
    senses: 要冲 "hub"; 预算 before 收入 stays a noun), or a word the asker glosses in brackets
    (大厂(规模以上工业): the gloss names it in the plan's words)."""
    after = cut[i + 1][0] if i + 1 < len(cut) else ""
    return (cut[i][1].startswith("v") and after in _COMPLEMENTS) or after == "("


def _names_a_thing(word: str, tag: str, dictionary: Dictionary) -> bool:
    return (not word.isdigit() and word not in STOP_WORDS and tag not in _NOT_COUNTED_TAGS
            and not dictionary.is_verb(word))


def names_all(words: Iterable[str], sentences: Iterable[Sentence], dictionary: Dictionary,
              parts: Callable[[str], Iterable[str]]) -> bool:
    """Some sentence names every word that can be judged. `parts`: a word's shorter words
    (停车场地 → 停车, 场地), judged in its stead when the dictionary lacks it."""
    words = list(words)
    return not words or any(
        all(_names(w, sentence, dictionary, parts) is not False for w in words)
        for sentence in sentences)


def _names(word: str, sentence: Sentence, dictionary: Dictionary,
           parts: Callable[[str], Iterable[str]] | None) -> bool | None:
    """Whether one sentence names the word; None where that cannot be told (a word unknown to
    the dictionary, one that names a quantity)."""
    chinese, english, chinese_words = sentence
    if word in chinese:
        return True
    if word.isascii():
        return False if _CODE.fullmatch(word) else None
    # 新建 "new construction": the construction is named, "new" says nothing of what
    senses = [sense - _MODIFIERS for sense in dictionary.senses(word)]
    if senses:
        if any(sense <= _QUANTITY_STEMS for sense in senses):
            return None
        return (any(all(_english_has(w, english) for w in sense) for sense in senses)
                or any(sense in senses for w in chinese_words for sense in dictionary.senses(w)))
    if parts is None:
        return None
    judged = [_names(p, sentence, dictionary, None) for p in parts(word) if p != word and len(p) > 1]
    if False in judged:
        return False
    return True if True in judged else None


def _english_has(word: str, english: Collection[str]) -> bool:
    return word in english or (len(word) >= MIN_PREFIX and any(
        len(w) >= MIN_PREFIX and (w.startswith(word) or word.startswith(w) or w.endswith(word))
        for w in english))
