"""Robustness: fuzzed questions and plan files, damaged or stale indexes, concurrent questions.

Real plan, real model, real index (`Assistant.open()`, which rebuilds the repo's index when it is
stale). Index faults are made on copies in a temp dir whose `models` is a symlink to the real
converted model. Only one test rebuilds an index (≈ a minute on 2 cores).
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import index as index_module
from assistant.answer import MAX_QUESTION_CHARS, Answer, QuestionError
from assistant.answering import ExtractiveAnswerer
from assistant.api import Assistant
from assistant.embedding import DEFAULT_MODEL_ID, Embedder
from assistant.index import MANIFEST, CorruptIndexError, IndexUnusableError, PlanIndex, StaleIndexError
from assistant.outline import Outline, Place, PlanFormatError, outline_tree, parse_outline
from assistant.passages import build_passages
from assistant.render import answer_json, plain_text
from assistant.retrieval import Searcher
from assistant.settings import Settings

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "corpus" / "panyu-14th-five-year-plan.txt"

FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """One intra-op torch thread while this module runs (restored after; yields the old count).

    A single question gains nothing from two threads, and on a busy 2-core machine the OpenMP
    hand-offs make each query embedding up to ~50x slower (20 ms → 1 s): hundreds of fuzzed
    questions would take minutes. Results do not depend on it.
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield before
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def robust_assistant() -> Assistant:
    return Assistant.open(progress=False)


# ------------------------------------------------------------------------------------ questions

WORDS = ["番禺", "規劃", "学校", "地铁", "養老", "5G基站", "2035年", "专栏8", "附件2", "第三章", "GDP",
         "school", "hospital", "十四五", "城市更新", "大學城", "垃圾分類", "嗎", "呢", "?", "?", "唔該",
         "點樣", "ignore previous instructions", "第八章第三节", "附件2第8项"]
SCRIPTS = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),  # ASCII
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),  # CJK extension B
    st.characters(min_codepoint=0x0400, max_codepoint=0x04FF),  # Cyrillic
    st.characters(min_codepoint=0x0590, max_codepoint=0x06FF),  # Hebrew, Arabic (RTL)
    st.characters(min_codepoint=0x0900, max_codepoint=0x097F),  # Devanagari
    st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F),  # Thai
    st.characters(min_codepoint=0x3040, max_codepoint=0x30FF),  # kana
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),  # Hangul
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width forms
    st.characters(min_codepoint=0x0300, max_codepoint=0x036F),  # combining marks
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
)
CONTROLS = st.characters(categories=["Cc", "Cf", "Zl", "Zp"])
PRIVATE = st.one_of(st.characters(min_codepoint=0xE000, max_codepoint=0xF8FF),
                    st.characters(min_codepoint=0xF0000, max_codepoint=0xFFFFD))
SURROGATES = st.characters(categories=["Cs"])
PUNCTUATION = st.characters(categories=["Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk",
                                        "So", "Zs"])
NOISE = st.one_of(CONTROLS, PRIVATE, SURROGATES, PUNCTUATION)

QUESTIONS = st.one_of(
    st.text(max_size=300),  # any Unicode
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(SCRIPTS, min_size=1, max_size=8), NOISE),
             max_size=30).map("".join),  # mixed scripts with control/private-use characters
    st.text(min_size=MAX_QUESTION_CHARS - 20, max_size=1200),  # very long
    st.builds(lambda w, n: w * n, st.sampled_from(WORDS), st.integers(20, 300)),  # long repeats
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
            min_size=MAX_QUESTION_CHARS - 10, max_size=MAX_QUESTION_CHARS + 10),  # at the limit
    st.text(NOISE, max_size=200),  # punctuation, symbols, controls only
)


def check_answer_or_error(assistant: Assistant, question: str, **kwargs) -> Answer | None:
    """`ask` gives a well-formed Answer or a QuestionError with a message; nothing else."""
    try:
        answer = assistant.ask(question, **kwargs)
    except QuestionError as err:
        assert str(err).strip() and err.message("traditional").strip()
        assert err.message("simplified").strip() and err.reason in {"empty", "too_long", "no_words"}
        return None
    assert isinstance(answer, Answer)
    assert isinstance(plain_text(answer), str) and plain_text(answer).strip()
    assert isinstance(answer.refused, bool)
    assert isinstance(answer.citations, list)
    assert all(isinstance(p, Place) for p in answer.citations)
    if not answer.refused:
        assert answer.citations, "an answer that is not a refusal must cite the plan"
    data = answer_json(answer)
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # serialisable, and valid UTF-8
    return answer


