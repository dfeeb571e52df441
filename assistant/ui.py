"""The Gradio app: chat for residents, a section finder for staff, and the plan's outline.

All Gradio code lives here and `gradio` is imported inside functions only. The top half is pure
functions (an `Answer` → chat messages, a place → markdown and a table, the outline → dropdown
choices) that the tests call without a server; `create_app(assistant)` wires them into Blocks and
`main(argv)` parses flags, loads the assistant once and launches.
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .answer import Answer, Chart, QuestionError, Source, check_question
from .followups import Turn
from .normalize import detect_script, to_simplified, to_traditional
from .outline import Appendix, Chapter, Column, Outline, Place, Section, Subsection, Table
from .plans import DEFAULT_PLAN
from .render import PLACE_PARAM, chat_markdown, escape_md, key_place, place_key
from .settings import DEFAULT_HOST, DEFAULT_PORT, Settings

if TYPE_CHECKING:
    from .api import Assistant
    from .library import Library
    from .retrieval import Located

__all__ = [
    "SCRIPT_CHOICES",
    "answer_messages",
    "chart_frame",
    "chart_range",
    "clean_question",
    "create_app",
    "escape_md",
    "escape_user_html",
    "key_place",
    "located_rows",
    "main",
    "outline_selection",
    "place_key",
    "place_markdown",
    "place_table",
    "question_error_messages",
    "stream_messages",
    "user_questions",
]

log = logging.getLogger(__name__)

CONCURRENCY = 2  # two cores: a third request would only wait for CPU anyway
SCRIPT_CHOICES = ("自动", "简体", "繁體")
SOURCES_TITLE = "來源 / 来源"

# ---------------------------------------------------------------------------------------------
# Escaping and wording

_TAG = re.compile(r"</?[A-Za-z!][^>]*>")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(((?:[^()]|\([^()]*\))*)\)")


def _t(simplified: str, script: str) -> str:
    """A UI string (written in Simplified) in the reader's script."""
    return to_traditional(simplified) if script == "traditional" else simplified


_ENGLISH = {
    "没有在规划中找到答案": "Not found in the plan",
    "可以看看这些章节(点按钮提问,或复制标签):": "Closest sections (click to ask, or copy the label):",
    "在大纲中打开 ›": "Open in outline ›",
    "按上一问理解为:": "Read as a follow-up:",
    "讲了什么?": "What does it say?",
    "无法回答这个问题": "Cannot ask this",
}


def _ui(simplified: str, script: str) -> str:
    if script == "english":
        return _ENGLISH.get(simplified, simplified)
    return _t(simplified, script)


def script_of(choice: str | None) -> str | None:
    """The radio's choice as `ask`'s script argument: None follows the question."""
    return {"简体": "simplified", "繁體": "traditional", "繁体": "traditional"}.get(choice or "")


def reader_script(choice: str | None, text: str = "") -> str:
    """The script to write labels and notices in: the chosen one, or the text's own."""
    forced = script_of(choice)
    if forced:
        return forced
    found = detect_script(text or "")
    if found == "english" and not re.search(r"[A-Za-z]{2,}", text or ""):
        return "simplified"
    return found


def label_script(script: str) -> str:
    return "traditional" if script == "traditional" else "simplified"


def clean_question(text: object) -> str:
    """`check_question`, after dropping HTML tags and Markdown link targets a resident never means.

    Raises QuestionError when nothing askable is left (e.g. `<img src=x onerror=...>`).
    """
    return check_question(strip_markup("" if text is None else str(text)))


def strip_markup(text: str) -> str:
    """HTML tags removed, Markdown links and images reduced to their text."""
    return _TAG.sub(" ", _MD_LINK.sub(lambda m: m.group(1), text))


def question_error_messages(err: QuestionError, script: str) -> list[dict[str, Any]]:
    """A polite notice (not an error) for a question that cannot be asked as typed."""
    title = _ui("无法回答这个问题", script)
    return [{"role": "assistant", "content": f"**【{title}】**\n\n{escape_md(err.message(script))}"}]


# ---------------------------------------------------------------------------------------------
# Places: keys, labels, text and tables

def titled(place: Place, outline: Outline | None) -> Place:
    """The place with its heading title filled in (retrieval groups carry none)."""
    return outline.titled(place) if outline is not None else place


def full_label(place: Place, script: str, outline: Outline | None = None) -> str:
    return titled(place, outline).label(label_script(script))


def _table_markdown(table: Table) -> str:
    def cell(text: str) -> str:
        return escape_md(text.replace("\n", " ")).replace("  \n", " ") or " "

    lines = ["| " + " | ".join(cell(h) for h in table.header) + " |",
             "|" + "---|" * len(table.header)]
    lines += ["| " + " | ".join(cell(c) for c in row.cells) + " |" for row in table.all_rows()]
    lines += [escape_md(note) for note in table.notes]
    return "\n".join(lines)


