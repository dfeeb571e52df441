"""Pure functions from an `Answer` to the text of one surface: plain text (copy, CLI, evaluation),
chat Markdown with citation links (the app), and JSON (the API).

Each takes the answer and the reader's script and returns text; nothing here reads answer text
back. Claims hold the plan's own (Traditional) wording; Simplified readers get it converted.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from .answer import Answer, Claim
from .normalize import to_simplified
from .outline import Place
from .plans import PLAN_NAMES
from .scope import PlanScope

__all__ = ["answer_json", "chat_markdown", "claim_text", "escape_md", "key_place",
           "place_key", "plain_text", "refusal_message"]

PLACE_PARAM = "place"  # ?place=c3.s1 opens that place in the app's outline tab
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$=^])")
_KEY = re.compile(r"^(?:c(\d+)(?:\.s(\d+)(?:\.(?:u(\d+)|k(\d+)))?)?|a(\d+)(?:\.r(\d+))?|pre)$")


# ---------------------------------------------------------------------------------------------
# Small pieces shared by the surfaces


def escape_md(text: str) -> str:
    """Plan or user text, safe inside Markdown: HTML escaped, Markdown punctuation backslashed."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False)).replace("\n", "  \n")


def place_key(place: Place) -> str:
    """A short, URL-safe key for a place: c8.s3, c8.s3.k11 (專欄), c8.s3.u2, a2.r8, pre."""
    if place.appendix is not None:
        return f"a{place.appendix}" + (f".r{place.row}" if place.row is not None else "")
    if place.chapter is None:
        return "pre"
    key = f"c{place.chapter}"
    if place.section is not None:
        key += f".s{place.section}"
        if place.column is not None:
            key += f".k{place.column}"
        elif place.subsection is not None:
            key += f".u{place.subsection}"
    return key


def key_place(key: str | None) -> Place | None:
    """The place of a key from `place_key`; None for anything else (never an exception)."""
    m = _KEY.match((key or "").strip())
    if not m:
        return None
    ch, sec, sub, col, app, row = (int(g) if g else None for g in m.groups())
    if app is not None:
        return Place(appendix=app, row=row)
    return Place(chapter=ch, section=sec, subsection=sub, column=col)


def _label_script(script: str) -> str:
    return "simplified" if script == "simplified" else "traditional"


def _convert(text: str, script: str) -> str:
    return to_simplified(text) if script == "simplified" else text


def claim_text(claim: Claim, script: str) -> str:
    """A claim's sentence in the reader's script (English readers get the plan's own words)."""
    return _convert(claim.text, script)


def _in_english(answer: Answer) -> str:
    """The quoted sentences in the team's English, for an English reader; '' when none has one.
    Labelled as a translation: the quotes before it are the plan's own words."""
    english = " ".join(c.english if c.english[-1] in ".?!;:" else f"{c.english}."
                       for c in answer.claims if c.english)
    return f"In English (our translation; the plan's own words are above): {english}" if english else ""


def _english_lead(answer: Answer) -> str:
    place = answer.claims[0].place
    title = place.title_en or place.title
    title = f" ({title})" if title else ""
    return f"According to the plan, {place.english_label()}{title}:"


# ---------------------------------------------------------------------------------------------
# Refusal wording, from the plan's own scope

_REFUSAL = {
    "no_such_place": (
        "規劃綱要沒有這個章節、專欄或附件項目(共{chapters}章{sections}節、{columns}個專欄、{appendices}個附件)。",
        "The plan has no such chapter, section, column or appendix row (it has {chapters} chapters, "
        "{sections} sections, {columns} columns and {appendices} appendices).",
    ),
    "instruction": (
        "我只根據《{district}“十四五”規劃綱要》回答問題,不執行其他指令。",
        "I only answer questions from the plan and do not follow other instructions.",
    ),
    "writing": (
        "我只引用規劃綱要的原文回答問題,不代寫文章、詩歌或文案。",
        "I only quote the plan to answer questions; I do not write texts, poems or copy.",
    ),
    "personal": (
        "規劃綱要不提供個人建議或投資判斷。",
        "The plan gives no personal or investment advice.",
    ),
    "ranking": (
        "規劃綱要不對具體的學校、醫院、商店等作排名或推薦。",
        "The plan does not rank or recommend particular schools, hospitals or shops.",
    ),
    "other_place": (
        "規劃綱要只涉及{district},沒有這個地方的相關內容。",
        "The plan covers {district} only and says nothing about that place.",
    ),
    "outside_period": (
        "規劃綱要寫於{start}年,規劃期為{start}—{end}年(展望{vision}年),沒有這個時間的實際情況。",
        "The plan was written in {start} for {start}–{end} (with a {vision} vision); it does not "
        "report that.",
    ),
    "live_data": (
        "規劃綱要是{start}—{end}年的規劃,沒有天氣、價格、時刻表等實時信息。",
        "The plan is a plan for {start}–{end}; it has no live information such as weather, prices "
        "or timetables.",
    ),
    "no_figure": (
        "規劃綱要沒有給出所問的數字;它在這方面說的是:",
        "The plan gives no figure for what was asked; what it says on the subject:",
    ),
    "not_in_plan": ("規劃綱要沒有涉及這個問題。", "The plan does not cover this question."),
}
# … where no sentence of the plan is quoted after it
_WITHOUT_CONTEXT = {
    "no_figure": ("規劃綱要沒有給出所問的數字。", "The plan gives no figure for what was asked."),
}
_NO_SUGGESTIONS = {"instruction", "writing"}


