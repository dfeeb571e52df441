"""The plan as a tree of citable places: preamble, chapters, sections, subsections, 專欄, appendices.

Everything the assistant says cites a `Place` from this tree, so the parse must be exact. The source
is a web page saved as text: a junk first line and page clutter come first, then the notice header,
the table of contents, the body, and three appendix tables flattened to one cell per line. The
parser keeps only the body and the tables, and rebuilds the tables into rows with named columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

from .normalize import to_simplified

__all__ = [
    "Appendix",
    "Chapter",
    "Column",
    "Outline",
    "Place",
    "PlanFormatError",
    "Row",
    "Section",
    "Subsection",
    "Table",
    "cn_numeral",
    "parse_numeral",
    "load_outline",
    "outline_to_dict",
    "outline_tree",
    "parse_outline",
]

PARSER_VERSION = "1"

_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 14 → 十四, 21 → 二十一 (enough for chapter, section and item numbers)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def parse_numeral(text: str) -> int:
    """一 → 1, 十四 → 14, 二十一 → 21; Arabic digits pass through."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _DIGITS.index(text)
    tens, _, ones = text.partition("十")
    return (_DIGITS.index(tens) if tens else 1) * 10 + (_DIGITS.index(ones) if ones else 0)


class PlanFormatError(ValueError):
    """The text is not such a plan; the message names the problem and the line."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass(frozen=True)
class Place:
    """Where something stands in the plan; renders its own citation label in either script.

    Equality ignores the title: two places are the same when their numbers are.
    """

    chapter: int | None = None
    section: int | None = None
    subsection: int | None = None
    column: int | None = None
    appendix: int | None = None
    row: int | None = None
    title: str = field(default="", compare=False)
    title_en: str = field(default="", compare=False)  # from the glossary, where it has one
    plan: str = ""  # which plan of the library ("" is the default plan, Panyu's)
    part: int | None = field(default=None, compare=False)  # the 篇 (a plan with parts: its chapters
    # are numbered across the whole plan, so the chapter alone tells the place)

    @property
    def is_preamble(self) -> bool:
        return self.chapter is None and self.appendix is None and self.part is None

    def _parts(self, english: bool = False) -> list[str]:
        """附件2 第8項 / 第三章 第一節 專欄1 …, or in English Appendix 2, item 8 / Chapter 3, …"""
        n = (lambda k: str(k)) if english else cn_numeral
        words = (("Appendix {}", "Preamble", "Chapter {}", "Section {}", "Column {}", "item {}")
                 if english else ("附件{}", "前言", "第{}章", "第{}節", "專欄{}", "第{}項"))
        if self.appendix is not None:
            parts = [words[0].format(self.appendix)]
        elif self.chapter is None and self.part is None:
            return [words[1]]
        else:
            parts = [f"Part {self.part}" if english else f"第{n(self.part)}篇"] if self.part else []
            if self.chapter is not None:
                parts.append(words[2].format(n(self.chapter)))
            if self.section is not None:
                parts.append(words[3].format(n(self.section)))
            if self.column is not None:
                parts.append(words[4].format(self.column))
            elif english and self.subsection is not None:
                parts.append(f"Part {self.subsection}")
        if self.row is not None:
            parts.append(words[5].format(self.row))
        return parts

    def english_label(self) -> str:
        """Chapter 8, Section 3 · Chapter 4, Section 3, Column 4, item 2 · Appendix 2, item 8."""
        return ", ".join(self._parts(english=True))

    def label(self, script: str = "traditional") -> str:
        """Full label, e.g. 第三章 第一節 二、謀劃科創走廊戰略布局 or 附件2 第8項 5G基站數量(萬座)."""
        parts = self._parts()
        if self.subsection is not None and self.column is None and self.row is None:
            parts.append(f"{cn_numeral(self.subsection)}、{self.title}")
        elif self.title and parts != ["前言"]:
            parts.append(self.title)
        text = " ".join(parts)
        return to_simplified(text) if script == "simplified" else text

    def short_label(self, script: str = "traditional") -> str:
        """Compact form for inline citations, e.g. 第三章第一節, 第四章第四節專欄5, 附件2第8項."""
        text = "".join(self._parts())
        return to_simplified(text) if script == "simplified" else text

    def section_place(self) -> Place:
        """The chapter/section (or appendix, or preamble) this place belongs to: what hit@k scores."""
        if self.appendix is not None:
            return Place(appendix=self.appendix, plan=self.plan)
        return Place(chapter=self.chapter, section=self.section, plan=self.plan, part=self.part)

    def to_dict(self, script: str = "traditional") -> dict[str, int | str | None]:
        return {
            "chapter": self.chapter,
            "section": self.section,
            "subsection": self.subsection,
            "column": self.column,
            "appendix": self.appendix,
            "row": self.row,
            **({"plan": self.plan, "part": self.part} if self.plan else {}),
            "title": self.title,
            "label": self.label(script),
        }


@dataclass(frozen=True)
class Row:
    """A table row; `cells` align with the table header. Sub-rows (城鎮/農村…) share its number."""

    place: Place
    cells: tuple[str, ...]
    subrows: tuple[Row, ...] = ()

    def value(self, header: tuple[str, ...], name: str) -> str:
        return self.cells[header.index(name)]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()

    def row(self, number: int) -> Row:
        return next(r for r in self.rows if r.place.row == number)

    def all_rows(self) -> Iterator[Row]:
        """Rows and sub-rows, in reading order."""
        for row in self.rows:
            yield row
            yield from row.subrows


class _Node:
    """A node of the outline: its place knows its number (at the node's level) and title."""

    place: Place
    _level: ClassVar[str]

    @property
    def number(self) -> int:
        return getattr(self.place, self._level)

    @property
    def title(self) -> str:
        return self.place.title


@dataclass(frozen=True)
class Column(_Node):
    """A 專欄 box: a list of items or a real table, attached to the section that holds it."""

    place: Place
    table: Table
    layout: str  # "list", "table" (專欄5/6) or "blocks" (專欄8)

    _level: ClassVar[str] = "column"


@dataclass(frozen=True)
class Subsection(_Node):
    place: Place
    paragraphs: tuple[str, ...]
    explicit_numeral: bool = True  # False where the source lost the numeral (a bare "、")

    _level: ClassVar[str] = "subsection"


@dataclass(frozen=True)
class Section(_Node):
    place: Place
    intro: tuple[str, ...]
    subsections: tuple[Subsection, ...]
    columns: tuple[Column, ...]

    _level: ClassVar[str] = "section"


@dataclass(frozen=True)
class Chapter(_Node):
    place: Place
    intro: tuple[str, ...]
    sections: tuple[Section, ...]

    _level: ClassVar[str] = "chapter"

    def section(self, number: int) -> Section:
        return self.sections[number - 1]


@dataclass(frozen=True)
class Part(_Node):
    """A 篇 of a plan that has them: an introduction and the numbers of its chapters."""

    place: Place
    intro: tuple[str, ...]
    chapters: tuple[int, ...]

    _level: ClassVar[str] = "part"


@dataclass(frozen=True)
class Appendix(_Node):
    place: Place
    table: Table

    _level: ClassVar[str] = "appendix"


@dataclass(frozen=True)
class Outline:
    title: str
    preamble: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    appendices: tuple[Appendix, ...]
    toc: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (chapter title, section titles), as listed
    parts: tuple[Part, ...] = ()  # 篇, in a plan that has them
    plan: str = ""  # the plan's id in the library ("" for the default plan)

    def chapter(self, number: int) -> Chapter:
        return self.chapters[number - 1]

    def appendix(self, number: int) -> Appendix:
        return self.appendices[number - 1]

    @property
    def sections(self) -> list[Section]:
        return [s for c in self.chapters for s in c.sections]

    @property
    def columns(self) -> list[Column]:
        return [col for s in self.sections for col in s.columns]

    def column(self, number: int) -> Column:
        return next(c for c in self.columns if c.number == number)

    @property
    def tables(self) -> list[Table]:
        """Every table: the 專欄 in reading order, then the appendices."""
        return [c.table for c in self.columns] + [a.table for a in self.appendices]

    def titled(self, place: Place) -> Place:
        """The place carrying its heading (retrieval groups carry none), so its label reads in full."""
        if place.title or place.row is not None:
            return place
        if place.part is not None and place.chapter is None:
            part = self.parts[place.part - 1] if 0 < place.part <= len(self.parts) else None
            return replace(place, title=part.title) if part is not None else place
        if place.is_preamble:
            return replace(place, title=self.title)
        node = self.find(place)
        return replace(place, title=node.title) if node is not None else place

    def find(self, place: Place) -> Chapter | Section | Subsection | Column | Appendix | None:
        """The node at a place (a row's place returns its column or appendix)."""
        try:
            if place.appendix is not None:
                return self.appendix(place.appendix)
            if place.chapter is None:
                return None
            chapter = self.chapter(place.chapter)
            if place.section is None:
                return chapter
            section = chapter.section(place.section)
            if place.column is not None:
                return next(c for c in section.columns if c.number == place.column)
            if place.subsection is not None:
                return section.subsections[place.subsection - 1]
            return section
        except (IndexError, StopIteration):
            return None


# ---------------------------------------------------------------------------------------------
# Parsing

_CHAPTER = re.compile(r"^\s*第([一二三四五六七八九十]+)章\s*(.*)$")
_SECTION = re.compile(r"^\s*第([一二三四五六七八九十]+)節\s*(.+)$")
_COLUMN = re.compile(r"^專欄(\d+)[::]\s*(.+)$")
_SUBSECTION = re.compile(r"^\s+([一二三四五六七八九十]*)、\s*([^。;]{1,30})$")
_TOC_HEAD = re.compile(r"^\s*目\s*錄\s*$")
_TOC_APPENDIX = re.compile(r"^\s*附(\d)\s*(.+)$")
_APPENDIX = re.compile(r"^附件(\d)$")
_APPENDIX_LIST = re.compile(r"^\s*附件[::]")
# Page furniture of the government site: reading aloud, sharing, source, QR code, printing.
_CLUTTER = re.compile(
    r"^\s*(•\s*)?(聽全文|听全文|分享到|來源[::]|来源[::]|掃一掃|扫一扫|打印|關閉|关闭|字號|字号|"
    r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?\s*$|-\s*$)"
)