def place_markdown(outline: Outline, place: Place, script: str = "traditional",
                   tables: bool = True, quotes: Sequence[str] = ()) -> str:
    """The place's full text as Markdown: its label as heading, the plan's own words below.

    Labels follow `script`; the plan text stays as written (Traditional). A 專欄 or appendix gets
    its table as a Markdown table only when `tables` (the UI shows those in a real Dataframe).
    `quotes`: sentences of an answer, marked where the text holds them.
    """
    ls = label_script(script)

    def _paragraphs(paragraphs: Sequence[str]) -> list[str]:
        return [_highlighted(p, quotes) for p in paragraphs if p.strip()]

    if place.is_preamble:
        return "\n\n".join([f"### {escape_md(Place().label(ls))}", *_paragraphs(outline.preamble)])
    node = outline.find(place)
    if node is None:
        return escape_md(_t("在规划中找不到这个位置。", script))
    out: list[str] = []

    def heading(level: int, p: Place) -> None:
        out.append(f"{'#' * level} {escape_md(p.label(ls))}")

    def column(col: Column, level: int, with_table: bool) -> None:
        heading(level, col.place)
        if with_table:
            out.append(_table_markdown(col.table))

    def section(sec: Section, level: int) -> None:
        heading(level, sec.place)
        out.extend(_paragraphs(sec.intro))
        for sub in sec.subsections:
            heading(level + 1, sub.place)
            out.extend(_paragraphs(sub.paragraphs))
        for col in sec.columns:
            column(col, level + 1, True)

    if isinstance(node, Chapter):
        heading(3, node.place)
        out.extend(_paragraphs(node.intro))
        for sec in node.sections:
            section(sec, 4)
    elif isinstance(node, Section):
        section(node, 3)
    elif isinstance(node, Subsection):
        heading(3, node.place)
        out.extend(_paragraphs(node.paragraphs))
    elif isinstance(node, Column):
        column(node, 3, tables)
    elif isinstance(node, Appendix):
        heading(3, node.place)
        if tables:
            out.append(_table_markdown(node.table))
        else:
            out.extend(escape_md(n) for n in node.table.notes)
    return "\n\n".join(out)


def place_table(outline: Outline, place: Place) -> tuple[str, list[str], list[list[str]]] | None:
    """(title, header, rows) of a 專欄's or an appendix's table; sub-rows follow their row."""
    node = outline.find(place) if not place.is_preamble else None
    if not isinstance(node, Column | Appendix):
        return None
    rows = [list(row.cells) for row in node.table.all_rows()]
    return node.place.label(), list(node.table.header), rows


def outline_selection(outline: Outline, key: str | None, script: str = "traditional") -> dict:
    """The outline browser's three dropdowns for a place: choices (label, key) and values.

    Level 1 lists the preamble, the chapters and the appendices; level 2 the chapter's sections;
    level 3 the section's subsections and 專欄. "Whole chapter/section" entries keep the parent's key.
    """
    ls = label_script(script)
    place = key_place(key) or Place()
    if outline.find(place) is None and not place.is_preamble:
        place = Place()
    level1 = [(Place().label(ls), "pre")]
    level1 += [(c.place.label(ls), place_key(c.place)) for c in outline.chapters]
    level1 += [(a.place.label(ls), place_key(a.place)) for a in outline.appendices]
    whole_chapter, whole_section = _t("(整章)", ls), _t("(整节)", ls)
    if place.appendix is not None:
        top = f"a{place.appendix}"
        return {"level1": level1, "value1": top, "level2": [("—", top)], "value2": top,
                "level3": [("—", top)], "value3": top, "key": top}
    if place.chapter is None:
        return {"level1": level1, "value1": "pre", "level2": [("—", "pre")], "value2": "pre",
                "level3": [("—", "pre")], "value3": "pre", "key": "pre"}
    chapter = outline.chapter(place.chapter)
    ckey = place_key(chapter.place)
    level2 = [(whole_chapter, ckey)]
    level2 += [(s.place.label(ls).split(" ", 1)[-1], place_key(s.place)) for s in chapter.sections]
    if place.section is None:
        return {"level1": level1, "value1": ckey, "level2": level2, "value2": ckey,
                "level3": [("—", ckey)], "value3": ckey, "key": ckey}
    sec = chapter.section(place.section)
    skey = place_key(sec.place)
    level3 = [(whole_section, skey)]
    level3 += [(sub.place.label(ls).split(" ", 2)[-1], place_key(sub.place)) for sub in sec.subsections]
    level3 += [(col.place.label(ls).split(" ", 2)[-1], place_key(col.place)) for col in sec.columns]
    key3 = place_key(Place(chapter=place.chapter, section=place.section,
                           subsection=place.subsection, column=place.column))
    return {"level1": level1, "value1": ckey, "level2": level2, "value2": skey,
            "level3": level3, "value3": key3, "key": key3}


def outline_tree_markdown(outline: Outline, script: str = "traditional") -> str:
    """The whole plan as a nested list of links (each opens its place): chapters → sections →
    subsections and 專欄, appendices."""
    ls = label_script(script)

    def entry(place: Place, text: str) -> str:
        return f"[{escape_md(text)}]({_place_link(place_key(place))})"

    lines = [f"- {entry(Place(), Place().label(ls))}"]
    for c in outline.chapters:
        lines.append(f"- **{entry(c.place, c.place.label(ls))}**")
        for s in c.sections:
            lines.append(f"  - {entry(s.place, s.place.label(ls).split(' ', 1)[-1])}")
            for sub in s.subsections:
                lines.append(f"    - {entry(sub.place, sub.place.label(ls).split(' ', 2)[-1])}")
            for col in s.columns:
                lines.append(f"    - *{entry(col.place, col.place.label(ls).split(' ', 2)[-1])}*")
    lines += [f"- **{entry(a.place, a.place.label(ls))}**" for a in outline.appendices]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Answers → chat messages