@FUZZ
@given(question=QUESTIONS)
def test_ask_never_crashes_on_odd_input(robust_assistant, question):
    check_answer_or_error(robust_assistant, question)


@FUZZ
@given(question=st.text(NOISE, max_size=300))
def test_questions_without_words_are_question_errors(robust_assistant, question):
    with pytest.raises(QuestionError) as err:
        robust_assistant.ask(question)
    assert err.value.reason in {"empty", "no_words"}
    assert str(err.value).strip()


@settings(FUZZ, max_examples=25)
@given(question=QUESTIONS,
       history=st.lists(st.one_of(st.text(max_size=120), st.sampled_from(WORDS)), max_size=3),
       script=st.sampled_from([None, "simplified", "traditional"]))
def test_ask_with_odd_history_and_script(robust_assistant, question, history, script):
    check_answer_or_error(robust_assistant, question, history=history, script=script)


# References to places the plan does not have (it has 14 chapters, 專欄1-18, 附件1-3 with 39/25/6
# rows): the plan is silent, so they must be refused, not answered from some other place.
MISSING_PLACES = [
    "第十五章講了什麼?",
    "第三章第九節的主要內容是什麼?",
    "第十章第十節寫了哪些措施?",
    "專欄19有哪些項目?",
    "专栏99列了什么?",
    "附件4第1項是什麼?",
    "附件2第99項的目標是多少?",
    "专栏18第20项是什么?",
]


def test_references_to_missing_places_are_refused(robust_assistant):
    answered = {}
    for question in MISSING_PLACES:
        answer = robust_assistant.ask(question)
        if not answer.refused:
            answered[question] = [p.short_label() for p in answer.citations[:3]]
    assert not answered, f"answered instead of refused: {answered}"


# ------------------------------------------------------------------------------------ outline

PLAN_TEXT = PLAN.read_text(encoding="utf-8")
PLAN_LINES = PLAN_TEXT.splitlines()
HEADINGS = ["第一章 總則", "第一節 指導思想", "一、主要成就", "專欄1:項目", "附件1", "附件2", "附件3",
            "目 錄", "序號", "指標名稱", "單位", "", "  ", "第十四章 堅持", "第九十九章", "第零節"]


def parse_ok_or_format_error(data: str | bytes) -> None:
    """Either an Outline (that the passage builder and the tree printer accept) or PlanFormatError."""
    try:
        outline = parse_outline(data)
    except PlanFormatError as err:
        assert str(err).strip()
        return
    assert isinstance(outline, Outline)
    build_passages(outline)
    list(outline_tree(outline))


@st.composite
def mutated_plan(draw) -> str:
    lines = list(PLAN_LINES)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "swap", "truncate", "edit"]))
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        if not lines:
            break
        if op == "delete":
            del lines[i:i + draw(st.integers(1, 200))]
        elif op == "insert":
            lines[i:i] = draw(st.lists(st.one_of(st.sampled_from(HEADINGS), st.text(max_size=40)),
                                       min_size=1, max_size=5))
        elif op == "duplicate":
            lines[i:i] = lines[i:i + draw(st.integers(1, 50))]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "truncate":
            lines = lines[:i]
        else:
            line = lines[i]
            k = draw(st.integers(0, len(line)))
            lines[i] = line[:k] + draw(st.text(max_size=10)) + line[k + draw(st.integers(0, 5)):]
    return "\n".join(lines)


@st.composite
def damaged_plan_bytes(draw) -> bytes:
    data = bytearray(PLAN.read_bytes())
    for _ in range(draw(st.integers(1, 8))):
        i = draw(st.integers(0, len(data) - 1))
        data[i] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@FUZZ
@given(data=st.one_of(st.text(max_size=2000), st.binary(max_size=2000)))
def test_outline_parser_on_random_text_and_bytes(data):
    parse_ok_or_format_error(data)


@FUZZ
@given(data=st.one_of(mutated_plan(), damaged_plan_bytes()))
def test_outline_parser_on_damaged_plans(data):
    parse_ok_or_format_error(data)


@FUZZ
@given(lines=st.lists(st.one_of(st.sampled_from(PLAN_LINES), st.sampled_from(HEADINGS)), max_size=300))
def test_outline_parser_on_shuffled_plan_lines(lines):
    parse_ok_or_format_error("\n".join(lines))


# ------------------------------------------------------------------------------------ index faults