def _is_clutter(line: str) -> bool:
    return bool(_CLUTTER.match(line))


def _indented(line: str) -> bool:
    return line[:1] in (" ", "\t", "\u3000")


@dataclass
class _Line:
    number: int  # 1-based line number in the file
    raw: str

    @property
    def text(self) -> str:
        return self.raw.strip()


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise PlanFormatError(
            "the file is not UTF-8 text (undecodable bytes); save the plan as UTF-8", line
        ) from err


def load_outline(path: str | Path) -> Outline:
    """Read and parse a plan file; PlanFormatError for anything that is not such a plan."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise PlanFormatError(f"cannot read the plan file {path}: {err.strerror}") from err
    return parse_outline(data)


def parse_outline(data: bytes | str) -> Outline:
    """The plan's outline; PlanFormatError (naming the problem and the line) for anything else."""
    try:
        return _parse(data)
    except PlanFormatError:
        raise
    except (ValueError, IndexError, KeyError, AttributeError, TypeError) as err:
        # a layout this parser does not know: still one clear error, never a crash
        raise PlanFormatError(f"unexpected plan layout ({type(err).__name__}: {err})") from err


def _parse(data: bytes | str) -> Outline:
    text = _decode(data)
    lines = [_Line(i, raw.rstrip()) for i, raw in enumerate(text.splitlines(), start=1)]
    nonblank = [ln for ln in lines if ln.text and not _is_clutter(ln.raw)]
    if not nonblank:
        raise PlanFormatError("the plan file is empty")

    toc_entries, body_start = _read_toc(nonblank)
    body = nonblank[body_start:]
    first_chapter = next((i for i, ln in enumerate(body) if _CHAPTER.match(ln.raw)), None)
    if first_chapter is None:
        if toc_entries:
            raise PlanFormatError(
                "only a table of contents was found: no chapter text follows it",
                nonblank[-1].number,
            )
        raise PlanFormatError("no chapter headings (第一章 …) found: this is not a plan text", 1)

    title = _plan_title(nonblank)
    preamble = tuple(ln.text for ln in body[:first_chapter] if not _TOC_APPENDIX.match(ln.raw))
    end = next(
        (i for i, ln in enumerate(body) if _APPENDIX_LIST.match(ln.raw) or _APPENDIX.match(ln.text)),
        len(body),
    )
    chapters = _parse_body(body[first_chapter:end])
    toc_titles = {int(m.group(1)): m.group(2).strip() for m in map(_TOC_APPENDIX.match, toc_entries)
                  if m}
    appendices = _parse_appendices(body[end:], toc_titles)
    toc = _toc_tree(toc_entries)
    return Outline(title, preamble, chapters, appendices, toc)