def _outline_link(place: Place) -> str:
    """The link that opens a place in the outline tab; none for another plan's place (the tab
    shows the default plan)."""
    return "" if place.plan else _place_link(place_key(place))


def _place_link(key: str) -> str:
    return f"?{PLACE_PARAM}={key}"


def _highlighted(text: str, quotes: Sequence[str]) -> str:
    """The original passage, escaped, with the quoted sentences in <mark>."""
    spans: list[tuple[int, int]] = []
    for quote in quotes:
        q = quote.strip()
        start = text.find(q) if q else -1
        if start >= 0:
            spans.append((start, start + len(q)))
    spans.sort()
    out, last = [], 0
    for start, end in spans:
        if start < last:
            continue
        out.append(escape_md(text[last:start]))
        out.append(f"<mark>{escape_md(text[start:end])}</mark>")
        last = end
    out.append(escape_md(text[last:]))
    return "".join(out)


def sources_markdown(sources: Sequence[Source], script: str, outline: Outline | None = None) -> str:
    """Each cited passage: its label, the original text with the cited sentences marked, a link."""
    blocks = []
    for n, src in enumerate(sources, start=1):
        label = escape_md(full_label(src.place, script, outline))
        url = _outline_link(src.place)
        link = f" · [{_ui('在大纲中打开 ›', script)}]({url})" if url else ""
        blocks.append(f"**{n}. {label}**{link}\n\n{_highlighted(src.text, src.quotes)}")
    return "\n\n".join(blocks)


def _suggestion_question(place: Place, script: str) -> str:
    return place.short_label(label_script(script)) + _ui("讲了什么?", script)


def answer_messages(answer: Answer, outline: Outline | None = None) -> list[dict[str, Any]]:
    """The chat messages for an answer: the claims with linked citations, then a collapsed 來源
    block. A refusal is a notice with the closest places as copyable labels and clickable options.
    Messages are gradio message dicts (role, content, metadata, options)."""
    script = answer.script
    body = chat_markdown(answer, script, link=_outline_link)
    if answer.resolved_question and answer.resolved_question != answer.question:
        # in the reader's script: a swapped follow-up (农村的呢?) is resolved in simplified
        resolved = (to_traditional(answer.resolved_question) if script == "traditional"
                    else to_simplified(answer.resolved_question) if script == "simplified"
                    else answer.resolved_question)
        body = f"*{_ui('按上一问理解为:', script)} {escape_md(resolved)}*\n\n{body}"
    if not answer.refused:
        messages: list[dict[str, Any]] = [{"role": "assistant", "content": body}]
        if answer.sources:
            messages.append({
                "role": "assistant",
                "content": sources_markdown(answer.sources, script, outline),
                "metadata": {"title": f"{SOURCES_TITLE}({len(answer.sources)})", "status": "done"},
            })
        return messages
    lines = [f"**※ {_ui('没有在规划中找到答案', script)}**", "",
             "> " + body.replace("  \n", "  \n> ")]
    options = []
    if answer.suggestions and answer.refusal not in ("instruction", "writing"):
        lines += ["", _ui("可以看看这些章节(点按钮提问,或复制标签):", script)]
        for place in answer.suggestions:
            label = full_label(place, script, outline)
            url = _outline_link(place)
            lines.append(f"- `{label.replace('`', '')}`"
                         + (f" · [{_ui('在大纲中打开 ›', script)}]({url})" if url else ""))
            options.append({"value": _suggestion_question(place, script),
                            "label": place.short_label(label_script(script))})
    message: dict[str, Any] = {"role": "assistant", "content": "\n".join(lines)}
    if options:
        message["options"] = options
    return [message]


def chart_range(chart: Chart) -> list[float]:
    """The value axis from zero: an axis starting at the smaller value hides its bar (2020's 0.7
    against 2025's 1.6 drew one bar only)."""
    values = [float(v) for _, v in chart.points]
    return [min(0.0, *values), max(0.0, *values) * 1.1 or 1.0]


def chart_frame(chart: Chart, script: str = "traditional"):
    """A two-column DataFrame (项目, 数值) of an indicator row's values, in plan order."""
    import pandas as pd

    convert = to_simplified if script == "simplified" else str
    return pd.DataFrame({"项目": [convert(label) for label, _ in chart.points],
                         "数值": [float(value) for _, value in chart.points]})


# Markdown punctuation a user may type; backslashed once (never twice: see escape_user_html).
_TYPED_MD = re.compile(r"(?<!\\)([`*_{}\[\]()#+\-.!|~])")
_TYPED_MD_ESCAPED = re.compile(r"\\([`*_{}\[\]()#+\-.!|~])")


