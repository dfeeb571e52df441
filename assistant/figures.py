"""Figures the plan states twice: in an indicator row of an appendix table and in a sentence of
its text (空氣質量優良天數比例 ≥88 in 附件2; 空氣質量優良天數占比不低于88% in 第二章第三節).

An answer quoting one of the two quotes the other as well: the reader gets the figure in the
plan's words and in its table, with both places cited. A pair is one value of the row (not its
name, unit or number) standing as a whole number in the sentence, and the sentence holding a good
share of the row name's terms (weighted by rarity) in the clause that ends with the number — the
same number alone is no evidence, nor is one that a clause gives for something else
(智慧燈桿數量達到0.7萬根 beside 5G基站 in one sentence).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .normalize import normalize
from .outline import NO_FIGURE_CELLS
from .passages import NAMING_COLUMNS, Passage
from .retrieval import term_coverage
from .scope import YEAR
from .tuning import TWIN_NAME_COVERAGE, UNREPORTED_NAME_COVERAGE

__all__ = ["Twin", "figure_twins", "unreported_twins"]

# A number standing whole (88, 3.4, 2278.28; not the 2.5 of PM2.5's name, nor part of 1826).
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])")
_CLAUSE_START = re.compile(r".*[,，;；:：。!?！？]")
_UNIT = re.compile(r"\([^()]*\)$")  # 5G基站數量(萬座): the unit is no part of the name
_NOT_VALUES = NAMING_COLUMNS | {"單位", "類別"}


@dataclass(frozen=True)
class Twin:
    """An indicator row and a sentence that state the same figure."""

    row: int  # passage id of the row
    passage: int  # passage id of the sentence
    position: int  # the sentence's position among its passage's sentences
    column: str  # the row's column whose value the sentence states


def _clauses(sentence: str) -> list[tuple[str, str, str]]:
    """Each number of a sentence with the clause leading up to it and all the text before it
    (normalised)."""
    text = normalize(sentence)
    out = []
    for m in _NUMBER.finditer(text):
        if not YEAR.fullmatch(m.group(1)):
            before = text[:m.start()]
            start = _CLAUSE_START.match(before)
            out.append((m.group(1), before[start.end() if start else 0:], before))
    return out


def _numbers(text: str) -> set[str]:
    return {number for number, _, _ in _clauses(text)}


def figure_twins(rows: Iterable[tuple[Passage, Sequence[tuple[str, str]]]],
                 sentences: Iterable[tuple[Passage, int, str]],
                 tokenize: Callable[[str], list[str]],
                 term_weights: Callable[[list[str]], dict[str, float]]) -> list[Twin]:
    """Every (row, sentence) pair stating one figure. `rows`: indicator rows with their
    (column, value) cells; `sentences`: prose sentences and list items with their positions."""
    rows = list(rows)
    values = {n for _, cells in rows for column, value in cells if column not in _NOT_VALUES
              for n in _numbers(value)}
    by_number: dict[str, list[tuple[Passage, int, frozenset[str]]]] = {}
    for passage, position, sentence in sentences:
        for number, clause, _ in _clauses(sentence):
            if number in values:  # only clauses that may state a row's figure are cut into words
                by_number.setdefault(number, []).append((passage, position, frozenset(tokenize(clause))))
    twins = []
    for row, cells in rows:
        name = [t for t in tokenize(normalize(_UNIT.sub("", row.place.title))) if len(t) > 1]
        weights = term_weights(name)
        for column, value in cells:
            if column in _NOT_VALUES:
                continue
            for number in _numbers(value):
                for passage, position, tokens in by_number.get(number, ()):
                    if term_coverage(weights, tokens) >= TWIN_NAME_COVERAGE:
                        twins.append(Twin(row.id, passage.id, position, column))
    return list(dict.fromkeys(twins))


def unreported_twins(rows: Iterable[tuple[Passage, Sequence[tuple[str, str]]]],
                     sentences: Iterable[tuple[Passage, int, str]],
                     tokenize: Callable[[str], list[str]],
                     term_weights: Callable[[list[str]], dict[str, float]],
                     period: Callable[[Passage], set[str]]) -> list[Twin]:
    """Every (row, sentence) pair where the row gives no figure for a year (暫無核定數 for 2020)
    and the sentence states the indicator for that year: 研究與試驗發展經費(R&D)支出占GDP比重
    2020 in 附件1 and 全區研究與試驗發展經費(R&D)支出占GDP比重達到2.64% under “十三五”時期發展成就.
    With no equal value as evidence, the clause holds the row name's terms whole
    (UNREPORTED_NAME_COVERAGE: 人均地區生產總值 is not 地區生產總值), and the years the sentence
    names before the number (else its section's `period`) include the column's year."""
    blanks = []
    for row, cells in rows:
        columns = [(column, set(YEAR.findall(column))) for column, value in cells
                   if column not in _NOT_VALUES and value.strip() in NO_FIGURE_CELLS]
        columns = [(column, years) for column, years in columns if len(years) == 1]  # not 2016—2020
        if columns:
            name = [t for t in tokenize(normalize(_UNIT.sub("", row.place.title))) if len(t) > 1]
            blanks.append((row, columns, term_weights(name)))
    if not blanks:
        return []
    asked = set().union(*(years for _, columns, _ in blanks for _, years in columns))
    twins = []
    for passage, position, sentence in sentences:
        own_period = None
        for _, clause, before in _clauses(sentence):
            dated = set(YEAR.findall(before))  # 到2025年,研發經費投入比重達3.4%: 2025
            if not dated:
                own_period = period(passage) if own_period is None else own_period
                dated = own_period
            if not dated & asked:
                continue
            tokens = frozenset(tokenize(clause))
            for row, columns, weights in blanks:
                stated = [column for column, years in columns if years & dated]
                if stated and term_coverage(weights, tokens) >= UNREPORTED_NAME_COVERAGE:
                    twins += [Twin(row.id, passage.id, position, column) for column in stated]
    return list(dict.fromkeys(twins))