def _plan_title(lines: list[_Line]) -> str:
    toc = next((i for i, ln in enumerate(lines) if _TOC_HEAD.match(ln.raw)), None)
    return lines[toc - 1].text if toc else ""


def _read_toc(lines: list[_Line]) -> tuple[list[str], int]:
    """TOC heading lines and the index where the body (preamble onward) begins.

    Without a 目錄 line the body begins at the first chapter heading, and everything before it
    is page header; with one, the TOC runs while lines are headings or 附N entries.
    """
    start = next((i for i, ln in enumerate(lines) if _TOC_HEAD.match(ln.raw)), None)
    if start is None:
        first = next((i for i, ln in enumerate(lines) if _CHAPTER.match(ln.raw)), len(lines))
        return [], first
    entries: list[str] = []
    i = start + 1
    while i < len(lines) and (
        _CHAPTER.match(lines[i].raw) or _SECTION.match(lines[i].raw)
        or _TOC_APPENDIX.match(lines[i].raw)
    ):
        entries.append(lines[i].text)
        i += 1
    return entries, i


def _toc_tree(entries: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    tree: list[tuple[str, list[str]]] = []
    for entry in entries:
        if m := _CHAPTER.match(entry):
            tree.append((m.group(2).strip(), []))
        elif (m := _SECTION.match(entry)) and tree:
            tree[-1][1].append(m.group(2).strip())
    return tuple((title, tuple(sections)) for title, sections in tree)


class _Builder:
    """Accumulates the body into chapters; one pass, a line at a time."""

    def __init__(self) -> None:
        self.chapters: list[Chapter] = []
        self.chapter: dict | None = None
        self.section: dict | None = None
        self.subsection: dict | None = None
        self.column: dict | None = None

    # closing ---------------------------------------------------------------------------------
    def close_column(self) -> None:
        if self.column is not None:
            col = self.column
            table, layout = _column_table(col["place"], col["lines"])
            self.section["columns"].append(Column(col["place"], table, layout))
            self.column = None

    def close_subsection(self) -> None:
        self.close_column()
        if self.subsection is not None:
            sub = self.subsection
            self.section["subsections"].append(
                Subsection(sub["place"], tuple(sub["paragraphs"]), sub["explicit"])
            )
            self.subsection = None

    def close_section(self) -> None:
        self.close_subsection()
        if self.section is not None:
            s = self.section
            self.chapter["sections"].append(
                Section(s["place"], tuple(s["intro"]), tuple(s["subsections"]),
                        tuple(s["columns"]))
            )
            self.section = None

    def close_chapter(self) -> None:
        self.close_section()
        if self.chapter is not None:
            c = self.chapter
            self.chapters.append(Chapter(c["place"], tuple(c["intro"]), tuple(c["sections"])))
            self.chapter = None


def _parse_body(lines: list[_Line]) -> tuple[Chapter, ...]:
    b = _Builder()
    title_open = False  # a chapter title may wrap onto the next unindented line
    for ln in lines:
        raw, text = ln.raw, ln.text
        if m := _CHAPTER.match(raw):
            b.close_chapter()
            number = parse_numeral(m.group(1))
            if number != len(b.chapters) + 1:
                raise PlanFormatError(f"chapter {number} follows chapter {len(b.chapters)}",
                                      ln.number)
            b.chapter = {"place": Place(chapter=number, title=m.group(2).strip()),
                         "intro": [], "sections": []}
            title_open = True
            continue
        if b.chapter is None:
            continue
        if m := _SECTION.match(raw):
            b.close_section()
            number = parse_numeral(m.group(1))
            expected = len(b.chapter["sections"]) + 1
            if number != expected:
                raise PlanFormatError(f"section {number} where section {expected} was expected",
                                      ln.number)
            b.section = {"place": Place(chapter=b.chapter["place"].chapter, section=number,
                                        title=m.group(2).strip()),
                         "intro": [], "subsections": [], "columns": []}
            title_open = False
            continue
        if title_open and not _indented(raw) and b.section is None:
            place = b.chapter["place"]
            b.chapter["place"] = Place(chapter=place.chapter, title=place.title + text)
            title_open = False
            continue
        title_open = False
        if b.section is None:
            b.chapter["intro"].append(text)
            continue
        if m := _COLUMN.match(raw):
            b.close_column()
            s = b.section["place"]
            b.column = {"place": Place(chapter=s.chapter, section=s.section,
                                       column=int(m.group(1)), title=m.group(2).strip()),
                        "lines": []}
            continue
        if b.column is not None and not _indented(raw):
            b.column["lines"].append(ln)
            continue
        b.close_column()
        if m := _SUBSECTION.match(raw):
            previous = b.subsection["place"].subsection if b.subsection else 0
            b.close_subsection()
            s = b.section["place"]
            number = parse_numeral(m.group(1)) if m.group(1) else previous + 1
            b.subsection = {"place": Place(chapter=s.chapter, section=s.section,
                                           subsection=number, title=m.group(2).strip()),
                            "paragraphs": [], "explicit": bool(m.group(1))}
            continue
        target = b.subsection["paragraphs"] if b.subsection else b.section["intro"]
        target.append(text)
    b.close_chapter()
    return tuple(b.chapters)


# ---------------------------------------------------------------------------------------------
# 專欄 columns

_NUMBERED_ITEM = re.compile(r"^(\d+)[.、.]\s*(.+)$")
_NAMED_ITEM = re.compile(r"^([^:。:]{2,40})[::](.+)$")
_PREFIXED = re.compile(r"^(重點產業|發展目標|發展方向)[::]\s*(.*)$")


def _item_title(text: str) -> str:
    """A short name for a list item without one: its first clause."""
    head = re.split(r"[。,;:]", text, maxsplit=1)[0]
    return head if len(head) <= 30 else head[:30] + "…"


def _column_table(place: Place, lines: list[_Line]) -> tuple[Table, str]:
    texts = [ln.text for ln in lines]
    if not texts:
        raise PlanFormatError(f"專欄{place.column} has no content", None)
    if texts[0] == "序號":
        return _numbered_column_table(place, lines), "table"
    if any(t.startswith("發展方向") for t in texts):
        return _block_column_table(place, lines), "blocks"
    rows = []
    for i, text in enumerate(texts, start=1):
        if m := _NUMBERED_ITEM.match(text):
            name, body = _item_title(m.group(2)), m.group(2)
        elif m := _NAMED_ITEM.match(text):
            name, body = m.group(1), m.group(2)
        else:
            name, body = _item_title(text), text
        rows.append(Row(_row_place(place, i, name), (str(i), name, body)))
    return Table(("序號", "名稱", "內容"), tuple(rows)), "list"


def _row_place(parent: Place, number: int, name: str) -> Place:
    return Place(chapter=parent.chapter, section=parent.section, column=parent.column,
                 appendix=parent.appendix, row=number, title=name)


def _numbered_column_table(place: Place, lines: list[_Line]) -> Table:
    """專欄5/6: 序號 / 名稱 / 功能定位 / 重點產業及發展目標, the last split in two by its prefixes."""
    texts = [ln.text for ln in lines]
    header_end = texts.index("1") if "1" in texts else None
    if header_end is None or texts[:header_end] != ["序號", "名稱", "功能定位", "重點產業及發展目標"]:
        raise PlanFormatError(f"專欄{place.column}: unexpected table layout", lines[0].number)
    rows: list[Row] = []
    cells: list[str] = []
    for ln in lines[header_end:]:
        if ln.text.isdigit() and int(ln.text) == len(rows) + 1 + (1 if cells else 0):
            if cells:
                rows.append(_platform_row(place, cells, ln.number))
            cells = [ln.text]
        else:
            cells.append(ln.text)
    rows.append(_platform_row(place, cells, lines[-1].number))
    return Table(("序號", "名稱", "功能定位", "重點產業", "發展目標"), tuple(rows))


def _platform_row(place: Place, cells: list[str], line: int) -> Row:
    if len(cells) < 2:
        raise PlanFormatError(f"專欄{place.column} row {cells[0] if cells else '?'} has no name", line)
    number, name, *rest = cells
    fields = {"功能定位": [], "重點產業": [], "發展目標": []}
    key = "功能定位"
    for cell in rest:
        if m := _PREFIXED.match(cell):
            key = m.group(1)
            fields[key].append(m.group(2))
        else:
            fields[key].append(cell)
    if not fields["重點產業"] or not fields["發展目標"]:
        raise PlanFormatError(f"專欄{place.column} row {number}: 重點產業/發展目標 missing", line)
    values = tuple("".join(fields[k]) for k in ("功能定位", "重點產業", "發展目標"))
    return Row(_row_place(place, int(number), name), (number, name, *values))


def _block_column_table(place: Place, lines: list[_Line]) -> Table:
    """專欄8: a block per town: name, 總體定位 sentence, 重點產業:…, 發展方向:…."""
    blocks: list[list[str]] = []
    for ln in lines:
        starts_block = (not _PREFIXED.match(ln.text) and len(ln.text) <= 8
                        and not ln.text.endswith("。"))
        if starts_block or not blocks:
            blocks.append([ln.text])
        else:
            blocks[-1].append(ln.text)
    rows = []
    for i, (name, *rest) in enumerate(blocks, start=1):
        fields = {"總體定位": [], "重點產業": [], "發展方向": []}
        key = "總體定位"
        for cell in rest:
            if m := _PREFIXED.match(cell):
                key = m.group(1)
                fields[key].append(m.group(2))
            else:
                fields[key].append(cell)
        rows.append(Row(_row_place(place, i, name),
                        (name, *("".join(fields[k]) for k in ("總體定位", "重點產業", "發展方向")))))
    return Table(("名稱", "總體定位", "重點產業", "發展方向"), tuple(rows))


# ---------------------------------------------------------------------------------------------
# Appendix tables

_ATTRIBUTE = ("預期性", "約束性")
NO_FIGURE_CELLS = frozenset({"暫無核定數", "/", "—", ""})  # an indicator cell that gives no figure
_VALUE = re.compile(
    r"^([\[(]?[≥≤]?-?[\d.]+(左右)?[\])]?\*?(\([^)]*\))?|暫無核定數|/|—|完成市下達(目標)?|目標|"
    r"與經濟增長基本同步|≤\d+/10萬)$"
)
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])")  # 削減 量 → 削減量
_ROW_NUMBER = re.compile(r"^\d{1,2}$")
_SUB_ITEM = re.compile(r"^[((][一二三四五六七八九十]+[))]")
_INDICATOR_HEADERS = {
    1: ("類別", "序號", "指標名稱", "單位", "2015年完成值", "2020年預計完成值",
        "2016—2020年均增速(%)", "指標屬性"),
    2: ("類別", "序號", "指標", "2020年完成(預計)", "2025年規劃目標", "屬性"),
}
_PROJECT_HEADER = ("項目類別", "總投資", "到2020年底累計完成投資", "“十四五”計劃投資額")


