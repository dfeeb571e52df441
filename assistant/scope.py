"""What a plan covers, read from its own outline: the district, the period, the years it reports.

Messages ("the plan covers Panyu District only", "written for 2021–2025 with a 2035 vision", "it
has 14 chapters…") and the refusal rules use these, so nothing Panyu-specific is a literal in code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import normalize
from .outline import Outline

__all__ = ["PERIOD_NAME", "YEAR", "YEAR_SPAN", "PlanScope"]

_DISTRICT = re.compile(r"([^市省\s]{1,6}?[區区縣县市])(?:國民|国民)")
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*[—–\-－~至到]\s*((?:19|20)\d{2})年")
# A five-year period by its name: 十四五 (the N of 第N個五年規劃).
PERIOD_NAME = re.compile(r"十([一二三四五六七八九])五")
_VISION = re.compile(r"((?:19|20)\d{2})年(?:遠景|远景)")
# A year, and a span of years (2021—2025, 2021-2025, 2016 to 2020), wherever they are read.
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
YEAR_SPAN = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:[—–\-－~至到]+|to)\s*((?:19|20)\d{2})(?!\d)")


@dataclass(frozen=True)
class PlanScope:
    title: str
    district: str  # 番禺區
    start: int  # first year of the plan period
    end: int  # last year of the plan period
    vision: int | None  # the long-range target year (2035)
    reported_years: frozenset[int]  # years the plan's tables and targets report
    chapters: int
    sections: int
    columns: int
    appendices: int

    @classmethod
    def of(cls, outline: Outline) -> PlanScope:
        title = outline.title
        district = m.group(1) if (m := _DISTRICT.search(title)) else ""
        text = "".join(outline.preamble)
        start, end = (int(m.group(1)), int(m.group(2))) if (m := _PERIOD.search(text)) else (0, 0)
        vision = int(m.group(1)) if (m := _VISION.search(title)) else None
        years = {int(y) for a in outline.appendices for h in a.table.header for y in YEAR.findall(h)}
        years |= {y for y in (start - 1, end, vision) if y}
        return cls(title, district, start, end, vision, frozenset(years), len(outline.chapters),
                   len(outline.sections), len(outline.columns), len(outline.appendices))

    @property
    def district_short(self) -> str:
        """番禺 (without 區): what residents type."""
        return self.district[:-1] if len(self.district) > 2 else self.district

    @property
    def district_names(self) -> frozenset[str]:
        """番禺区, 番禺 and 全区/我区 (the whole district, ours), normalised: they name no topic."""
        return frozenset(normalize(n) for n in (self.district, self.district_short) if n) | {"全区", "我区"}

    def period_years(self, text: str) -> set[str]:
        """The years of the plan's own periods that a text names: 十四五 its own, 十三五 the five
        years before (a section titled “十三五”時期發展成就 reports 2016–2020)."""
        names = self.period_names
        years: set[str] = set()
        for m in PERIOD_NAME.finditer(normalize(text)):
            if self.start and m.group(0) in names:
                first = self.start - 5 * names.index(m.group(0))
                years |= {str(y) for y in range(first, first + 5)}
        return years

    @property
    def period_names(self) -> tuple[str, ...]:
        """十四五 and 十三五: the plan's own five-year period and the one before it, whose results
        it reports (none when its title names no such period)."""
        m = PERIOD_NAME.search(normalize(self.title).replace("个", ""))
        if m is None:
            return ()
        digits = "一二三四五六七八九"
        i = digits.index(m.group(1))
        return tuple(f"十{d}五" for d in (digits[i], *digits[i - 1:i]))
