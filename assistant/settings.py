"""All configuration in one place: every environment variable the assistant reads is read here.

`Settings.from_env()` is called once by the CLI and the app; everything else receives a Settings
(or the values it needs) instead of reading the environment itself. Tuning weights and thresholds
are not settings: they live, named, in `tuning.py`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["REPO_ROOT", "LLMSettings", "Settings"]

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
DEFAULT_LLM_TIMEOUT = 20.0


@dataclass(frozen=True)
class LLMSettings:
    """The optional OpenAI-compatible endpoint; `None` in Settings unless base URL and model are set."""

    base_url: str
    model: str
    api_key: str = "none"  # local servers ignore it
    timeout: float = DEFAULT_LLM_TIMEOUT


@dataclass(frozen=True)
class Settings:
    plan_path: Path
    index_dir: Path
    embedding_model: str | None = None  # None: the bundled multilingual-e5-small
    expansions_path: Path | None = None  # resident-question expansions (corpus/expansions.jsonl)
    glossary_path: Path | None = None  # English titles of the headings (corpus/glossary_en.jsonl)
    translations_path: Path | None = None  # the plan's sentences in English (corpus/translations_en.jsonl)
    llm: LLMSettings | None = None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    plan: str = ""  # the plan's id in the library ("" for the default plan, Panyu's)

    @property
    def models_dir(self) -> Path:
        return self.index_dir / "models"

    @property
    def plan_index_dir(self) -> Path:
        return self.index_dir / ("plan" if not self.plan else f"plan-{self.plan}")

    @property
    def cache_dir(self) -> Path:
        """Vectors by text, one folder per plan: a build keeps only what it used, so plans
        sharing one would evict each other's."""
        return self.index_dir / ("cache" if not self.plan else f"cache-{self.plan}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """ASSISTANT_PLAN, ASSISTANT_INDEX_DIR, ASSISTANT_EXPANSIONS, ASSISTANT_GLOSSARY,
        ASSISTANT_TRANSLATIONS, ASSISTANT_EMBEDDING_MODEL,
        ASSISTANT_LLM_{BASE_URL,MODEL,API_KEY,TIMEOUT}, ASSISTANT_HOST and ASSISTANT_PORT."""
        env = os.environ if env is None else env

        def get(name: str) -> str:
            return (env.get(name) or "").strip()

        corpus = REPO_ROOT / "corpus"
        return cls(
            plan_path=Path(get("ASSISTANT_PLAN") or corpus / "panyu-14th-five-year-plan.txt"),
            index_dir=Path(get("ASSISTANT_INDEX_DIR") or REPO_ROOT / "index"),
            embedding_model=get("ASSISTANT_EMBEDDING_MODEL") or None,
            expansions_path=Path(get("ASSISTANT_EXPANSIONS") or corpus / "expansions.jsonl"),
            glossary_path=Path(get("ASSISTANT_GLOSSARY") or corpus / "glossary_en.jsonl"),
            translations_path=Path(get("ASSISTANT_TRANSLATIONS") or corpus / "translations_en.jsonl"),
            llm=_llm(get("ASSISTANT_LLM_BASE_URL"), get("ASSISTANT_LLM_MODEL"),
                     get("ASSISTANT_LLM_API_KEY"), get("ASSISTANT_LLM_TIMEOUT")),
            host=get("ASSISTANT_HOST") or DEFAULT_HOST,
            port=_port(get("ASSISTANT_PORT")),
        )


def _llm(base_url: str, model: str, api_key: str, timeout: str) -> LLMSettings | None:
    if not base_url or not model:
        return None
    return LLMSettings(base_url, model, api_key or "none", parse_timeout(timeout))


def parse_timeout(value: str) -> float:
    """Seconds; an unusable value falls back to the default with a warning, never a crash."""
    try:
        seconds = float(value) if value.strip() else DEFAULT_LLM_TIMEOUT
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < 3600:
        log.warning("ASSISTANT_LLM_TIMEOUT=%r is not a number of seconds; using %s", value,
                    DEFAULT_LLM_TIMEOUT)
        return DEFAULT_LLM_TIMEOUT
    return seconds


def _port(value: str) -> int:
    try:
        port = int(value) if value else DEFAULT_PORT
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        log.warning("ASSISTANT_PORT=%r is not a port number; using %s", value, DEFAULT_PORT)
        return DEFAULT_PORT
    return port
