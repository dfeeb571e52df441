"""Where the plan, the index and the models live; overridable by environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["REPO_ROOT", "Settings"]

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    plan_path: Path
    index_dir: Path

    @property
    def models_dir(self) -> Path:
        return self.index_dir / "models"

    @property
    def plan_index_dir(self) -> Path:
        return self.index_dir / "plan"

    @classmethod
    def from_env(cls) -> Settings:
        """ASSISTANT_PLAN and ASSISTANT_INDEX_DIR override the repo's corpus/ and index/."""
        default_plan = REPO_ROOT / "corpus" / "panyu-14th-five-year-plan.txt"
        plan = os.environ.get("ASSISTANT_PLAN") or default_plan
        index = os.environ.get("ASSISTANT_INDEX_DIR") or REPO_ROOT / "index"
        return cls(Path(plan), Path(index))
