"""Scores on a question file (format of shared/eval/README.md): citation hit@k, MRR, by kind/script.

Modelled on sentence-transformers' InformationRetrievalEvaluator: plain questions and gold places
in, figures out. A citation matches a gold place when chapter and section agree, or the appendix,
or both are the preamble; a 專欄 adds nothing to the match.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .answer import QuestionError
from .normalize import to_simplified
from .outline import Place
from .render import plain_text

__all__ = ["Question", "Result", "load_questions", "matches", "score", "summarise"]

KS = (1, 3, 5)


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    script: str
    kind: str
    gold: tuple[Place, ...]
    facts: tuple[str, ...] = ()
    need_all: bool = False
    history: tuple[str, ...] = ()  # the user's earlier questions, oldest first
    followup: bool = False  # the question only makes sense after `history`

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


@dataclass
class Result:
    """One question's outcome: the places cited in order, and optionally the answer text."""

    question: Question
    citations: list[Place]
    answer: str = ""
    refused: bool = False
    latency_ms: float = 0.0
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"id": self.question.id, "question": self.question.question, "answer": self.answer,
                "refused": self.refused,
                "citations": [c.to_dict() for c in self.citations],
                "latency_ms": round(self.latency_ms, 2), **self.extra}


def _place(d: dict) -> Place:
    if d.get("preamble"):
        return Place()
    return Place(chapter=d.get("chapter"), section=d.get("section"), column=d.get("column"),
                 appendix=d.get("appendix"))


def load_questions(path: str | Path) -> list[Question]:
    questions = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            history = d.get("history") or ()
            if not isinstance(history, list | tuple) or not all(isinstance(h, str) for h in history):
                raise TypeError("history must be a list of strings")
            questions.append(Question(d["id"], d["question"], d.get("script", ""),
                                      d.get("kind", ""), tuple(_place(g) for g in d["gold"]),
                                      tuple(d.get("facts", ())), bool(d.get("need_all")),
                                      tuple(history), bool(d.get("followup"))))
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{path}: line {n} is not a question record ({err})") from err
    return questions


def matches(cited: Place, gold: Place) -> bool:
    if gold.appendix is not None or cited.appendix is not None:
        return gold.appendix == cited.appendix
    if gold.chapter is None:
        return cited.chapter is None
    return (cited.chapter, cited.section) == (gold.chapter, gold.section)


def hit_at(result: Result, k: int) -> bool:
    top = result.citations[:k]
    found = [any(matches(c, g) for c in top) for g in result.question.gold]
    return all(found) if result.question.need_all else any(found)


def reciprocal_rank(result: Result) -> float:
    for rank in range(1, len(result.citations) + 1):
        if hit_at(result, rank):
            return 1.0 / rank
    return 0.0


def fact_recall(result: Result) -> float | None:
    facts = result.question.facts
    if not facts:
        return None
    answer = to_simplified(result.answer)
    return sum(to_simplified(f) in answer for f in facts) / len(facts)


def score(results: Sequence[Result], with_answers: bool = False) -> dict[str, float]:
    """hit@1/3/5 and MRR over answerable questions; with answers, also fact recall and refusals."""
    answerable = [r for r in results if r.question.answerable and r.question.gold]
    figures: dict[str, float] = {"n": float(len(answerable))}
    if answerable:
        for k in KS:
            figures[f"hit@{k}"] = sum(hit_at(r, k) for r in answerable) / len(answerable)
        figures["mrr"] = sum(reciprocal_rank(r) for r in answerable) / len(answerable)
    if with_answers:
        recalls = [x for r in results if (x := fact_recall(r)) is not None]
        if recalls:
            figures["fact_recall"] = sum(recalls) / len(recalls)
        unanswerable = [r for r in results if not r.question.answerable]
        if unanswerable:
            figures["refused_unanswerable"] = sum(r.refused for r in unanswerable) / len(
                unanswerable)
        others = [r for r in results if r.question.answerable]
        if others:
            figures["false_refusal"] = sum(r.refused for r in others) / len(others)
    return figures


def summarise(results: Sequence[Result], with_answers: bool = False) -> dict[str, dict]:
    """Figures overall, by kind, by script, and for follow-ups."""
    out: dict[str, dict] = {"overall": score(results, with_answers)}
    for attribute in ("kind", "script", "followup"):
        groups: dict[str, list[Result]] = defaultdict(list)
        for r in results:
            groups[str(getattr(r.question, attribute)).lower()].append(r)
        if attribute == "followup":
            groups.pop("false", None)
        for name, members in sorted(groups.items()):
            out[f"{attribute}={name}"] = score(members, with_answers)
    return out


def _retrieval_result(assistant, question: Question, mode: str) -> Result:
    """Places for the question alone (retrieval has no conversation: a follow-up's earlier
    questions are joined to it, as the simplest reading of the context)."""
    query = " ".join((*question.history[-1:], question.question)) if question.followup else question.question
    started = time.perf_counter()
    located = assistant.locate(query, k=10, mode=mode)
    elapsed = (time.perf_counter() - started) * 1000
    return Result(question, [loc.place for loc in located], latency_ms=elapsed)


def answer_result(assistant, question: Question) -> Result:
    """One question through `ask`, with its history, scored on the answer's plain text."""
    started = time.perf_counter()
    try:
        answer = assistant.ask(question.question, history=list(question.history))
    except QuestionError as err:
        return Result(question, [], answer=str(err), refused=True)
    elapsed = (time.perf_counter() - started) * 1000
    return Result(question, answer.citations, answer=plain_text(answer), refused=answer.refused,
                  latency_ms=elapsed, extra={"mode": answer.mode, "refusal": answer.refusal})


def format_table(summaries: dict[str, dict[str, dict]]) -> list[str]:
    """One line per (group, system): n, hit@1/3/5, MRR and, where present, answer figures."""
    columns = ("hit@1", "hit@3", "hit@5", "mrr", "fact_recall", "refused_unanswerable",
               "false_refusal")
    present = [c for c in columns if any(c in fig for s in summaries.values() for fig in s.values())]
    lines = [f"{'group':22} {'system':8} {'n':>3} " + " ".join(f"{c[:12]:>12}" for c in present)]
    groups = next(iter(summaries.values())).keys()
    for group in groups:
        for system, summary in summaries.items():
            fig = summary.get(group, {})
            cells = " ".join(f"{fig[c]:12.3f}" if c in fig else f"{'-':>12}" for c in present)
            lines.append(f"{group:22} {system:8} {int(fig.get('n', 0)):3d} {cells}")
    return lines


def evaluate(assistant, path: str | Path, out: str | Path | None = None) -> dict:
    """Hybrid, BM25 alone and dense alone on every question; answers too when `ask` exists."""
    questions = load_questions(path)
    systems: dict[str, list[Result]] = {}
    for mode in ("hybrid", "bm25", "dense"):
        systems[mode] = [_retrieval_result(assistant, q, mode) for q in questions]
    with_answers = hasattr(assistant, "ask")
    if with_answers:
        systems["answer"] = [answer_result(assistant, q) for q in questions]
    summaries = {name: summarise(results, with_answers=name == "answer")
                 for name, results in systems.items()}
    if out:
        final = systems["answer"] if with_answers else systems["hybrid"]
        Path(out).write_text("".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n"
                                     for r in final), encoding="utf-8")
    latencies = sorted(r.latency_ms for r in systems["hybrid"])
    return {"set": str(path), "questions": len(questions), "summaries": summaries,
            "retrieval_p95_ms": latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0,
            "table": format_table(summaries)}
