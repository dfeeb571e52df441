"""Follow-up questions: told apart from new ones, and resolved against the previous turn.

A question is a follow-up only when it is elliptic: it refers back (那…呢, 其中, 第二个, what
about …) or is nothing but a year or an aspect, and lacks a topic of its own. A self-contained
question is never merged with the one before it, however short.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .normalize import ENGLISH_QUESTION_WORDS, QUESTION_WORDS, detect_script, normalize, to_traditional
from .outline import parse_numeral

__all__ = ["ASPECT_WORDS", "OWN_QUESTION", "Turn", "is_follow_up", "ordinal_number", "ordinal_reference",
           "resolve_follow_up", "whole_terms"]

# Words that open a question and refer back to the previous turn (Mandarin, Cantonese, English):
# those that only go on from it ("then", "also") — a question of its own after them, with a topic
# of its own and no year (a year switches the previous question's: 那2020年实际做到多少?), stands
# alone (那十四五期间GDP每年要涨多少? after a question about 2035) — and those that point into it
_CONTINUATIONS = frozenset("那么 那麼 那 还有 還有 另外 然后 然後 咁 and".split())
_POINTERS = frozenset(["那个", "那個", "其中", "它", "佢", "这个", "這個", "呢个", "呢個", "嗰个", "嗰個",
                       "嗰", "what about", "how about"])
_BACK_REFERENCE = re.compile(  # the longest first: 那么 and 那个 before 那
    "^(" + "|".join(sorted(_CONTINUATIONS | _POINTERS, key=lambda w: (-len(w), w))) + ")", re.IGNORECASE)
# An interrogative of a question's own: it asks something, not only names a topic (那GDP呢?)
OWN_QUESTION = re.compile(f"{QUESTION_WORDS}|怎么|怎样|点解|{ENGLISH_QUESTION_WORDS}(?! about)",
                          re.IGNORECASE)
# What a question asks of its topic rather than the topic itself (规模, 投资, 面积, 时间 …): general
# measure and status words; the answerer adds the words of the plan's own table headers.
ASPECT_WORDS = frozenset(
    """规模 产值 总量 数量 面积 时间 进度 比例 比重 增长 增速 目标 投资 总投资 预计 计划 完成 建成
    开工 新增 占地 位置 地点 范围 情况 措施 现状 定位 方向 作用 内容 多大 多长 多高 多少 几多""".split()
)
# English pronouns that point back (when is it built? how much is still to be built there?);
# not the "there" of "is there", nor the "it" of "is it true that".
_ENGLISH_ANAPHOR = re.compile(
    r"(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )(?<!\bbe )\bthere\b(?! (is|are|was|were|be)\b)"
    r"|\b(it|its|they|them|their|those|these)\b(?! (is|are) (true|possible|planned) that)",
    re.IGNORECASE,
)
# Chinese pronouns anywhere in a question: it goes on from the previous topic (那它有多少职工?)
_CHINESE_ANAPHOR = re.compile(r"它|佢|这个|這個|那个|那個|呢个|呢個|嗰个|嗰個|这些|這些|那些|嗰啲|呢啲")
_ELLIPTIC_END = re.compile(r"(呢|嗎|吗|喎|啊|咧|\?|？)\s*[?？!！。]*$")
# 农村的呢? / 農村嘅呢?: a modifier whose noun is left out — the previous question's (垃圾分类呢?
# names a topic of its own and stands alone)
_HEADLESS = re.compile(r"(的|嘅)\s*(呢|嗎|吗)?\s*[?？]*\s*$")
_ORDINAL = re.compile(r"第([一二三四五六七八九十\d]+)(个|個|项|項|条|條)")
# the English of 第二个: "the second one", "the 3rd item" (not "the first phase": a topic of its own)
_ENGLISH_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                     "ninth", "tenth")
_ORDINAL_EN = re.compile(rf"\bthe ({'|'.join(_ENGLISH_ORDINALS)}|\d+)(?:st|nd|rd|th)? "
                         r"(?:one|item|point|project|goal|of them)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年?")
MAX_ELLIPTIC_TOPIC_TERMS = 2  # a back-reference with more topic terms than this stands alone
MIN_SHARED_CONTEXT, MAX_SHARED_CONTEXT = 2, 4  # characters a swapped term must share in the plan


# An outline reference missing its upper level: 第四节 without its chapter, 第3项 without its 专栏.
_SECTION_ONLY = re.compile(r"第[一二三四五六七八九十\d]+[节節]")
_CHAPTER = re.compile(r"第[一二三四五六七八九十\d]+章")
_ROW_ONLY = re.compile(r"第[一二三四五六七八九十\d]+[项項]")
_TABLE = re.compile(r"(专栏|專欄|附件)\s*[一二三四五六七八九十\d]+")


def _complete_reference(question: str, previous: str) -> str | None:
    """'第四节主要讲什么?' after a question about 第十二章 → '第十二章第四节主要讲什么?'."""
    if _SECTION_ONLY.search(question) and not _CHAPTER.search(question):
        upper = _CHAPTER.findall(previous)
        target = _SECTION_ONLY
    elif _ROW_ONLY.search(question) and not _TABLE.search(question):
        upper = [m.group(0) for m in _TABLE.finditer(previous)]
        target = _ROW_ONLY
    else:
        return None
    if not upper:
        return None
    m = target.search(question)
    return f"{question[: m.start()]}{upper[-1]}{question[m.start():]}"


@dataclass(frozen=True)
class Turn:
    """An earlier question and, when known, the list items its answer named (for 第二个…)."""

    question: str
    items: tuple[str, ...] = ()


def whole_terms(terms: Sequence[str]) -> list[str]:
    """Terms that are not part of a longer one: 功能 and 定位 of 功能定位 are one topic."""
    return [t for t in terms if not any(t != other and t in other for other in terms)]


def ordinal_reference(question: str) -> bool:
    """第二个 / 第3项 / the second one: the question points at an item of a list."""
    return bool(_ORDINAL.search(question) or _ORDINAL_EN.search(question))


def ordinal_number(question: str) -> int | None:
    """The N of 第N个 / 第N项 / the Nth one (None when there is none or it is no number)."""
    if m := _ORDINAL_EN.search(question):
        word = m.group(1).lower()
        return _ENGLISH_ORDINALS.index(word) + 1 if word in _ENGLISH_ORDINALS else int(word)
    m = _ORDINAL.search(question)
    try:
        return parse_numeral(m.group(1)) if m else None
    except ValueError:
        return None


def _without_ordinal(text: str) -> str:
    return _ORDINAL_EN.sub(" ", _ORDINAL.sub(" ", text))


def _core(question: str) -> str:
    text = _BACK_REFERENCE.sub("", question.strip())
    return _ELLIPTIC_END.sub("", text).strip(" ,，?？")


def is_follow_up(question: str, topic_terms: Callable[[str], list[str]]) -> bool:
    """Elliptic and without a topic of its own. `topic_terms` gives a text's search terms."""
    text = question.strip()
    core = _core(text)
    bare = _without_ordinal(_YEAR.sub(" ", core))
    terms = whole_terms([t for t in topic_terms(bare) if len(t) > 1 and not t.isdigit()])
    back = _BACK_REFERENCE.match(text)
    pointing = ordinal_reference(text) or _HEADLESS.search(text) or _ENGLISH_ANAPHOR.search(text)
    if (back and back.group(0).lower() in _CONTINUATIONS and not pointing and terms
            and not _CHINESE_ANAPHOR.search(core) and not _YEAR.search(core)
            and OWN_QUESTION.search(normalize(core))):
        return False
    if back or pointing:
        return len(terms) <= MAX_ELLIPTIC_TOPIC_TERMS
    # no back-reference: only a bare year or aspect ("2035年呢?", "具体呢?") leans on the last turn
    return bool(_ELLIPTIC_END.search(text)) and not terms


