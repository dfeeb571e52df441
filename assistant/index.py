"""The persisted search index: passages, BM25 (bm25s) and FAISS vectors, under one manifest.

Besides the passages it keeps a vector for every sentence (a passage may score by its best
sentence, and answers choose sentences by it) and the resident-question expansions of every
passage, as questions with their own BM25 index and vectors. A stale index would serve wrong
citations, and a half-written one wrong anything, so loading checks the manifest (plan and
expansions sha256, parser version, model id, formats) and every file's sha256 before use. Nothing
is unpickled: passages are JSON lines, vectors FAISS and .npy files, BM25 numpy arrays and JSON.
Builds go to a temporary folder that is renamed into place only when complete; vectors are cached
by (model, text), so a rebuild after a code change embeds only what changed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .embedding import EmbeddingCache
from .expansions import load_expansions
from .normalize import plain_simplified
from .outline import PARSER_VERSION, Outline, Place, load_outline
from .passages import Passage, build_passages
from .tokens import Tokenizer, domain_terms

if TYPE_CHECKING:
    import faiss

    from .embedding import Embedder

__all__ = ["CorruptIndexError", "IndexUnusableError", "PlanIndex", "StaleIndexError", "file_sha256"]

INDEX_FORMAT = "3"
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"
VECTORS = "vectors.faiss"
SENTENCE_VECTORS = "sentences.npy"
EXPANSIONS = "expansions.jsonl"  # (passage id, question) pairs, in vector order
EXPANSION_VECTORS = "expansions.npy"
BM25_DIR = "bm25"
EXPANSION_BM25_DIR = "expansions_bm25"
TERMS = "terms.json"
_LIBRARIES = ("faiss-cpu", "bm25s", "jieba", "opencc", "sentence-transformers", "torch")


class IndexUnusableError(Exception):
    """The index cannot be used as it is; the message says why and what to do."""


class StaleIndexError(IndexUnusableError):
    """Built from another plan, parser, model or format: rebuild it."""


class CorruptIndexError(IndexUnusableError):
    """Missing, truncated or altered files: rebuild it."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    found = {}
    for name in _LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def _passage_json(p: Passage) -> str:
    place = {k: v for k, v in p.place.to_dict().items() if k != "label"}
    return json.dumps({"id": p.id, "kind": p.kind, "heading": p.heading, "text": p.text,
                       "place": place}, ensure_ascii=False)


def _passage_from_json(line: str) -> Passage:
    d = json.loads(line)
    return Passage(d["id"], Place(**d["place"]), d["kind"], d["heading"], d["text"])