def _parse_appendices(lines: list[_Line], toc_titles: dict[int, str]) -> tuple[Appendix, ...]:
    starts = [i for i, ln in enumerate(lines) if _APPENDIX.match(ln.text)]
    appendices = []
    for k, start in enumerate(starts):
        number = int(_APPENDIX.match(lines[start].text).group(1))
        if number != k + 1:
            raise PlanFormatError(f"附件{number} where 附件{k + 1} was expected",
                                  lines[start].number)
        chunk = lines[start + 1 : starts[k + 1] if k + 1 < len(starts) else len(lines)]
        if number in _INDICATOR_HEADERS:
            title, table = _indicator_table(number, chunk)
        else:
            title, table = _project_table(number, chunk)
        place = Place(appendix=number, title=toc_titles.get(number, title))
        table = Table(table.header, tuple(_reseat(r, place) for r in table.rows), table.notes)
        appendices.append(Appendix(place, table))
    return tuple(appendices)


def _reseat(row: Row, parent: Place) -> Row:
    """Give a row (and its sub-rows) the appendix number of its parent."""
    def move(r: Row) -> Row:
        return Row(_row_place(parent, r.place.row, r.place.title), r.cells,
                   tuple(move(s) for s in r.subrows))
    return move(row)


def _split_header(number: int, lines: list[_Line], header: tuple[str, ...],
                  last_cell: str) -> tuple[str, int]:
    """Title lines, then header cells ending with `last_cell`; checks them against `header`."""
    texts = [ln.text for ln in lines]
    texts = [t.replace(":", ":") for t in texts]
    first_header = next((i for i, t in enumerate(texts) if t in ("指標", "類別", "單位:萬元")),
                        None)
    end = next((i for i, t in enumerate(texts) if t == last_cell), None)
    if first_header is None or end is None:
        raise PlanFormatError(f"附件{number}: table header not found",
                              lines[0].number if lines else None)
    title = "".join(texts[:first_header])
    found = "".join(t for t in texts[first_header : end + 1] if t != "單位:萬元")
    if found.replace("“", "").replace("”", "") != "".join(header).replace("“", "").replace("”", ""):
        raise PlanFormatError(f"附件{number}: unexpected table header {found!r}",
                              lines[first_header].number)
    return title, end + 1


