"""Alignment for staff: for a section of one plan, the closest sections of another plan.

Staff who write about Panyu's plan cite the higher plan it implements ("根据国家“十四五”规划纲要
第…章"). A section's own words — its title and its text — are the question, ranked against the
other plan by the same hybrid search a question gets (BM25 + dense + sentence vectors), without
splitting the text into parts as a multi-part question would be.
"""

from __future__ import annotations

from .api import Assistant
from .outline import Appendix, Chapter, Column, Outline, Place, Section, Subsection
from .retrieval import Located, explicit_reference, group_hits

__all__ = ["AlignmentError", "align", "place_text", "reference_place"]

MAX_QUERY_CHARS = 600  # the title and the opening of the text carry the topic; e5 reads 512 tokens
POOL = 60


class AlignmentError(ValueError):
    """The reference names no section of the source plan."""


def reference_place(outline: Outline, reference: str) -> Place:
    """第八章第三节 / 第八章 / 专栏8 / 附件2 → the place in `outline`; AlignmentError otherwise."""
    ref = explicit_reference(reference)
    place = None
    if ref is not None and ref.column is not None:
        place = next((c.place for c in outline.columns if c.number == ref.column), None)
    elif ref is not None:
        place = Place(chapter=ref.chapter, section=ref.section, appendix=ref.appendix,
                      plan=outline.plan)
    if place is None or outline.find(place) is None:
        raise AlignmentError(f"{reference!r} names no chapter, section, 專欄 or appendix of this plan "
                             f"({len(outline.chapters)} chapters, {len(outline.sections)} sections)")
    return outline.titled(outline.find(place).place)


def place_text(outline: Outline, place: Place) -> str:
    """A place's title and its own words, in reading order."""
    node = outline.find(place)
    parts = [node.title] if node is not None else []
    if isinstance(node, Chapter):
        parts += [*node.intro, *(s.title for s in node.sections)]
    elif isinstance(node, Section):
        parts += [*node.intro, *(p for sub in node.subsections for p in (sub.title, *sub.paragraphs))]
        parts += [c.title for c in node.columns]
    elif isinstance(node, Subsection):
        parts += list(node.paragraphs)
    elif isinstance(node, Column | Appendix):
        parts += [r.place.title for r in node.table.rows]
    return "。".join(p.strip("。") for p in parts if p.strip())


def align(source: Outline, place: Place, target: Assistant, k: int = 5) -> list[Located]:
    """The k places of `target`'s plan closest to `place` of the `source` plan."""
    query = place_text(source, place)[:MAX_QUERY_CHARS]
    return group_hits(target.search(query, k=POOL))[:k]