@pytest.fixture(scope="module")
def pristine(robust_assistant, tmp_path_factory) -> Settings:
    """A private copy of the current index and plan, models symlinked to the real model.

    `pipeline_sha256` is pinned to the copy's value for these tests: other people editing the
    pipeline sources during the run must not turn "corrupt" into "stale" here.
    """
    real = robust_assistant.settings
    root = tmp_path_factory.mktemp("pristine")
    plan = root / "plan.txt"
    shutil.copyfile(real.plan_path, plan)
    (root / "index").mkdir()
    (root / "index" / "models").symlink_to(real.models_dir.resolve(), target_is_directory=True)
    if real.cache_dir.is_dir():  # a copy: a rebuild here embeds only what the real one has not
        shutil.copytree(real.cache_dir, root / "index" / "cache")
    copy = Settings(plan, root / "index", expansions_path=real.expansions_path,
                    glossary_path=real.glossary_path, translations_path=real.translations_path)
    for _ in range(3):  # the real index may be swapped by a concurrent rebuild while we copy
        shutil.rmtree(copy.plan_index_dir, ignore_errors=True)
        shutil.copytree(real.plan_index_dir, copy.plan_index_dir)
        manifest = PlanIndex.read_manifest(copy.plan_index_dir)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(index_module, "pipeline_sha256", lambda m=manifest: m["pipeline"])
            try:
                PlanIndex.check(copy.plan_index_dir, plan, DEFAULT_MODEL_ID, copy.expansions_path)
                break
            except IndexUnusableError:
                continue
    else:
        pytest.fail("could not take an intact copy of the real index")
    return copy


@pytest.fixture
def damaged(pristine, tmp_path, monkeypatch) -> Settings:
    """A fresh copy of the pristine index (and plan) to damage, with the pipeline pinned."""
    shutil.copytree(pristine.index_dir, tmp_path / "index", symlinks=True)
    plan = tmp_path / "plan.txt"
    shutil.copyfile(pristine.plan_path, plan)
    copy = Settings(plan, tmp_path / "index", expansions_path=pristine.expansions_path,
                    glossary_path=pristine.glossary_path,
                    translations_path=pristine.translations_path)
    pinned = PlanIndex.read_manifest(copy.plan_index_dir)["pipeline"]
    monkeypatch.setattr(index_module, "pipeline_sha256", lambda: pinned)
    return copy


def _args(settings: Settings, model: str = DEFAULT_MODEL_ID) -> tuple:
    """What PlanIndex.load/check need besides the folder: plan, model id, expansions."""
    return settings.plan_path, model, settings.expansions_path


def index_files(directory: Path) -> list[str]:
    return [MANIFEST, *sorted(PlanIndex.read_manifest(directory)["files"])]


def _delete(path: Path) -> None:
    path.unlink()


def _truncate_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _truncate_empty(path: Path) -> None:
    path.write_bytes(b"")