def _swap(previous: str, core: str, topic_terms: Callable[[str], list[str]],
          in_plan: Callable[[str], bool]) -> str | None:
    """'农村的呢?' after '城镇居民人均可支配收入是多少?' → '农村居民人均可支配收入是多少?': the
    follow-up's one topic takes the place of a part of the previous question when the plan itself
    joins both to the same following words (城镇居民人均 and 农村居民人均: a parallel). Otherwise
    None, and the follow-up narrows the previous question instead."""
    terms = topic_terms(core)
    if len(terms) != 1 or normalize(core).replace(terms[0], "").strip(" 的嘅"):
        return None  # the follow-up must be that topic alone (农村的), asking nothing else
    new = terms[0]
    text = normalize(previous)
    best: tuple[int, int, str] | None = None  # (shared context, replaced length, question)
    for term in topic_terms(text):
        at = text.find(term)
        for i in range(len(term) if at >= 0 else 0):
            for j in range(i + 2, len(term) + 1):
                start, end = at + i, at + j
                if text[start:end] == new:
                    continue
                shared = _shared_context(text, start, end, new, in_plan)
                if shared and (best is None or (shared, j - i) > best[:2]):
                    best = (shared, j - i, _replaced(previous, text, start, end, new))
    return best[2] if best else None