def _indicator_table(number: int, lines: list[_Line]) -> tuple[str, Table]:
    """附件1/2: rows end with the attribute cell (預期性/約束性); units and values vary per row."""
    header = _INDICATOR_HEADERS[number]
    visible = header if number == 2 else header[2:]
    title, start = _split_header(number, lines, visible, "屬性")
    body = [_CJK_GAP.sub("", ln.text) for ln in lines[start:]]
    notes_at = next((i for i, t in enumerate(body) if t.startswith("注")), len(body))
    notes = tuple(body[notes_at:])
    rows: list[Row] = []
    category, pending, parent = "", [], None
    for cell in _join_split_values(body[:notes_at]):
        pending.append(cell)
        if cell not in _ATTRIBUTE:
            continue
        *texts, attribute = pending
        pending = []
        # Leading cells before the row number are the category (it may wrap over two lines).
        k = _row_number_at(texts)
        if k is not None:
            if k:
                category = "".join(texts[:k])
            row_number = int(texts[k])
            if row_number != len(rows) + 1:
                raise PlanFormatError(f"附件{number}: row {row_number} follows row {len(rows)}")
            texts = texts[k + 1 :]
        names = []
        while texts and not _VALUE.match(texts[0]) and not _is_unit(texts[0], number):
            names.append(texts.pop(0))
        values = texts
        if k is None:  # a sub-row of the previous numbered row
            if parent is None:
                raise PlanFormatError(f"附件{number}: a sub-row before any row")
            sub = _indicator_row(number, parent.place.row, category, "".join(names), values,
                                 attribute, parent.place.title)
            parent = Row(parent.place, parent.cells, (*parent.subrows, sub))
            rows[-1] = parent
            continue
        if len(names) > 1:  # a row with sub-rows: parent name, then the first sub-row's name
            parent_name = "".join(names[:-1])
            parent = Row(Place(row=row_number, title=parent_name),
                         _indicator_cells(number, category, row_number, parent_name, [], ""))
            sub = _indicator_row(number, row_number, category, names[-1], values, attribute,
                                 parent_name)
            parent = Row(parent.place, parent.cells, (sub,))
        else:
            parent = _indicator_row(number, row_number, category, "".join(names), values,
                                    attribute, None)
        rows.append(parent)
    return title, Table(header, tuple(rows), notes)


