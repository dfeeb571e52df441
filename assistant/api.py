"""`Assistant`: the one library object the CLI and the UI talk to.

It loads the outline, the embedding model and the index once per process (building or rebuilding
the index when it is missing, stale or corrupt) and answers `search`, `locate` and, later, `ask`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .index import IndexUnusableError, PlanIndex
from .outline import Outline, Place, load_outline
from .retrieval import Hit, Located, Searcher
from .settings import Settings

__all__ = ["Assistant"]

log = logging.getLogger(__name__)


@dataclass
class Assistant:
    settings: Settings
    outline: Outline
    index: PlanIndex
    searcher: Searcher
    rebuilt_because: str | None = None

    @classmethod
    def open(cls, settings: Settings | None = None, model: str | None = None,
             rebuild: bool = True, progress: bool = True) -> Assistant:
        """Load everything; with `rebuild`, (re)build a missing, stale or corrupt index first.

        Raises PlanFormatError (bad plan), ModelLoadError (model unavailable) or
        IndexUnusableError (index unusable and `rebuild` is off).
        """
        from .embedding import Embedder

        settings = settings or Settings.from_env()
        outline = load_outline(settings.plan_path)
        embedder = Embedder.load(model, models_dir=settings.models_dir, progress=progress)
        directory = settings.plan_index_dir
        reason = None
        try:
            index = PlanIndex.load(directory, settings.plan_path, embedder.model_id)
        except IndexUnusableError as err:
            if not rebuild:
                raise
            reason = str(err).split(":")[0]
            log.warning("rebuilding the index: %s", err)
            index = PlanIndex.build(settings.plan_path, embedder, directory, progress=progress,
                                    outline=outline)
        return cls(settings, outline, index, Searcher(index, embedder), reason)

    @classmethod
    def build(cls, settings: Settings | None = None, model: str | None = None,
              progress: bool = True) -> PlanIndex:
        from .embedding import Embedder

        settings = settings or Settings.from_env()
        embedder = Embedder.load(model, models_dir=settings.models_dir, progress=progress)
        return PlanIndex.build(settings.plan_path, embedder, settings.plan_index_dir,
                               progress=progress)

    @property
    def embedder(self):
        return self.searcher.embedder

    def search(self, query: str, k: int = 10, mode: str = "hybrid") -> list[Hit]:
        return self.searcher.search(query, k=k, mode=mode)

    def locate(self, query: str, k: int = 5, mode: str = "hybrid") -> list[Located]:
        return self.searcher.locate(query, k=k, mode=mode)

    def title_of(self, place: Place) -> str:
        """The heading text of a place: a section's, a 專欄's or an appendix's title."""
        if place.is_preamble:
            return self.outline.title
        node = self.outline.find(place)
        return node.title if node is not None else ""

    def retriever(self, k: int = 5):
        """A langchain `BaseRetriever` over this assistant's hybrid search."""
        from .retrieval import HybridRetriever

        return HybridRetriever(searcher=self.searcher, k=k)

