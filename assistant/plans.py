"""The plan library: which plans ship with the project, and reading any of them by its layout.

Panyu's plan (the default, `panyu`) is the seed text of the project; the national 14th Five-Year
Plan outline (`national`) is Markdown with parts (篇). A plan is named by its id or given as a
path; its layout is recognised from the text, so another copy of either layout also reads.
Places of the default plan carry no plan id, so its outline, answers and citations are as before.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .markdown_outline import looks_like_markdown_plan, parse_markdown_outline
from .outline import Outline, PlanFormatError, load_outline
from .settings import Settings

__all__ = ["DEFAULT_PLAN", "PLANS", "PLAN_NAMES", "for_plan", "load_plan", "resolve_plan"]

DEFAULT_PLAN = "panyu"
PLANS = {  # id → file in corpus/
    "panyu": "panyu-14th-five-year-plan.txt",
    "national": "national-14th-five-year-plan.md",
}
PLAN_NAMES = {"panyu": "番禺綱要", "national": "國家綱要"}  # short names in citations (Traditional)


def resolve_plan(name: str, corpus: Path) -> tuple[Path, str]:
    """(file, plan id) for a plan id of the library or a path; the default plan's id is ''."""
    if name in PLANS:
        return corpus / PLANS[name], "" if name == DEFAULT_PLAN else name
    return Path(name), ""


def load_plan(path: str | Path, plan: str = "") -> Outline:
    """The outline of a plan file in either layout; PlanFormatError for anything else."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise PlanFormatError(f"cannot read the plan file {path}: {err.strerror}") from err
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return load_outline(path)  # the seed layout's own decoding and messages
    if looks_like_markdown_plan(text):
        return parse_markdown_outline(text, plan or path.stem)
    return load_outline(path)


def for_plan(settings: Settings, name: str) -> Settings:
    """The settings for one plan of the library: its file and its own index folder. The resident
    questions, the English glossary and the translations were written for the default plan only."""
    if name == DEFAULT_PLAN:
        return settings
    path, plan = resolve_plan(name, settings.plan_path.parent)
    return replace(settings, plan_path=path, plan=plan, expansions_path=None, glossary_path=None,
                   translations_path=None)