def _row_number_at(texts: list[str]) -> int | None:
    """Index of the row number: a small integer after only category words, before a name."""
    for i, t in enumerate(texts):
        if _VALUE.match(t) and not _ROW_NUMBER.match(t):
            return None
        if _ROW_NUMBER.match(t):
            following = texts[i + 1] if i + 1 < len(texts) else ""
            return i if following and not _VALUE.match(following) else None
    return None


def _join_split_values(cells: list[str]) -> list[str]:
    """'完成市下達' + '目標' was one cell split over two lines."""
    out: list[str] = []
    for cell in cells:
        if cell == "目標" and out and out[-1] == "完成市下達":
            out[-1] += cell
        else:
            out.append(cell)
    return out


_UNIT = re.compile(
    r"^(%|‰|[萬億]?(美元|元|人|座|個|件|噸|戶|家|張|輛)|Mbps|[微毫]?克/立方米|1/10萬|"
    r"[萬]?(平方)?(千)?米|[萬]?畝|小時|歲|天|年)$"
)


def _is_unit(cell: str, appendix: int) -> bool:
    """附件1 has a unit column (億元, %, Mbps, 1/10萬…); 附件2 puts units inside the name."""
    return appendix == 1 and bool(_UNIT.match(cell))


def _indicator_row(number: int, row_number: int, category: str, name: str, values: list[str],
                   attribute: str, parent_name: str | None) -> Row:
    title = f"{parent_name}—{name}" if parent_name else name
    return Row(Place(row=row_number, title=title),
               _indicator_cells(number, category, row_number, name, values, attribute))


