"""The outline of a plan published as Markdown, with parts (篇), chapters (章) and sections (节).

The national 14th Five-Year Plan outline comes this way: front matter, an HTML comment, a
dateline, a bold title, a `<details>` table of contents, then `## 第一篇`, `### 第一章`,
`#### 第一节` headings over plain paragraphs. Its chapters are numbered across the whole plan, so
a chapter number alone tells the place; the part is carried for labels (第三篇 第九章 第二节).
Where the source has an image (its 专栏 boxes and indicator table were pictures), the section
says so in a paragraph of its own instead of silently dropping it.
"""

from __future__ import annotations

import re

from .outline import (
    Chapter,
    Outline,
    Part,
    Place,
    PlanFormatError,
    Section,
    cn_numeral,
    parse_numeral,
)

__all__ = ["IMAGE_NOTE", "looks_like_markdown_plan", "parse_markdown_outline"]

IMAGE_NOTE = "〔原文此处为图片(专栏或表格),文本未收录,请查阅原文件。〕"

_HEADING = re.compile(r"^#{1,6}\s*第([一二三四五六七八九十百零〇\d]+)([篇章节節])[\s\u3000]*(.*?)\s*$")
_FRONT_MATTER_END = re.compile(r"^-{3,}\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)\s*$")
_BOLD = re.compile(r"^\*\*(.+)\*\*$")
_TITLE = re.compile(r"^title:\s*(.+)$")


def looks_like_markdown_plan(text: str) -> bool:
    """A Markdown plan: its chapters are Markdown headings (### 第一章 …)."""
    return bool(re.search(r"(?m)^#{1,6}\s*第[一二三四五六七八九十百\d]+章", text))


def parse_markdown_outline(text: str, plan: str) -> Outline:
    """The outline of a Markdown plan; PlanFormatError names the line of anything unexpected."""
    lines = _body_lines(text)
    title = _title(text)
    preamble: list[str] = []
    parts: list[Part] = []
    chapters: list[Chapter] = []
    part_no = chapter_no = 0
    current: dict = {}  # the node being filled: {"kind", "number", "title", "paragraphs", …}
    sections: list[Section] = []
    part_chapters: list[int] = []
    part_intro: list[str] = []
    part_title = ""

    def close_section() -> None:
        if current.get("kind") == "section":
            place = Place(plan=plan, part=part_no or None, chapter=chapter_no,
                          section=current["number"], title=current["title"])
            sections.append(Section(place, tuple(current["paragraphs"]), (), ()))
            current.clear()

    def close_chapter() -> None:
        close_section()
        if chapter_no and (current.get("kind") == "chapter" or sections or chapter_intro):
            place = Place(plan=plan, part=part_no or None, chapter=chapter_no, title=chapter_title)
            chapters.append(Chapter(place, tuple(chapter_intro), tuple(sections)))
            part_chapters.append(chapter_no)
        sections.clear()
        chapter_intro.clear()
        current.clear()

    def close_part() -> None:
        close_chapter()
        if part_no:
            parts.append(Part(Place(plan=plan, part=part_no, title=part_title), tuple(part_intro),
                              tuple(part_chapters)))
        part_chapters.clear()
        part_intro.clear()

    chapter_title = ""
    chapter_intro: list[str] = []
    target = preamble
    for n, line in lines:
        m = _HEADING.match(line)
        if m is None:
            if paragraph := _paragraph(line):
                target.append(paragraph)
            continue
        number, level, heading = _number(m.group(1), n), m.group(2), m.group(3)
        if level == "篇":
            close_part()
            _expect(number, part_no + 1, "篇", n)
            part_no, part_title, target = number, heading, part_intro
        elif level == "章":
            close_chapter()
            _expect(number, chapter_no + 1, "章", n)
            chapter_no, chapter_title = number, heading
            chapter_intro = []
            current.update(kind="chapter")
            target = chapter_intro
        else:
            if not chapter_no:
                raise PlanFormatError(f"line {n}: a section (节) before any chapter")
            close_section()
            _expect(number, len(sections) + 1, "节", n)
            current.update(kind="section", number=number, title=heading, paragraphs=[])
            target = current["paragraphs"]
    close_part()
    if not chapters:
        raise PlanFormatError("no chapter headings found (### 第一章 …)")
    return Outline(title, tuple(preamble), tuple(chapters), (), parts=tuple(parts), plan=plan)


def _body_lines(text: str) -> list[tuple[int, str]]:
    """(line number, text) of the body: front matter, comments and the table of contents out."""
    raw = text.lstrip("\ufeff").splitlines()
    start = 0
    if raw and raw[0].strip() == "---":  # front matter, closed by a line of dashes
        start = next((i + 1 for i in range(1, len(raw)) if _FRONT_MATTER_END.match(raw[i])), 0)
    body = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), "\n".join(raw[start:]))
    out, in_toc = [], False
    for i, line in enumerate(body.splitlines(), start=start + 1):
        stripped = line.strip()
        if stripped.startswith("<details"):
            in_toc = not in_toc  # the source closes its table of contents with a second <details>
            continue
        if stripped.startswith("</details"):
            in_toc = False
            continue
        if not in_toc:
            out.append((i, stripped))
    return out


def _title(text: str) -> str:
    for line in text.splitlines()[:12]:
        if m := _TITLE.match(line.strip()):
            return m.group(1).strip()
    m = re.search(r"(?m)^\*\*(.+)\*\*\s*$", text)
    return m.group(1).strip() if m else ""


def _paragraph(line: str) -> str:
    """A line of plan text, or '' for markup: rules, datelines, the bold title, list lines."""
    if not line or _FRONT_MATTER_END.match(line) or line.startswith(("<", "- ", ">")):
        return ""
    if _IMAGE.match(line):
        return IMAGE_NOTE
    if _BOLD.match(line):
        return ""
    return line


def _number(text: str, line: int) -> int:
    try:
        return parse_numeral(text.replace("〇", "零"))
    except ValueError as err:
        raise PlanFormatError(f"line {line}: cannot read the number 第{text}") from err


def _expect(number: int, expected: int, level: str, line: int) -> None:
    if number != expected:
        raise PlanFormatError(f"line {line}: 第{cn_numeral(number)}{level} where "
                              f"第{cn_numeral(expected)}{level} was expected")
