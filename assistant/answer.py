"""What an answer is: text whose every sentence carries its citation, the sources, and why.

These are the domain objects the CLI, the UI, the optional LLM path and the evaluation share.
The extractive answerer that fills them lives in `extractive.py`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .normalize import to_simplified
from .outline import Place

__all__ = ["MAX_QUESTION_CHARS", "Answer", "Chart", "QuestionError", "Source", "check_question"]

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

    def to_dict(self, script: str = "traditional") -> dict:
        return {"citation": _citation(self.place, script), "text": self.text,
                "score": round(self.score, 6), "quotes": list(self.quotes)}


@dataclass(frozen=True)
class Chart:
    """Values of one indicator row (e.g. 2020 vs 2025 target), for a small bar chart."""

    title: str
    unit: str
    points: tuple[tuple[str, float], ...]


@dataclass
class Answer:
    question: str
    text: str  # in the asker's script, each sentence tagged with its 〔citation〕
    script: str  # "simplified", "traditional" or "english"
    refused: bool
    citations: list[Place]  # most important first; the first is the main source
    sources: list[Source] = field(default_factory=list)
    suggestions: list[Place] = field(default_factory=list)  # closest places, for refusals
    chart: Chart | None = None
    mode: str = "extractive"  # or "llm"
    fallback_reason: str | None = None
    resolved_question: str | None = None  # a follow-up rewritten with the previous question

    def label_script(self) -> str:
        return "simplified" if self.script == "simplified" else "traditional"

    def to_json(self) -> dict:
        script = self.label_script()
        data = {
            "question": self.question,
            "answer": self.text,
            "script": self.script,
            "refused": self.refused,
            "citations": [_citation(p, script) for p in self.citations],
            "passages": [s.to_dict(script) for s in self.sources],
            "suggestions": [_citation(p, script) for p in self.suggestions],
            "mode": self.mode,
        }
        if self.fallback_reason:
            data["fallback_reason"] = self.fallback_reason
        if self.resolved_question:
            data["resolved_question"] = self.resolved_question
        if self.chart:
            data["chart"] = {"title": self.chart.title, "unit": self.chart.unit,
                             "points": [list(p) for p in self.chart.points]}
        return data


def _citation(place: Place, script: str) -> dict:
    return {"chapter": place.chapter, "section": place.section, "subsection": place.subsection,
            "column": place.column, "appendix": place.appendix, "row": place.row,
            "label": place.label(script)}