def refusal_message(reason: str, script: str, scope: PlanScope | None, context: bool = True) -> str:
    """Why the plan cannot answer, in the reader's script, with the plan's own facts; `context`:
    the plan's closest sentence follows it."""
    traditional, english = _REFUSAL[reason] if context else _WITHOUT_CONTEXT.get(reason, _REFUSAL[reason])
    facts = {"district": "", "start": "", "end": "", "vision": "", "chapters": "", "sections": "",
             "columns": "", "appendices": ""}
    if scope is not None:
        facts.update(district=scope.district, start=scope.start, end=scope.end,
                     vision=scope.vision or scope.end, chapters=scope.chapters,
                     sections=scope.sections, columns=scope.columns, appendices=scope.appendices)
    if script == "english":
        return english.format(**facts)
    return _convert(traditional.format(**facts), script)


# ---------------------------------------------------------------------------------------------
# Surfaces


def citation_label(place: Place, script: str) -> str:
    """第八章第三節, or with the plan's short name for a place of another plan of the library:
    《国家纲要》第三篇第九章第二节 (the default plan's places are named as before)."""
    label = place.short_label(_label_script(script))
    name = PLAN_NAMES.get(place.plan, place.plan) if place.plan else ""
    return f"《{_convert(name, script)}》{label}" if name else label


def _tag(places: tuple[Place, ...], script: str) -> str:
    return "".join(f"〔{citation_label(p, script)}〕" for p in places)


def plain_text(answer: Answer, script: str | None = None) -> str:
    """Clean text for copying, the CLI and evaluation: every claim followed by 〔its place〕."""
    script = script or answer.script
    ls = _label_script(script)
    if answer.refused:
        lines = [refusal_message(answer.refusal, script, answer.scope, bool(answer.claims))]
        if answer.claims:
            lines.append("".join(claim_text(c, script) + _tag(c.places, script) for c in answer.claims))
            if script == "english" and (english := _in_english(answer)):
                lines.append(english)
        if answer.suggestions and answer.refusal not in _NO_SUGGESTIONS:
            labels = "; ".join(p.label(ls) for p in answer.suggestions)
            lines.append(f"Closest sections: {labels}" if script == "english"
                         else _convert(f"最接近的章節:{labels}。", script))
        return "\n".join(lines)
    body = "".join(claim_text(c, script) + _tag(c.places, script) for c in answer.claims)
    if script == "english" and answer.claims:
        body = f"{_english_lead(answer)}\n{body}"
        if english := _in_english(answer):
            body += f"\n{english}"
    if answer.related:
        labels = "、".join(citation_label(p, script) for p in answer.related)
        body += ("\nSee also: " if script == "english" else _convert("\n另見:", script)) + labels
    return body


def chat_markdown(answer: Answer, script: str | None = None,
                  link: Callable[[Place], str] | None = None) -> str:
    """The answer for the chat window: escaped text, citations as links to the outline.

    `link` turns a place into a URL (default `?place=KEY`). Refusals are worded by the UI
    around `refusal_message`; this renders the body only.
    """
    script = script or answer.script
    link = link or (lambda place: f"?{PLACE_PARAM}={place_key(place)}")

    def linked(place: Place) -> str:  # a place the link function gives no URL is named only
        label = escape_md(citation_label(place, script))
        return f"[{label}]({url})" if (url := link(place)) else label

    def cite(places: tuple[Place, ...]) -> str:
        return "".join(f"〔{linked(p)}〕" for p in places)

    claims = "".join(escape_md(claim_text(c, script)) + cite(c.places) for c in answer.claims)
    if script == "english" and (english := _in_english(answer)):
        claims += f"  \n*{escape_md(english)}*"
    if answer.refused:
        text = escape_md(refusal_message(answer.refusal, script, answer.scope, bool(answer.claims)))
        return text + (f"  \n{claims}" if claims else "")
    if script == "english" and answer.claims:
        claims = f"{escape_md(_english_lead(answer))}  \n{claims}"
    if answer.related:
        see = "See also: " if script == "english" else _convert("另見:", script)
        claims += "  \n" + see + "、".join(linked(p) for p in answer.related)
    return claims


def _citation(place: Place, script: str) -> dict:
    return {"chapter": place.chapter, "section": place.section, "subsection": place.subsection,
            "column": place.column, "appendix": place.appendix, "row": place.row,
            "label": place.label(script)}


def answer_json(answer: Answer, script: str | None = None) -> dict:
    """The API's record: the plain text, claims with their citations, passages, refusal reason."""
    script = script or answer.script
    ls = _label_script(script)
    data = {
        "question": answer.question,
        "answer": plain_text(answer, script),
        "script": script,
        "refused": answer.refused,
        "refusal": answer.refusal,
        "claims": [{"text": claim_text(c, script), "english": c.english,
                    "citations": [_citation(p, ls) for p in c.places]} for c in answer.claims],
        "citations": [_citation(p, ls) for p in answer.citations],
        "passages": [{"citation": _citation(s.place, ls), "text": s.text,
                      "score": round(s.score, 6), "quotes": list(s.quotes)} for s in answer.sources],
        "suggestions": [_citation(p, ls) for p in answer.suggestions],
        "mode": answer.mode,
    }
    if answer.fallback_reason:
        data["fallback_reason"] = answer.fallback_reason
    if answer.resolved_question:
        data["resolved_question"] = answer.resolved_question
    if answer.chart:
        data["chart"] = {"title": answer.chart.title, "unit": answer.chart.unit,
                         "points": [list(p) for p in answer.chart.points]}
    return data