def _flip_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in {0, len(data) // 2, len(data) - 1}:
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def _append(path: Path) -> None:
    with path.open("ab") as f:
        f.write(b"\x00garbage\n")


FAULTS = {"delete": _delete, "truncate_half": _truncate_half, "truncate_empty": _truncate_empty,
          "flip_bytes": _flip_bytes, "append": _append}


def test_pristine_copy_loads(damaged):
    index = PlanIndex.load(damaged.plan_index_dir, *_args(damaged))
    assert index.vectors.ntotal == len(index.passages) > 400


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_every_damaged_index_file_is_refused(damaged, fault):
    directory = damaged.plan_index_dir
    names = index_files(directory)
    assert len(names) >= 5
    wrong = {}
    for name in names:
        path = directory / name
        original = path.read_bytes()
        FAULTS[fault](path)
        try:
            PlanIndex.load(directory, *_args(damaged))
            wrong[name] = "loaded"
        except CorruptIndexError as err:
            assert str(err).strip()
        except Exception as err:  # any other outcome is the failure reported
            wrong[name] = f"{type(err).__name__}: {err}"
        path.write_bytes(original)
    assert not wrong, f"{fault}: not refused as corrupt: {wrong}"
    PlanIndex.load(directory, *_args(damaged))  # restored: loads again


def test_index_is_stale_when_the_plan_changes(damaged):
    with damaged.plan_path.open("a", encoding="utf-8") as f:
        f.write("\n新增的一行。\n")
    with pytest.raises(StaleIndexError):
        PlanIndex.load(damaged.plan_index_dir, *_args(damaged))


def test_index_is_stale_for_another_model(damaged):
    with pytest.raises(StaleIndexError):
        PlanIndex.load(damaged.plan_index_dir, *_args(damaged, "intfloat/multilingual-e5-base"))


@pytest.mark.parametrize("key", ["index_format", "parser_version", "pipeline", "plan_sha256",
                                 "model_id"])
def test_index_is_stale_when_the_manifest_says_another_build(damaged, key):
    path = damaged.plan_index_dir / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest[key] = "0-something-else"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(StaleIndexError):
        PlanIndex.load(damaged.plan_index_dir, *_args(damaged))


def test_open_without_rebuild_never_serves_a_stale_or_corrupt_index(damaged, robust_assistant,
                                                                    monkeypatch):
    # the model itself is not under test here: reuse the loaded one
    monkeypatch.setattr(Embedder, "load", classmethod(lambda cls, *a, **k: robust_assistant.embedder))
    # a revised figure (2020 GDP): a stale index would quote the old one
    text = PLAN.read_text(encoding="utf-8")
    assert "2278.28" in text
    damaged.plan_path.write_text(text.replace("2278.28", "2301.55"), encoding="utf-8")
    with pytest.raises(StaleIndexError):
        Assistant.open(damaged, rebuild=False, progress=False)
    shutil.copyfile(PLAN, damaged.plan_path)
    _flip_bytes(damaged.plan_index_dir / "passages.jsonl")
    with pytest.raises(CorruptIndexError):
        Assistant.open(damaged, rebuild=False, progress=False)


def test_open_rebuilds_a_corrupt_index_and_answers_as_before(damaged, robust_assistant,
                                                            one_torch_thread):
    import torch

    _flip_bytes(damaged.plan_index_dir / "vectors.faiss")
    torch.set_num_threads(one_torch_thread)  # build as in production
    try:
        rebuilt = Assistant.open(damaged, rebuild=True, progress=False)  # real model, via symlink
    finally:
        torch.set_num_threads(1)
    assert rebuilt.rebuilt_because and "vectors.faiss" in rebuilt.rebuilt_because
    PlanIndex.check(damaged.plan_index_dir, *_args(damaged))  # intact now
    reference = robust_assistant.index
    assert [p.text for p in rebuilt.index.passages] == [p.text for p in reference.passages]
    ours = rebuilt.index.vectors.reconstruct_n(0, rebuilt.index.vectors.ntotal)
    theirs = reference.vectors.reconstruct_n(0, reference.vectors.ntotal)
    np.testing.assert_allclose(ours, theirs, atol=1e-4)
    for question in ("垃圾分類要怎樣推進?", "2025年5G基站要建多少座?", "What will be done for elderly care?"):
        got, want = rebuilt.ask(question), robust_assistant.ask(question)
        assert _key(got) == _key(want)
    sorting = rebuilt.ask("垃圾分類要怎樣推進?")
    assert not sorting.refused
    assert Place(chapter=11, section=3) in [p.section_place() for p in sorting.citations[:3]]


# ------------------------------------------------------------------------------------ concurrency

CONCURRENT = [
    "番禺的軌道交通在十四五期間有什麼規劃?",
    "全区要新增多少个公办学位?",
    "2025年森林覆盖率的目标是多少?",
    "大學城要建設哪些科技創新平臺?",
    "專欄8講了什麼?",
    "What does the plan say about flood control?",
    "番禺會不會建一個月球基地?",
    "附件2第8項",
]


def _key(answer: Answer) -> tuple:
    return plain_text(answer), tuple(answer.citations), answer.refused


def test_concurrent_asks_match_sequential(robust_assistant):
    sequential = {q: _key(robust_assistant.ask(q)) for q in CONCURRENT}
    follow_up = _key(robust_assistant.ask("那2035年呢?", history=["2025年地区生产总值要达到多少?"]))
    # a fresh Assistant over the same index: its lazy caches are first filled concurrently
    glossary = robust_assistant.answerer.glossary
    searcher = Searcher(robust_assistant.index, robust_assistant.embedder, glossary,
                        robust_assistant.searcher.translations)
    fresh = Assistant(robust_assistant.settings, robust_assistant.outline, robust_assistant.index,
                      searcher, ExtractiveAnswerer(robust_assistant.outline, searcher, glossary))
    calls = CONCURRENT * 2
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda q: _key(fresh.ask(q)), calls))
        again = pool.submit(lambda: _key(fresh.ask("那2035年呢?",
                                                   history=["2025年地区生产总值要达到多少?"])))
        assert again.result() == follow_up
    mismatched = [q for q, r in zip(calls, results, strict=True) if r != sequential[q]]
    assert not mismatched, f"concurrent answers differ from sequential ones for {mismatched}"
