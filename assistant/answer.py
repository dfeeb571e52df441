"""What an answer is, as data: ordered claims (a sentence and the place it comes from), the
passages behind them, and, for a refusal, why and where to look instead.

These are the domain objects the answerer fills and the CLI, the UI, the optional LLM path and the
evaluation share. No surface's text is stored here: `render.py` writes chat Markdown, plain text
and JSON from an `Answer`, so nothing ever parses answer text back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .normalize import to_simplified
from .outline import Place
from .scope import PlanScope

__all__ = ["MAX_QUESTION_CHARS", "REFUSALS", "Answer", "Chart", "Claim", "QuestionError", "Source",
           "check_question"]

MAX_QUESTION_CHARS = 500


class QuestionError(ValueError):
    """A question that cannot be asked as typed; `message(script)` is polite and says why."""

    def __init__(self, reason: str, traditional: str, english: str):
        self.reason = reason  # "empty", "too_long", "no_words"
        self.traditional = traditional
        self.english = english
        super().__init__(english)

    def message(self, script: str = "simplified") -> str:
        if script == "english":
            return self.english
        return to_simplified(self.traditional) if script == "simplified" else self.traditional


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


def check_question(text: object) -> str:
    """The question cleaned of control characters; QuestionError when nothing askable is left."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n")).strip()
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Co", "Cs", "Cn"))
    if not text:
        raise QuestionError("empty", "請輸入一個關於番禺區“十四五”規劃的問題。",
                            "Please type a question about the Panyu 14th Five-Year Plan.")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            "too_long",
            f"問題太長了({len(text)}字)。請縮短到{MAX_QUESTION_CHARS}字以內,一次問一件事。",
            f"The question is too long ({len(text)} characters); please keep it under "
            f"{MAX_QUESTION_CHARS} and ask one thing at a time.")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        raise QuestionError("no_words", "問題裡沒有文字。請用文字描述想了解的內容。",
                            "The question has no words in it; please describe what you want to know.")
    return text


@dataclass(frozen=True)
class Source:
    """A retrieved passage shown under the answer; `quotes` are the sentences the answer used."""

    place: Place
    text: str  # the plan's original (Traditional) text
    score: float
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chart:
    """Values of one indicator row (e.g. 2020 vs 2025 target), for a small bar chart."""

    title: str
    unit: str
    points: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Claim:
    """One sentence of an answer and the place it comes from.

    `text` is the plan's own wording (Traditional, converted for the reader by the renderers), or
    a table row written out from the plan's own cells, or an LLM's verified sentence.
    """

    text: str
    place: Place
    also: tuple[Place, ...] = ()  # further places the same sentence cites (an LLM's [1,2])
    english: str = ""  # the team's English of the sentence (translations.py), for English readers

    @property
    def places(self) -> tuple[Place, ...]:
        return (self.place, *self.also)


# Why an answer is a refusal. Each renderer words these; the set is closed.
REFUSALS = ("no_such_place", "instruction", "writing", "personal", "ranking", "other_place",
            "outside_period", "live_data", "no_figure", "not_in_plan")


@dataclass(frozen=True)
class Answer:
    """An answer as data. A refusal has a `refusal` reason and usually no claims; a personal-advice
    refusal carries the relevant policy sentences as claims, for context."""

    question: str
    script: str  # "simplified", "traditional" or "english": the reader's
    claims: tuple[Claim, ...] = ()
    refusal: str | None = None
    sources: tuple[Source, ...] = ()
    related: tuple[Place, ...] = ()  # "see also": other sections the question touches
    suggestions: tuple[Place, ...] = ()  # closest places, for refusals
    chart: Chart | None = None
    mode: str = "extractive"  # or "llm"
    fallback_reason: str | None = None
    resolved_question: str | None = None  # a follow-up rewritten with the previous question
    scope: PlanScope | None = None  # what the plan covers, for the refusal's wording

    def __post_init__(self) -> None:
        if self.refusal is not None and self.refusal not in REFUSALS:
            raise ValueError(f"unknown refusal reason {self.refusal!r}")

    @property
    def refused(self) -> bool:
        return self.refusal is not None

    @property
    def citations(self) -> list[Place]:
        """The places cited, in order of first use, then the see-also places; [] for a refusal."""
        if self.refused:
            return []
        return list(dict.fromkeys([p for c in self.claims for p in c.places] + list(self.related)))

    @property
    def items(self) -> tuple[str, ...]:
        """The named list items or table rows the answer gives, in order: what a follow-up such
        as 第二个呢 refers to."""
        return tuple(dict.fromkeys(c.place.title for c in self.claims
                                   if c.place.row is not None and c.place.title))

    def label_script(self) -> str:
        return "simplified" if self.script == "simplified" else "traditional"