def _indicator_cells(number: int, category: str, row_number: int, name: str,
                     values: list[str], attribute: str) -> tuple[str, ...]:
    if number == 1:
        unit = values.pop(0) if values and _is_unit(values[0], 1) else ""
        v2015, v2020, growth = (values + ["", "", ""])[:3]
        return (category, str(row_number), name, unit, v2015, v2020, growth, attribute)
    if len(values) == 1 and attribute:  # a new indicator: only the 2025 target is given
        values = ["", values[0]]
    v2020, v2025 = (values + ["", ""])[:2]
    return (category, str(row_number), name, v2020, v2025, attribute)


def _project_table(number: int, lines: list[_Line]) -> tuple[str, Table]:
    """附件3: a total, five 工程 with (一)(二)… sub-rows, three amounts each (萬元)."""
    title, start = _split_header(number, lines, ("序號", *_PROJECT_HEADER), "投資額")
    texts = [ln.text for ln in lines[start:]]
    groups: list[list[str]] = []
    for t in texts:
        if not _VALUE.match(t):
            groups.append([t])
        elif groups:
            groups[-1].append(t)
    while groups and len(groups[-1]) == 1:  # text after the last row: page footer, not the table
        groups.pop()
    rows: list[Row] = []
    for name, *amounts in groups:
        if len(amounts) != 3:
            raise PlanFormatError(f"附件{number}: {name} has {len(amounts)} amounts, not 3")
        if _SUB_ITEM.match(name) and rows:
            parent = rows[-1]
            sub = Row(Place(row=parent.place.row, title=f"{parent.place.title}—{name}"),
                      (name, *amounts))
            rows[-1] = Row(parent.place, parent.cells, (*parent.subrows, sub))
        else:
            rows.append(Row(Place(row=len(rows) + 1, title=name), (name, *amounts)))
    header = (_PROJECT_HEADER[0], *(f"{name}(萬元)" for name in _PROJECT_HEADER[1:]))
    return title + "(單位:萬元)", Table(header, tuple(rows), ("單位:萬元",))