def _replaced(previous: str, text: str, start: int, end: int, new: str) -> str:
    """The previous question with text[start:end] replaced, in its own words and script where the
    normalised text lines up with it character for character (係幾多 stays, 城鎮 → 農村)."""
    if len(text) != len(previous):
        return text[:start] + new + text[end:]
    if detect_script(previous) == "traditional":
        new = to_traditional(new)
    return previous[:start] + new + previous[end:]


def _shared_context(text: str, start: int, end: int, new: str, in_plan: Callable[[str], bool]) -> int:
    """How many characters after text[start:end] the plan also has after `new` (0: none): the
    modifier swapped, its head kept (城镇|居民人均 → 农村|居民人均). What comes before is no
    evidence: 番禺 stands before almost anything."""
    old, shared = text[start:end], 0
    for k in range(MIN_SHARED_CONTEXT, MAX_SHARED_CONTEXT + 1):
        after = text[end:end + k]
        if len(after) == k and in_plan(new + after) and in_plan(old + after):
            shared = k
    return shared


def resolve_follow_up(question: str, history: Sequence[str | Turn],
                      topic_terms: Callable[[str], list[str]],
                      in_plan: Callable[[str], bool] | None = None,
                      search_terms: Callable[[str], list[str]] | None = None) -> str:
    """'那2035年呢?' after '2025年GDP目标是多少?' → '2035年GDP目标是多少?'; '第二个呢?' after an
    answer that listed items → that item; '农村的呢' after a question about 城镇居民 → the same
    question about 农村居民 (`in_plan` says the plan has that phrase); '其中农村的呢' otherwise → the
    previous question narrowed by it; '具体点呢?', with no `search_terms` of its own, → the previous
    question again. A question that is not a follow-up comes back unchanged."""
    turns = [h if isinstance(h, Turn) else Turn(h) for h in history if h and str(h).strip()]
    turns = [t for t in turns if t.question.strip()]
    if not turns:
        return question
    previous = turns[-1]
    if completed := _complete_reference(question, previous.question):
        return completed
    if not is_follow_up(question, topic_terms):
        return question
    new_year, old_year = _YEAR.search(question), _YEAR.search(previous.question)
    if new_year and old_year:
        year = new_year.group(0)
        rest = previous.question[old_year.end():]
        # the follow-up's own aspect ("那2025年的GDP目标呢?") keeps its weight in the new question
        aspect = _without_ordinal(_YEAR.sub(" ", _core(question))).strip(" 的")
        aspect = aspect if [t for t in topic_terms(aspect) if len(t) > 1] else ""
        return f"{previous.question[: old_year.start()]}{year}{rest.lstrip('年')} {aspect}".strip()
    if (n := ordinal_number(question)) and previous.items and n <= len(previous.items):
        return f"{previous.items[n - 1]} {_core(_without_ordinal(question))}".strip()
    core = _core(question)
    if in_plan is not None and (swapped := _swap(previous.question, core, topic_terms, in_plan)):
        return swapped
    if search_terms is not None and not search_terms(core):
        return previous.question  # it asks nothing new: its words would only blur the search
    return f"{previous.question.rstrip('?？ ')} {core}".strip()
