"""The plans an app serves at once: Panyu's (the default) and the others of the library.

A question goes to the plan the user chose, or — when they leave it to us — to the plan it names
(国家/全国…纲要, "the national plan"), else to the default plan.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from .api import Assistant
from .plans import DEFAULT_PLAN, for_plan
from .settings import Settings

__all__ = ["Library", "plan_named"]

log = logging.getLogger(__name__)

# A question that names the national plan: 国家十四五规划纲要, 全国规划, 國家綱要, the national plan.
_NATIONAL = re.compile(
    r"(国家|全国|國家|全國|中央)(的|层面)?\s*(“?十四五”?)?\s*(规划|纲要|規劃|綱要)"
    r"|\bnational\b.{0,20}\bplan\b|\b(china|china's|chinese) (14th )?five-year plan",
    re.IGNORECASE,
)


def plan_named(question: str) -> str | None:
    """The library plan a question names, if any."""
    return "national" if _NATIONAL.search(question) else None


@dataclass
class Library:
    plans: dict[str, Assistant] = field(default_factory=dict)  # id → assistant, default first

    @property
    def default(self) -> Assistant:
        return self.plans[DEFAULT_PLAN]

    @property
    def others(self) -> dict[str, Assistant]:
        """The plans beside the default one."""
        return {name: a for name, a in self.plans.items() if name != DEFAULT_PLAN}

    def pick(self, question: str, plan: str | None = None) -> Assistant:
        """The chosen plan's assistant, else the plan the question names, else the default."""
        name = plan if plan in self.plans else plan_named(question)
        return self.plans.get(name or DEFAULT_PLAN, self.default)

    @classmethod
    def open(cls, settings: Settings, names: tuple[str, ...] = (DEFAULT_PLAN, "national"),
             model: str | None = None, progress: bool = True) -> Library:
        """Every named plan, its index built when missing; the default plan must open, another
        that cannot is left out with a warning (the app still serves the default)."""
        default = Assistant.open(settings, model=model, progress=progress)
        plans = {DEFAULT_PLAN: default}
        for name in names:
            if name == DEFAULT_PLAN:
                continue
            try:  # one model in memory for every plan
                plans[name] = Assistant.open(for_plan(settings, name), progress=progress,
                                             embedder=default.embedder)
            except Exception as err:  # noqa: BLE001 - an optional plan never stops the app
                log.warning("plan %s left out: %s", name, err)
        return cls(plans)