# ---------------------------------------------------------------------------------------------
# Rendering: the JSON tree of `outline --json` and the text tree of `outline`


def _node(place: Place, kind: str, script: str, **extra: object) -> dict[str, object]:
    return {"kind": kind, **place.to_dict(script), **extra}


def _row_dict(row: Row, script: str) -> dict[str, object]:
    return _node(row.place, "row", script, cells=list(row.cells),
                 subrows=[_row_dict(s, script) for s in row.subrows])


def _table_dict(table: Table, script: str) -> dict[str, object]:
    return {"header": list(table.header), "rows": [_row_dict(r, script) for r in table.rows],
            "notes": list(table.notes)}


def outline_to_dict(outline: Outline, script: str = "traditional") -> dict[str, object]:
    """The whole tree; every node carries chapter/section/subsection/column/appendix/row,
    title and label."""
    chapters = []
    for c in outline.chapters:
        sections = []
        for s in c.sections:
            sections.append(_node(
                s.place, "section", script, intro=list(s.intro),
                subsections=[_node(sub.place, "subsection", script,
                                   paragraphs=list(sub.paragraphs),
                                   numeral_in_source=sub.explicit_numeral)
                             for sub in s.subsections],
                columns=[_node(col.place, "column", script, layout=col.layout,
                               table=_table_dict(col.table, script)) for col in s.columns],
            ))
        chapters.append(_node(c.place, "chapter", script, intro=list(c.intro), sections=sections))
    parts = {"parts": [_node(p.place, "part", script, intro=list(p.intro), chapters=list(p.chapters))
                       for p in outline.parts]} if outline.parts else {}
    return {
        "title": outline.title,
        "parser_version": PARSER_VERSION,
        **({"plan": outline.plan} if outline.plan else {}),
        "preamble": _node(Place(plan=outline.plan), "preamble", script,
                          paragraphs=list(outline.preamble)),
        **parts,
        "chapters": chapters,
        "appendices": [_node(a.place, "appendix", script, table=_table_dict(a.table, script))
                       for a in outline.appendices],
    }


def outline_tree(outline: Outline, script: str = "traditional") -> Iterator[str]:
    """Indented text lines: chapters, sections, subsections, columns and appendices with counts."""
    yield f"{Place().label(script)} ({len(outline.preamble)} paragraph(s))"
    part_of = {n: p for p in outline.parts for n in p.chapters}
    for c in outline.chapters:
        if (part := part_of.get(c.number)) is not None and part.chapters[0] == c.number:
            yield f"{part.place.label(script)}  [{len(part.chapters)} chapters]"
        yield f"{c.place.label(script)}  [{len(c.sections)} sections]"
        for s in c.sections:
            yield f"  {s.place.label(script)}"
            for sub in s.subsections:
                yield f"    {sub.place.label(script)}"
            for col in s.columns:
                yield f"    {col.place.label(script)}  [{len(col.table.rows)} rows, {col.layout}]"
    for a in outline.appendices:
        sub = sum(len(r.subrows) for r in a.table.rows)
        yield f"{a.place.label(script)}  [{len(a.table.rows)} rows, {sub} sub-rows]"