def escape_user_html(messages: Sequence[Any] | None) -> list[Any] | None:
    """Chat messages with what users typed shown as typed: `<` and `>` as entities (typed HTML
    shows as text) and Markdown punctuation backslashed (typed **stars** show as stars).

    Idempotent (the chatbot's value comes back and is post-processed again); the assistant's own
    messages are left alone, they are escaped when written.
    """
    if messages is None:
        return None

    def escape(text: str) -> str:
        return _TYPED_MD.sub(r"\\\1", text.replace("<", "&lt;").replace(">", "&gt;"))

    out = []
    for message in messages:
        role = message.get("role") if isinstance(message, dict) else getattr(message, "role", None)
        if role == "user":
            content = message.get("content") if isinstance(message, dict) else message.content
            if isinstance(content, str):
                content = escape(content)
            elif isinstance(content, list):
                content = [{**b, "text": escape(b["text"])}
                           if isinstance(b, dict) and isinstance(b.get("text"), str) else b
                           for b in content]
            if isinstance(message, dict):
                message = {**message, "content": content}
            else:
                message = dataclasses.replace(message, content=content)
        out.append(message)
    return out


def user_questions(history: Sequence[Any]) -> list[str]:
    """The earlier user messages of a gradio chat history (content as text or text blocks)."""
    questions = []
    for message in history or ():
        role = message.get("role") if isinstance(message, dict) else getattr(message, "role", None)
        content = message.get("content") if isinstance(message, dict) else getattr(message, "content", "")
        if role != "user":
            continue
        if isinstance(content, list):
            content = " ".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
        if isinstance(content, str) and content.strip():
            questions.append(_TYPED_MD_ESCAPED.sub(r"\1", html.unescape(content.strip())))
    return questions


def stream_messages(assistant: Assistant, message: Any, history: Sequence[Any],
                    choice: str | None, items: dict[str, list[str]] | None = None
                    ) -> Iterator[tuple[list[dict[str, Any]], Answer | None]]:
    """(messages, answer) once the answer is ready (it is computed whole, so it is not streamed).

    `items`: the listed items of earlier answers by question, so that 第二个呢 can be resolved.
    Questions that cannot be asked yield a polite notice; any other failure is logged with the
    question and yields an apology, never a traceback.
    """
    text = message.get("text", "") if isinstance(message, dict) else message
    script = reader_script(choice, strip_markup(text if isinstance(text, str) else ""))
    try:
        question = clean_question(text)
    except QuestionError as err:
        yield question_error_messages(err, script), None
        return
    previous = []
    for earlier in user_questions(history):
        try:
            cleaned = clean_question(earlier)
        except QuestionError:
            continue  # an earlier bad question (already answered with a notice) is no context
        previous.append(Turn(cleaned, tuple((items or {}).get(cleaned, ()))))
    try:
        answer = assistant.ask(question, history=previous, script=script_of(choice))
        yield answer_messages(answer, assistant.outline), answer
    except QuestionError as err:
        yield question_error_messages(err, script), None
    except Exception:
        log.exception("chat failed for question %r (script %s)", question, choice)
        yield [{"role": "assistant",
                "content": _t("【抱歉】回答时出了问题,已记录。请换个说法再试。", script)}], None


def located_rows(assistant: Assistant, located: Sequence[Located],
                 script: str) -> list[list[Any]]:
    """Finder table rows: rank, label, title, best snippet, and a relevance bar (staff read a
    bar relative to the best place more easily than a raw fused score)."""
    ls = label_script(script)
    top = max((float(loc.score) for loc in located), default=0.0)
    rows = []
    for rank, loc in enumerate(located, start=1):
        title = assistant.title_of(loc.place)
        snippet = " ".join(loc.best.passage.text.split())
        rows.append([rank, loc.place.short_label(ls),
                     to_simplified(title) if ls == "simplified" else title,
                     snippet[:90] + ("…" if len(snippet) > 90 else ""), relevance_bar(loc.score, top)])
    return rows


def relevance_bar(score: float, top: float, width: int = 5) -> str:
    """`███░░ 60%`: a place's score as a share of the best place's (a no-break space keeps the
    bar and its figure on one line in a narrow column)."""
    share = max(0.0, min(1.0, float(score) / top)) if top > 0 else 0.0
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled) + f"\u00a0{round(share * 100)}%"


FINDER_HEADERS = ["#", "位置", "标题", "最相关段落", "相关度"]
PLAN_CHOICES = {"panyu": "番禺纲要", "national": "国家纲要"}  # the chat's plan choice, by plan id