def pipeline_sha256() -> str:
    """Hash of the code that shapes passages and tokens: any change there makes the index stale."""
    digest = hashlib.sha256()
    for module in ("outline.py", "passages.py", "normalize.py", "tokens.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()[:16]


def _expected(plan_path: Path, model_id: str, expansions: Path | None) -> dict[str, str]:
    has_expansions = expansions is not None and Path(expansions).is_file()
    return {"index_format": INDEX_FORMAT, "parser_version": PARSER_VERSION,
            "pipeline": pipeline_sha256(), "plan_sha256": file_sha256(plan_path),
            "expansions_sha256": file_sha256(Path(expansions)) if has_expansions else "none",
            "model_id": model_id}


def sentence_owners(passages: list[Passage]) -> tuple[list[str], np.ndarray]:
    """Every passage's sentences in order, and the passage id each belongs to."""
    texts, owners = [], []
    for p in passages:
        for sentence in p.sentences:
            texts.append(sentence)
            owners.append(p.id)
    return texts, np.asarray(owners, dtype=np.int64)


@dataclass
class PlanIndex:
    passages: list[Passage]
    vectors: faiss.Index
    bm25: object  # bm25s.BM25
    tokenizer: Tokenizer
    manifest: dict
    sentence_vectors: np.ndarray  # [sentences, dim], in `sentence_owners` order
    expansion_questions: list[tuple[int, str]]  # (passage id, question), in vector order
    expansion_vectors: np.ndarray  # [questions, dim], embedded as queries (question ~ question)
    expansion_bm25: object | None  # bm25s.BM25 over the questions, None without expansions

    @property
    def sentences(self) -> tuple[list[str], np.ndarray]:
        return sentence_owners(self.passages)

    @property
    def model_id(self) -> str:
        return self.manifest["model_id"]

    # building --------------------------------------------------------------------------------
    @classmethod
    def build(cls, plan_path: Path, embedder: Embedder, directory: Path,
              progress: bool = True, outline: Outline | None = None,
              expansions: Path | None = None, cache_dir: Path | None = None) -> PlanIndex:
        """Parse, cut, tokenise, embed and write; the old index is replaced only on success.

        `expansions`: the resident-question file (entries whose passage changed are reported in
        the manifest and ignored). `cache_dir`: where vectors are cached by (model, text).
        """
        import bm25s
        import faiss

        started = time.perf_counter()
        outline = outline or load_outline(plan_path)
        passages = build_passages(outline)
        names = [r.place.title for c in outline.columns for r in c.table.all_rows()]
        names += [s.title for s in outline.sections] + [c.title for c in outline.columns]
        terms = sorted(domain_terms(names, (p.text for p in passages)))
        tokenizer = Tokenizer(terms)
        bm25 = bm25s.BM25()
        bm25.index([tokenizer(p.context_text) for p in passages], show_progress=False)
        entries, report = load_expansions(expansions, passages)
        questions = [(e.passage, q) for e in entries for q in e.questions]
        expansion_bm25 = None
        if questions:
            expansion_bm25 = bm25s.BM25()
            expansion_bm25.index([tokenizer.query_tokens(q) or ["_"] for _, q in questions],
                                 show_progress=False)

        cache = EmbeddingCache(cache_dir or directory.parent / "cache", embedder.model_id)
        vectors, fresh = cache.embed(embedder, [plain_simplified(p.context_text) for p in passages],
                                     progress=progress)
        sentences, owners = sentence_owners(passages)
        # a table row or list item is one sentence, the passage itself: its vector is reused
        prose = [i for i, owner in enumerate(owners) if passages[owner].kind == "paragraph"]
        prose_vectors, fresh_s = cache.embed(
            embedder, [plain_simplified(sentences[i]) for i in prose], progress=progress)
        sentence_vectors = vectors[owners].copy()
        sentence_vectors[prose] = prose_vectors
        expansion_vectors, fresh_q = cache.embed(
            embedder, [plain_simplified(q) for _, q in questions], kind="query", progress=progress)
        cache.save()
        flat = faiss.IndexFlatIP(vectors.shape[1])
        flat.add(np.ascontiguousarray(vectors, dtype=np.float32))

        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".index-tmp-", dir=directory.parent))
        tmp.chmod(0o755)  # mkdtemp makes it private; the index is an ordinary folder
        try:
            (tmp / PASSAGES).write_text("".join(_passage_json(p) + "\n" for p in passages),
                                        encoding="utf-8")
            faiss.write_index(flat, str(tmp / VECTORS))
            np.save(tmp / SENTENCE_VECTORS, sentence_vectors, allow_pickle=False)
            np.save(tmp / EXPANSION_VECTORS, expansion_vectors, allow_pickle=False)
            (tmp / EXPANSIONS).write_text("".join(
                json.dumps([pid, q], ensure_ascii=False) + "\n" for pid, q in questions),
                encoding="utf-8")
            bm25.save(str(tmp / BM25_DIR), show_progress=False)
            if expansion_bm25 is not None:
                expansion_bm25.save(str(tmp / EXPANSION_BM25_DIR), show_progress=False)
            (tmp / TERMS).write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
            files = {str(f.relative_to(tmp)): file_sha256(f)
                     for f in sorted(tmp.rglob("*")) if f.is_file()}
            manifest = {
                **_expected(plan_path, embedder.model_id, expansions),
                "dimension": int(vectors.shape[1]),
                "counts": {"passages": len(passages), "chapters": len(outline.chapters),
                           "sections": len(outline.sections), "columns": len(outline.columns),
                           "appendices": len(outline.appendices), "terms": len(terms),
                           "sentences": len(sentences), "expansion_questions": len(questions)},
                "expansions": report.lines(),
                "embedded": {"fresh": fresh + fresh_s + fresh_q,
                             "cached": len(passages) + len(prose) + len(questions)
                             - fresh - fresh_s - fresh_q},
                "libraries": _versions(),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "build_seconds": round(time.perf_counter() - started, 2),
                "files": files,
            }
            (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                        encoding="utf-8")
            _swap_into_place(tmp, directory)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls(passages, flat, bm25, tokenizer, manifest, sentence_vectors, questions,
                   expansion_vectors, expansion_bm25)

    @property
    def expansion_report(self) -> list[str]:
        return list(self.manifest.get("expansions", []))

    # loading ---------------------------------------------------------------------------------
    @classmethod
    def read_manifest(cls, directory: Path) -> dict:
        path = directory / MANIFEST
        if not path.is_file():
            raise CorruptIndexError(f"no index at {directory} (manifest missing): build it with "
                                    "`python -m assistant build`")
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            assert isinstance(manifest, dict) and isinstance(manifest["files"], dict)
        except (ValueError, KeyError, AssertionError) as err:
            raise CorruptIndexError(f"the index manifest at {path} is unreadable: rebuild with "
                                    "`python -m assistant build --force`") from err
        return manifest

    @classmethod
    def check(cls, directory: Path, plan_path: Path, model_id: str,
              expansions: Path | None = None) -> dict:
        """The manifest, once the index is shown current and intact; raises otherwise."""
        manifest = cls.read_manifest(directory)
        for key, want in _expected(plan_path, model_id, expansions).items():
            if manifest.get(key) != want:
                raise StaleIndexError(
                    f"the index was built with another {key.replace('_', ' ')} "
                    f"({manifest.get(key)!r}, now {want!r}): rebuild with "
                    "`python -m assistant build --force`")
        for name, digest in manifest["files"].items():
            path = directory / name
            if not path.is_file() or file_sha256(path) != digest:
                raise CorruptIndexError(f"index file {name} is missing or altered: rebuild with "
                                        "`python -m assistant build --force`")
        return manifest

    @classmethod
    def load(cls, directory: Path, plan_path: Path, model_id: str,
             expansions: Path | None = None) -> PlanIndex:
        import bm25s
        import faiss

        manifest = cls.check(directory, plan_path, model_id, expansions)
        try:
            lines = (directory / PASSAGES).read_text(encoding="utf-8").splitlines()
            passages = [_passage_from_json(line) for line in lines]
            vectors = faiss.read_index(str(directory / VECTORS))
            sentence_vectors = np.load(directory / SENTENCE_VECTORS, allow_pickle=False)
            expansion_vectors = np.load(directory / EXPANSION_VECTORS, allow_pickle=False)
            questions = [tuple(json.loads(line)) for line in
                         (directory / EXPANSIONS).read_text(encoding="utf-8").splitlines()]
            bm25 = bm25s.BM25.load(str(directory / BM25_DIR), show_progress=False)
            expansion_bm25 = (bm25s.BM25.load(str(directory / EXPANSION_BM25_DIR), show_progress=False)
                              if questions else None)
            terms = json.loads((directory / TERMS).read_text(encoding="utf-8"))
        except Exception as err:  # verified files that still fail to load: treat as corrupt
            raise CorruptIndexError(f"the index at {directory} cannot be read ({err}): rebuild "
                                    "with `python -m assistant build --force`") from err
        dimension = manifest["dimension"]
        consistent = (vectors.ntotal == len(passages) and vectors.d == dimension
                      and sentence_vectors.shape == (len(sentence_owners(passages)[0]), dimension)
                      and len(expansion_vectors) == len(questions))
        if not consistent:
            raise CorruptIndexError("the index's vectors do not match its passages: rebuild with "
                                    "`python -m assistant build --force`")
        return cls(passages, vectors, bm25, Tokenizer(terms), manifest, sentence_vectors,
                   questions, expansion_vectors, expansion_bm25)


def _swap_into_place(tmp: Path, directory: Path) -> None:
    """Rename the finished build over the old index, keeping the old one until the rename."""
    old = None
    if directory.exists():
        old = directory.with_name(f".index-old-{time.time_ns()}")
        directory.rename(old)
    tmp.rename(directory)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
