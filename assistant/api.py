"""`Assistant`: the one library object the CLI and the UI talk to.

It loads the outline, the embedding model and the index once per process (building or rebuilding
the index when it is missing, stale or corrupt) and answers `search`, `locate` and, later, `ask`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from .answer import Answer, QuestionError
from .evaluation import Result
from .index import IndexUnusableError, PlanIndex
from .normalize import normalize
from .outline import Outline, Place, load_outline
from .retrieval import Hit, Located, Searcher
from .settings import Settings

__all__ = ["Assistant"]

log = logging.getLogger(__name__)


def _one_thread_for_queries() -> None:
    """Serve with one torch thread: a query is one short text, and with 2 threads on 2 busy cores
    (the app answers 2 requests at once) one query embedding went from ~20 ms to ~1 s."""
    import torch

    torch.set_num_threads(1)


@dataclass
class Assistant:
    settings: Settings
    outline: Outline
    index: PlanIndex
    searcher: Searcher
    rebuilt_because: str | None = None
    llm: object | None = None  # an LLM rewriter when ASSISTANT_LLM_BASE_URL is set (llm.py)

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
        from .llm import LLMRewriter

        _one_thread_for_queries()
        return cls(settings, outline, index, Searcher(index, embedder), reason,
                   llm=LLMRewriter.from_env())

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

    @cached_property
    def plan_text(self) -> str:
        """All passages, normalised: to tell names the plan never mentions."""
        return normalize("\n".join(p.text for p in self.index.passages)).replace(" ", "")

    def titled(self, place: Place) -> Place:
        return self.outline.titled(place)

    def title_of(self, place: Place) -> str:
        """The heading text of a place: a section's, a 專欄's or an appendix's title."""
        return self.outline.titled(place).title

    def ask(self, question: str, history: Sequence[str] = (), script: str | None = None) -> Answer:
        """Answer from the plan only, every sentence cited; refuses when the plan is silent.

        `history`: the user's earlier questions, oldest first (for follow-ups such as 那2035年呢?).
        `script`: None follows the question; "simplified"/"traditional" force the answer's script.
        Raises QuestionError for empty, over-long or wordless input.
        """
        from .extractive import answer_question

        answer = answer_question(self, question, history=history, script=script)
        if self.llm is not None and not answer.refused:
            answer = self.llm.rewrite(self, answer)
        return answer

    def stream(self, question: str, history: Sequence[str] = (),
               script: str | None = None) -> Iterator[str | Answer]:
        """Text pieces of the (verified) answer as they are ready, then the `Answer` itself."""
        answer = self.ask(question, history=history, script=script)
        for piece in re.split(r"(?<=[。!?;〕\n])", answer.text):
            if piece:
                yield piece
        yield answer

    def answer_result(self, question) -> Result:
        """Run one evaluation question through `ask` (for `eval`)."""
        started = time.perf_counter()
        try:
            answer = self.ask(question.question)
        except QuestionError as err:
            return Result(question, [], answer=str(err), refused=True)
        elapsed = (time.perf_counter() - started) * 1000
        return Result(question, answer.citations, answer=answer.text, refused=answer.refused,
                      latency_ms=elapsed, extra={"mode": answer.mode})

    def retriever(self, k: int = 5):
        """A langchain `BaseRetriever` over this assistant's hybrid search."""
        from .retrieval import HybridRetriever

        return HybridRetriever(searcher=self.searcher, k=k)

