"""`Assistant`: the one library object the CLI and the UI talk to.

`Assistant.open()` loads the outline, the embedding model and the index once per process (building
or rebuilding the index when it is missing, stale or corrupt) and builds the searcher and the
answerer once; `ask`, `locate` and `search` then delegate to them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .answer import Answer
from .answering import ExtractiveAnswerer
from .followups import Turn
from .glossary import load_glossary
from .index import IndexUnusableError, PlanIndex
from .outline import Outline, Place
from .plans import load_plan
from .retrieval import Hit, Located, Searcher
from .settings import Settings
from .translations import load_translations

if TYPE_CHECKING:
    from .embedding import Embedder

__all__ = ["Assistant"]

log = logging.getLogger(__name__)


def _one_thread_for_queries() -> None:
    """Serve with one torch thread: a query is one short text, and with 2 threads on 2 busy cores
    (the app answers 2 requests at once) one query embedding went from ~20 ms to ~1 s."""
    import torch

    torch.set_num_threads(1)


def _warm_up(searcher: Searcher) -> None:
    """The English bridges (~3 s, the first English question) and jieba's part-of-speech tagger
    (~1 s, the first follow-up), read once when a plan opens."""
    searcher.prepare_english()
    _ = searcher.index.tokenizer.tagger


@dataclass
class Assistant:
    settings: Settings
    outline: Outline
    index: PlanIndex
    searcher: Searcher
    answerer: ExtractiveAnswerer
    rebuilt_because: str | None = None
    llm: object | None = None  # an LLMRewriter when Settings.llm is set (llm.py)

    @classmethod
    def open(cls, settings: Settings | None = None, model: str | None = None,
             rebuild: bool = True, progress: bool = True,
             embedder: Embedder | None = None) -> Assistant:
        """Load everything; with `rebuild`, (re)build a missing, stale or corrupt index first.

        `embedder`: an already loaded model to share (the plans of a library use one), instead
        of loading `model`.

        Raises PlanFormatError (bad plan), ModelLoadError (model unavailable), GlossaryError or
        TranslationsError (a malformed glossary or translations file) or IndexUnusableError
        (index unusable and `rebuild` is off).
        """
        from .embedding import Embedder
        from .llm import LLMRewriter

        settings = settings or Settings.from_env()
        outline = load_plan(settings.plan_path, settings.plan)
        embedder = embedder or Embedder.load(model or settings.embedding_model,
                                             models_dir=settings.models_dir, progress=progress)
        reason = None
        try:
            index = PlanIndex.load(settings.plan_index_dir, settings.plan_path, embedder.model_id,
                                   expansions=settings.expansions_path)
        except IndexUnusableError as err:
            if not rebuild:
                raise
            reason = str(err).split(":")[0]
            log.warning("rebuilding the index: %s", err)
            index = PlanIndex.build(settings.plan_path, embedder, settings.plan_index_dir,
                                    progress=progress, outline=outline,
                                    expansions=settings.expansions_path,
                                    cache_dir=settings.cache_dir)
        _one_thread_for_queries()
        glossary = load_glossary(settings.glossary_path)
        translations = load_translations(settings.translations_path, index.passages)
        for line in translations.ignored:
            log.warning(line)
        searcher = Searcher(index, embedder, glossary, translations)
        # read in the background what the first questions would otherwise wait for
        threading.Thread(target=_warm_up, args=(searcher,), name="warm-up", daemon=True).start()
        return cls(settings, outline, index, searcher,
                   ExtractiveAnswerer(outline, searcher, glossary),
                   reason, llm=LLMRewriter.from_settings(settings.llm))

    @classmethod
    def build(cls, settings: Settings | None = None, model: str | None = None,
              progress: bool = True) -> PlanIndex:
        from .embedding import Embedder

        settings = settings or Settings.from_env()
        embedder = Embedder.load(model or settings.embedding_model, models_dir=settings.models_dir,
                                 progress=progress)
        return PlanIndex.build(settings.plan_path, embedder, settings.plan_index_dir,
                               progress=progress, expansions=settings.expansions_path,
                               cache_dir=settings.cache_dir,
                               outline=load_plan(settings.plan_path, settings.plan))

    @property
    def embedder(self):
        return self.searcher.embedder

    def search(self, query: str, k: int = 10, mode: str = "hybrid") -> list[Hit]:
        return self.searcher.search(query, k=k, mode=mode)

    def locate(self, query: str, k: int = 5, mode: str = "hybrid") -> list[Located]:
        return self.searcher.locate(query, k=k, mode=mode)

    def titled(self, place: Place) -> Place:
        return self.outline.titled(place)

    def title_of(self, place: Place) -> str:
        """The heading text of a place: a section's, a 專欄's or an appendix's title."""
        return self.outline.titled(place).title

    def ask(self, question: str, history: Sequence[str | Turn] = (),
            script: str | None = None) -> Answer:
        """Answer from the plan only, every claim cited; refuses when the plan is silent.

        `history`: the user's earlier questions (or Turns), oldest first, for follow-ups.
        `script`: None follows the question; "simplified"/"traditional" force the answer's script.
        Raises QuestionError for empty, over-long or wordless input.
        """
        answer = self.answerer.answer(question, history=history, script=script)
        if self.llm is not None and not answer.refused:
            answer = self.llm.rewrite(answer)
        return answer

    def retriever(self, k: int = 5):
        """A langchain `BaseRetriever` over this assistant's hybrid search."""
        from .retrieval import HybridRetriever

        return HybridRetriever(searcher=self.searcher, k=k)
