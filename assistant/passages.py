"""Citable passages cut from the outline: the unit that is indexed, retrieved and quoted.

Every passage keeps its `Place`, the heading path above it (context for embedding and display) and
the plan's original text. Prose is grouped into ~300-character pieces cut only at sentence ends;
every table row and list item stands alone, written out with its column names so that it reads as
a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .outline import Column, Outline, Place, Row, Table, cn_numeral

__all__ = ["NAMING_COLUMNS", "Passage", "build_passages", "split_sentences"]

MAX_CHARS = 200
_SENTENCE_END = re.compile(r"(?<=[。!?;!?;])")


@dataclass(frozen=True)
class Passage:
    id: int
    place: Place
    kind: str  # "paragraph", "item" (list 專欄), "row" (table row), "notes"
    heading: str  # heading path, e.g. 第三章 … › 第一節 … › 一、…
    text: str  # the plan's own words, shown and quoted as they are

    @property
    def sentences(self) -> list[str]:
        """The units an answer quotes: a table row or list item whole, prose by sentence."""
        return [self.text] if self.kind != "paragraph" else split_sentences(self.text)

    @property
    def context_text(self) -> str:
        """What is embedded and keyword-indexed: headings give a bare paragraph its topic."""
        return f"{self.heading}\n{self.text}"

    def to_document(self):
        """A langchain `Document`, for users plugging the passages into their own chains."""
        from langchain_core.documents import Document

        return Document(
            page_content=self.text,
            metadata={"id": self.id, "kind": self.kind, "heading": self.heading,
                      "label": self.place.label(), **self.place.to_dict()},
            id=str(self.id),
        )


def split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def _group(paragraphs: tuple[str, ...], limit: int = MAX_CHARS) -> Iterator[str]:
    """Short paragraphs merge, long ones split at sentence ends; a sentence is never cut."""
    buffer = ""
    for paragraph in paragraphs:
        for sentence in split_sentences(paragraph):
            if buffer and len(buffer) + len(sentence) > limit:
                yield buffer
                buffer = ""
            buffer += sentence
        if len(buffer) >= limit * 0.6:
            yield buffer
            buffer = ""
    if buffer:
        yield buffer


# Columns whose value the row prefix already says (number and name).
NAMING_COLUMNS = {"序號", "名稱", "指標名稱", "指標", "項目類別"}


def _row_text(prefix: str, header: tuple[str, ...], row: Row) -> str:
    """`附件2 … 第8項 5G基站數量(萬座):2020年完成(預計) 0.7;2025年規劃目標 1.6;屬性 預期性;類別 功能提升`."""
    pairs = [f"{name} {value}" for name, value in zip(header, row.cells, strict=True)
             if value and name not in NAMING_COLUMNS and name != "類別"]
    if "類別" in header and row.cells[header.index("類別")]:
        pairs.append(f"類別 {row.cells[header.index('類別')]}")
    return f"{prefix} 第{row.place.row}項 {row.place.title}:" + ";".join(pairs)


def _table_passages(prefix: str, table: Table) -> Iterator[tuple[Place, str, str]]:
    for row in table.rows:
        has_values = any(v for h, v in zip(table.header, row.cells, strict=True)
                         if h not in NAMING_COLUMNS and h != "類別")
        for each in ((row,) if has_values else ()) + row.subrows:
            yield each.place, "row", _row_text(prefix, table.header, each)


def _column_passages(column: Column) -> Iterator[tuple[Place, str, str]]:
    prefix = f"專欄{column.number} {column.title}"
    if column.layout == "list":
        for row in column.table.rows:
            yield row.place, "item", f"{prefix} 第{row.place.row}項 {row.cells[1]}:{row.cells[2]}"
    else:
        yield from _table_passages(prefix, column.table)


def build_passages(outline: Outline) -> list[Passage]:
    """All passages of the plan, in reading order, numbered from 0."""
    raw: list[tuple[Place, str, str, str]] = []
    for text in _group(outline.preamble):
        raw.append((Place(title=outline.title, plan=outline.plan), "paragraph", outline.title, text))
    part_starts = {p.chapters[0]: p for p in outline.parts if p.chapters}
    for chapter in outline.chapters:
        if (part := part_starts.get(chapter.number)) is not None:  # a 篇's own introduction
            for text in _group(part.intro):
                raw.append((part.place, "paragraph", part.place.label(), text))
        ch_heading = chapter.place.label()
        for text in _group(chapter.intro):
            raw.append((chapter.place, "paragraph", ch_heading, text))
        for section in chapter.sections:
            s_heading = f"{ch_heading} › 第{cn_numeral(section.number)}節 {section.title}"
            for text in _group(section.intro):
                raw.append((section.place, "paragraph", s_heading, text))
            for sub in section.subsections:
                sub_heading = f"{s_heading} › {cn_numeral(sub.number)}、{sub.title}"
                for text in _group(sub.paragraphs):
                    raw.append((sub.place, "paragraph", sub_heading, text))
            for column in section.columns:
                c_heading = f"{s_heading} › 專欄{column.number} {column.title}"
                for place, kind, text in _column_passages(column):
                    raw.append((place, kind, c_heading, text))
    for appendix in outline.appendices:
        heading = appendix.place.label()
        prefix = f"附件{appendix.number} {appendix.title}"
        for place, kind, text in _table_passages(prefix, appendix.table):
            raw.append((place, kind, heading, text))
        if appendix.table.notes:
            raw.append((appendix.place, "notes", heading, "".join(appendix.table.notes)))
    return [Passage(i, place, kind, heading, text) for i, (place, kind, heading, text) in
            enumerate(raw)]