def alignment_markdown(outline: Outline, key: str | None, target: Assistant,
                       choice: str | None, k: int = 5) -> str:
    """The target plan's sections closest to the place shown in the outline, as a numbered list
    with each one's opening words."""
    from .align import align

    script = script_of(choice) or "traditional"
    place = key_place(key or "")
    if place is None or place.is_preamble or outline.find(place) is None:
        return _t("请先在上面选一章或一节。", script)
    ls = label_script(script)
    lines = [f"**{escape_md(outline.titled(place).label(ls))}** →"]
    for i, loc in enumerate(align(outline, outline.titled(place), target, k=k), start=1):
        opening = loc.best.passage.text[:60] + ("…" if len(loc.best.passage.text) > 60 else "")
        lines.append(f"{i}. **{escape_md(target.titled(loc.place).label(ls))}** "
                     f"{escape_md(opening)}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The app

_CSS = """
.gradio-container { max-width: 1280px !important; margin: auto; }
#app-title h2 { margin: 0.2rem 0; }
#chatbot mark { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
#chatbot blockquote { border-left: 4px solid #d97706; background: #fffbeb; padding: 0.3rem 0.8rem;
  margin: 0.3rem 0; }
#place-text, #finder-text { max-height: 620px; overflow-y: auto; }
#place-link { display: none !important; }
/* example prompts look like what they are: buttons to tap */
#chatbot button.example { border: 1px solid #99d5cf; background: #f0fdfa; border-radius: 999px;
  padding: 0.35rem 0.9rem; color: #0f766e; }
#chatbot button.example:hover { background: #ccfbf1; }
/* nothing wider than the screen: tables and long lines scroll inside their own box
   (gradio puts these rules under .gradio-container itself: no selector starts with it) */
.prose { overflow-wrap: anywhere; }
.table-wrap, .prose table { max-width: 100%; overflow-x: auto; }
/* a table's own width must not widen the page: it scrolls inside its box (contain: inline-size
   takes its content out of the width its ancestors ask for) */
.table-wrap { contain: inline-size; width: 100%; flex: 1 1 100%; }
@media (max-width: 640px) {
  /* on a phone, side-by-side columns stack: each takes the screen's width, none more */
  .row { flex-wrap: wrap !important; }
  .row .column, .row .block, .row .form { min-width: 0 !important; flex: 1 1 100% !important; }
  #app-title h2 { font-size: 1.25rem; }
  #finder-results table { min-width: 640px; }  /* readable columns, scrolled inside the box */
}
"""

# Citation links carry ?place=KEY. Without JavaScript they open the outline in a new browser tab;
# with it, a click opens the place in this page's outline tab (via a hidden textbox).
_HEAD = """
<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[href*='?place=']");
  if (!link) return;
  const box = document.querySelector("#place-link textarea, #place-link input");
  if (!box) return;
  event.preventDefault();
  event.stopPropagation();
  const key = new URL(link.href, window.location.href).searchParams.get("place");
  box.value = key + "#" + Date.now();
  box.dispatchEvent(new Event("input", { bubbles: true }));
}, true);
// The copy button of an answer copies what the reader sees (citations as 〔第七章第三節〕), not the
// Markdown behind it with its link targets; a user's own message is copied as typed.
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("#chatbot button[aria-label='Copy message']");
  if (!button) return;
  let group = button.parentElement;
  while (group && !group.querySelector("[data-testid='bot'], [data-testid='user']")) {
    group = group.parentElement;
  }
  const bubble = group && group.querySelector("[data-testid='bot']");
  if (!bubble || !navigator.clipboard) return;
  event.preventDefault();
  event.stopPropagation();
  navigator.clipboard.writeText(bubble.innerText.trim()).catch(() => {});
}, true);
</script>
"""


# After a place opens: its first marked sentence (or else its heading) is scrolled into view.
_SCROLL_TO_MARK = """() => { setTimeout(() => {
  const target = document.querySelector('#place-text mark') || document.querySelector('#place-text');
  if (target) target.scrollIntoView({ block: 'center', behavior: 'instant' });
}, 150); }"""
# After a finder row is chosen: its text is scrolled into view.
_SCROLL_TO_FINDER_TEXT = """() => { setTimeout(() => {
  const target = document.querySelector('#finder-text');
  if (target) target.scrollIntoView({ block: 'start', behavior: 'instant' });
}, 150); }"""


def _theme():
    import gradio as gr

    # System fonts only: the app is offline, so no web fonts are fetched.
    fonts = ["Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "sans-serif"]
    return gr.themes.Soft(primary_hue="teal", font=fonts, font_mono=["Noto Sans Mono CJK SC", "monospace"])


def _guarded(what: str, fallback: Callable[[], Any]) -> Callable[[Callable], Callable]:
    """Wrap an event handler: log failures with their arguments, return `fallback()` instead."""
    import functools

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception:
                log.exception("%s failed for %r", what, args)
                return fallback()
        return wrapper
    return decorate


def _table_update(outline: Outline, place: Place, script: str):
    """A Dataframe update: the 專欄's or appendix's table, or hidden for prose."""
    import gradio as gr
    import pandas as pd

    table = place_table(outline, place)
    if table is None:
        return gr.update(value=None, visible=False)
    _, header, rows = table
    return gr.update(value=pd.DataFrame(rows, columns=header), visible=True,
                     label=full_label(place, script, outline))


EXAMPLES = (  # (question, button label): what residents ask, in their words
    ("番禺“十四五”期间要新增多少公办学位?", "新增公办学位"),
    ("地铁会修到我们镇吗?轨道交通有什么规划?", "轨道交通规划"),
    ("2025年番禺地区生产总值要达到多少?", "生产总值目标"),
    ("养老服务方面有哪些重点工程?", "养老服务工程"),
    ("垃圾分类是怎么安排的?", "垃圾分类安排"),
    ("大學城要建設哪些科技創新平臺?", "大學城科創平臺(繁體)"),
)


def _something_typed(message: Any):
    """An empty or blank message is not posted at all (no empty bubble, no notice)."""
    import gradio as gr

    text = message.get("text", "") if isinstance(message, dict) else message
    return gr.validate(bool(str(text or "").strip()), "请输入问题 / 請輸入問題 / Please type a question.")


def _chat_tab(library: Library, script_radio):
    """The residents' chat; returns the cited-places dropdown, its "open" button, and the
    (fn, inputs, outputs) that restores a saved conversation on page load."""
    import gradio as gr

    assistant = library.default
    outline = assistant.outline
    plan_radio = gr.Radio(["自动", *(PLAN_CHOICES[p] for p in library.plans)], value="自动",
                          label="规划 / 規劃", info="自动:问题提到国家纲要时答自国家纲要",
                          visible=len(library.plans) > 1, render=False, elem_id="plan-choice")

    chatbot = gr.Chatbot(
        label="问答", show_label=False, elem_id="chatbot", height=600, buttons=["copy", "copy_all"],
        placeholder="**有什么想了解的?** 例如学位、交通、就业、养老、医院……",
        latex_delimiters=[], feedback_options=None, render=False)
    # Show what users typed as text (their HTML escaped, not rendered). An instance override, not a
    # subclass: gradio writes a .pyi stub next to any module that defines a component class. So no
    # event may output gr.update()/gr.skip() to the chatbot: that gives the session a fresh
    # gr.Chatbot without this postprocess.
    chatbot.postprocess = lambda value: gr.Chatbot.postprocess(chatbot, escape_user_html(value))
    chart = gr.BarPlot(value=None, x="项目", y="数值", label="指标数值", visible=False, height=320,
                       sort=None, x_label_angle=-25, render=False, elem_id="chart")
    cited = gr.Dropdown(label="本次回答引用的位置", choices=[], value=None, interactive=True,
                        render=False, elem_id="cited")
    no_extras = (gr.update(visible=False), gr.update(choices=[], value=None))
    listed = gr.State({})  # question → the items its answer listed, for 第二个呢-style follow-ups
    quotes = gr.State([])  # the last answer's sentences: marked when a cited place is opened

    def extras(answer: Answer):
        """The chart and the cited-places dropdown for a finished answer."""
        ls = label_script(answer.script)
        places = dict.fromkeys([*answer.citations, *(s.place for s in answer.sources),
                                *answer.suggestions])
        choices = [(full_label(p, ls, outline), place_key(p)) for p in places]
        cited_update = gr.update(choices=choices, value=choices[0][1] if choices else None)
        if answer.chart is None:
            return gr.update(visible=False), cited_update
        title = answer.chart.title
        unit = f"({answer.chart.unit})" if answer.chart.unit else ""
        if ls == "simplified":
            title, unit = to_simplified(title), to_simplified(unit)
        return (gr.update(value=chart_frame(answer.chart, ls), visible=True, label=title,
                          y_title=f"数值{unit}", y_lim=chart_range(answer.chart)), cited_update)

    def respond(message, history, choice, items, plan_choice):
        items = dict(items or {})
        try:
            text = message.get("text", "") if isinstance(message, dict) else message
            chosen = next((p for p, label in PLAN_CHOICES.items() if label == plan_choice), None)
            target = library.pick(str(text or ""), chosen)
            messages: list[dict[str, Any]] = []
            for messages, answer in stream_messages(target, message, history, choice, items):
                if answer is not None:
                    if answer.items:
                        items[answer.question] = list(answer.items)
                    yield messages, *extras(answer), items, [c.text for c in answer.claims]
                    return
                yield messages, gr.skip(), gr.skip(), items, gr.skip()
            yield messages, *no_extras, items, []
        except Exception:
            log.exception("chat failed for question %r", message)
            sorry = "【抱歉】回答时出了问题,已记录。请再试一次。"
            yield [{"role": "assistant", "content": sorry}], *no_extras, items, []

    with gr.Row():
        with gr.Column(scale=3):
            plan_radio.render()  # before the chat: it would otherwise render it a second time
            chat = gr.ChatInterface(
                respond,
                chatbot=chatbot,
                textbox=gr.Textbox(placeholder="用中文提问,例如:番禺会新建多少所学校?", max_lines=6,
                                   submit_btn="发送", stop_btn="停止", autofocus=False,
                                   elem_id="question"),
                additional_inputs=[script_radio, listed, plan_radio],
                additional_outputs=[chart, cited, listed, quotes],
                examples=[[question] for question, _ in EXAMPLES],
                example_labels=[label for _, label in EXAMPLES],
                run_examples_on_click=True,
                api_name="chat",
                fill_height=False,
                validator=_something_typed,
            )
        with gr.Column(scale=1, min_width=260):
            chart.render()
            cited.render()
            open_cited = gr.Button("在大纲中查看 ›", size="sm")
            clear = gr.Button("清空对话", size="sm", variant="secondary", elem_id="clear-chat")
    # The conversation survives a reload: kept in the browser's storage until cleared. Only a
    # clear empties the storage: the empty chat of a page still loading must not overwrite it.
    saved = gr.BrowserState([], storage_key="panyu-plan-chat")
    chatbot.change(lambda messages: messages or gr.skip(), chatbot, saved,
                   api_visibility="private", queue=False)
    clear.click(lambda: ([], [], [], *no_extras, {}, [], []), None,
                [chatbot, chat.chatbot_state, chat.chatbot_value, chart, cited, listed, saved, quotes],
                api_visibility="private", queue=False)
    # the chat's own trash icon clears as much as the clear button: side panel, listed items, storage
    chatbot.clear(lambda: (*no_extras, {}, [], []), None, [chart, cited, listed, saved, quotes],
                  api_visibility="private", queue=False)
    restore = (lambda messages: (messages or [],) * 3, [saved],
               [chatbot, chat.chatbot_state, chat.chatbot_value])
    return cited, open_cited, restore, quotes


def _finder_tab(assistant: Assistant, script_radio):
    """The staff's section finder; returns the selected place's key and its "open" button."""
    import gradio as gr
    import pandas as pd

    outline = assistant.outline
    with gr.Row():
        query = gr.Textbox(label="主题或关键词", scale=5, max_lines=2,
                           placeholder="例如:垃圾分类、学位、专栏8、附件2第8项")
        search = gr.Button("查找", variant="primary", scale=1, min_width=100)
    note = gr.Markdown("")
    results = gr.Dataframe(headers=FINDER_HEADERS, label="匹配的章节", interactive=False, wrap=True,
                           elem_id="finder-results",
                           column_widths=["6%", "18%", "24%", "42%", "10%"],
                           datatype=["number", "str", "str", "str", "number"])
    keys = gr.State([])
    selected = gr.State(None)
    open_selected = gr.Button("在大纲中查看 ›", size="sm", visible=False)
    detail = gr.Markdown("", elem_id="finder-text")
    detail_table = gr.Dataframe(visible=False, interactive=False, wrap=True)

    def empty():
        return pd.DataFrame([], columns=FINDER_HEADERS)

    def locate(text, choice):  # the API's parameter names: /locate(text, choice)
        script = reader_script(choice, strip_markup(text or ""))
        try:
            question = clean_question(text)
        except QuestionError as err:
            return empty(), [], "**【提示】**" + escape_md(err.message(script))
        located = assistant.locate(question, k=10)
        rows = located_rows(assistant, located, script)
        return (pd.DataFrame(rows, columns=FINDER_HEADERS), [place_key(loc.place) for loc in located],
                _t(f"共 {len(rows)} 处,按相关程度排序。点一行查看全文。", script))

    sorry = "【抱歉】查找时出了问题,已记录。请换个说法再试。"
    safe_locate = _guarded("locate", lambda: (empty(), [], sorry))(locate)
    query.submit(safe_locate, [query, script_radio], [results, keys, note], api_name="locate")
    search.click(safe_locate, [query, script_radio], [results, keys, note], api_visibility="private")

    def show(row_keys, choice, query_text, evt):
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        if not row_keys or row is None or row >= len(row_keys):
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        place = key_place(row_keys[row]) or Place()
        script = label_script(reader_script(choice, strip_markup(query_text or "")))
        return (place_markdown(outline, place, script, tables=False),
                _table_update(outline, place, script), gr.update(visible=True), row_keys[row])

    show.__annotations__ = {"evt": gr.SelectData}  # real classes: gradio injects the selection
    safe_show = _guarded("finder selection",
                         lambda: ("【抱歉】無法顯示這一部分。", gr.skip(), gr.skip(), gr.skip()))(show)
    results.select(safe_show, [keys, script_radio, query], [detail, detail_table, open_selected, selected],
                   api_visibility="private").then(None, js=_SCROLL_TO_FINDER_TEXT)
    return selected, open_selected


def _outline_tab(outline: Outline, align_with: str | None = None):
    """The plan browser; returns its outputs (three dropdowns, the text, the table, the key) and,
    when another plan is loaded, the alignment button and its result."""
    import gradio as gr

    key = gr.State("pre")
    with gr.Row():
        with gr.Column(scale=1, min_width=280):
            level1 = gr.Dropdown(label="章 / 附件", choices=[], interactive=True)
            level2 = gr.Dropdown(label="节", choices=[], interactive=True)
            level3 = gr.Dropdown(label="小节 / 专栏", choices=[], interactive=True)
            with gr.Accordion("全部目录", open=False):
                gr.Markdown(outline_tree_markdown(outline), elem_id="outline-tree")
            with gr.Accordion(f"对照{PLAN_CHOICES.get(align_with or '', '')}", open=False,
                              visible=align_with is not None, elem_id="align-panel"):
                align_button = gr.Button("查找最接近的章节", size="sm", elem_id="align-button")
                aligned = gr.Markdown("", elem_id="aligned")
        with gr.Column(scale=3):
            text = gr.Markdown("", elem_id="place-text")
            table = gr.Dataframe(visible=False, interactive=False, wrap=True, max_height=600,
                                 elem_id="place-table")
    return [level1, level2, level3, text, table, key], align_button, aligned


def create_app(assistant: Assistant, others: dict[str, Assistant] | None = None):
    """The Blocks app over loaded assistants (shared by all requests): the default plan's, and
    optionally other plans of the library (the chat's plan choice, alignment in the outline)."""
    import gradio as gr

    from .library import Library

    library = Library({DEFAULT_PLAN: assistant, **(others or {})})
    outline = assistant.outline
    align_with = next(iter(library.others), None)

    def outline_view(key: str | None, choice: str | None, quotes: Sequence[str] = ()):
        script = script_of(choice) or "traditional"
        sel = outline_selection(outline, key, script)
        place = key_place(sel["key"]) or Place()
        return (gr.update(choices=sel["level1"], value=sel["value1"]),
                gr.update(choices=sel["level2"], value=sel["value2"],
                          interactive=len(sel["level2"]) > 1),
                gr.update(choices=sel["level3"], value=sel["value3"],
                          interactive=len(sel["level3"]) > 1),
                place_markdown(outline, place, script, tables=False, quotes=quotes or ()),
                _table_update(outline, place, script), sel["key"])

    safe_outline_view = _guarded("outline view", lambda: (
        gr.skip(), gr.skip(), gr.skip(), "【抱歉】無法顯示這一部分。", gr.skip(), gr.skip()))(outline_view)

    def open_place(key: str | None, choice: str | None, quotes: Sequence[str] | None = None):
        """Switch to the outline tab at a place (the hidden link box adds '#time' to each click),
        with the last answer's sentences marked where the place holds them."""
        return (gr.Tabs(selected="outline"),
                *safe_outline_view((key or "").split("#", 1)[0], choice, quotes or ()))

    def on_load(choice, request):
        key = request.query_params.get(PLACE_PARAM) if request is not None else None
        if key and key_place(key) is not None:
            return open_place(key, choice)
        return (gr.skip(), *safe_outline_view("pre", choice))

    on_load.__annotations__ = {"request": gr.Request}  # real classes: gradio injects the request

    with gr.Blocks(title="番禺区“十四五”规划问答", analytics_enabled=False) as demo:
        with gr.Row(equal_height=True, elem_id="top-row"):
            gr.Markdown("## 番禺区“十四五”规划问答助手\n"
                        "答案只摘自《番禺区国民经济和社会发展第十四个五年规划和2035年远景目标纲要》,"
                        "每句注明出处(章、节、专栏或附件)。", elem_id="app-title")
            script_radio = gr.Radio(list(SCRIPT_CHOICES), value="自动", label="简繁 / 簡繁",
                                    info="自动:跟随提问的简繁", scale=0, min_width=300,
                                    elem_id="script-choice")
        place_link = gr.Textbox(visible="hidden", elem_id="place-link", label="place link",
                                show_label=False)
        with gr.Tabs(selected="chat") as tabs:
            with gr.Tab("问答", id="chat"):
                cited, open_cited, restore, quotes = _chat_tab(library, script_radio)
            with gr.Tab("查找章节", id="finder"):
                found, open_found = _finder_tab(assistant, script_radio)
            with gr.Tab("规划全文", id="outline"):
                view, align_button, aligned = _outline_tab(outline, align_with)
        for dropdown in view[:3]:
            dropdown.input(safe_outline_view, [dropdown, script_radio], view, api_visibility="private")
        script_radio.change(safe_outline_view, [view[-1], script_radio], view, api_visibility="private")
        for trigger, source in ((open_cited.click, cited), (open_found.click, found),
                                (place_link.change, place_link)):
            trigger(open_place, [source, script_radio, quotes], [tabs, *view],
                    api_visibility="private").then(None, js=_SCROLL_TO_MARK)
        demo.load(on_load, [script_radio], [tabs, *view], api_visibility="private")
        if align_with is not None:
            target = library.plans[align_with]
            safe_align = _guarded("alignment", lambda: "【抱歉】对照时出了问题,已记录。")(
                lambda key, choice: alignment_markdown(outline, key, target, choice))
            align_button.click(safe_align, [view[-1], script_radio], aligned,
                               api_visibility="private")
        demo.load(*restore, api_visibility="private", queue=False)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=64)
    return demo


def launch(demo, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, block: bool = True, quiet=False):
    """Serve on host:port (never a public share link), with the app's theme, CSS and script."""
    return demo.launch(server_name=host, server_port=port, share=False, inbrowser=False,
                       prevent_thread_lock=not block, quiet=quiet, theme=_theme(), css=_CSS,
                       head=_HEAD, footer_links=[], show_error=False)


# ---------------------------------------------------------------------------------------------
# Command line


def _parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="Serve the plan assistant (Gradio).")
    parser.add_argument("--host", default=settings.host,
                        help="interface to listen on (env ASSISTANT_HOST; default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=settings.port,
                        help="port (env ASSISTANT_PORT; default 7860)")
    parser.add_argument("--model", default=None, help="embedding model (default: the bundled e5)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Load the assistant once (building the index if needed), then serve until interrupted."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("assistant").setLevel(logging.INFO)
    settings = Settings.from_env()
    try:
        args = _parser(settings).parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.port is None or not 0 < args.port < 65536:
        print(f"error: bad port {args.port}", file=sys.stderr)
        return 2
    from .embedding import ModelLoadError
    from .expansions import ExpansionsError
    from .glossary import GlossaryError
    from .index import IndexUnusableError
    from .library import Library
    from .outline import PlanFormatError
    from .translations import TranslationsError

    print("Loading the plan, the embedding model and the index "
          "(the first run builds the index; this takes a while)…", flush=True)
    try:
        library = Library.open(settings, model=args.model, progress=True)  # national: if it opens
    except ModelLoadError as err:
        print(f"error: the app cannot start without its embedding model.\n{err}\n"
              "(`make setup` installs the bundled model; `make run` then starts the app.)",
              file=sys.stderr)
        return 2
    except (PlanFormatError, IndexUnusableError, ExpansionsError, GlossaryError,
            TranslationsError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"error: cannot read or write the index: {err}", file=sys.stderr)
        return 2
    assistant = library.default
    if assistant.rebuilt_because:
        print(f"Index rebuilt ({assistant.rebuilt_because}).", flush=True)
    demo = create_app(assistant, library.others)
    print(f"Serving on http://{args.host}:{args.port}  (Ctrl+C to stop)", flush=True)
    try:
        launch(demo, args.host, args.port, block=True, quiet=True)  # our own line above, no share hint
    except OSError as err:
        print(f"error: cannot serve on {args.host}:{args.port}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0
