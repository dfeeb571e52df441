"""Shared helpers for the bench scripts: paths, timing, tables, memory, the app process, the baseline.

Not a benchmark itself. The scripts import it as `benchlib` (they run as `python bench/<name>.py`
from the repo root, so `bench/` is first on sys.path).
"""

from __future__ import annotations

import bisect
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=PendingDeprecationWarning)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = REPO.parent / "shared" / "eval" / "dev.jsonl"


def settings():
    from assistant.settings import Settings

    return Settings.from_env()


def model_folder() -> Path:
    """The converted default model (a sentence-transformers folder), as the baseline loads it."""
    from assistant.embedding import DEFAULT_FOLDER

    return settings().models_dir / DEFAULT_FOLDER


def quiet_logs() -> None:
    import logging

    logging.getLogger("assistant").setLevel(logging.ERROR)
    for name in ("sentence_transformers", "transformers", "httpx", "gradio_client", "faiss"):
        logging.getLogger(name).setLevel(logging.ERROR)


# ---------------------------------------------------------------------------------- numbers


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100); nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def summary_ms(values_s: Sequence[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values_s]
    return {"n": len(ms), "p50": percentile(ms, 50), "p95": percentile(ms, 95),
            "max": max(ms) if ms else float("nan"), "mean": sum(ms) / len(ms) if ms else float("nan")}


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        if value != value:  # nan
            return "n/a"
        return f"{value:.{digits}f}"
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]],
          notes: Sequence[str] = ()) -> str:
    """A plain aligned text table (CJK counted double width); numbers right-aligned."""
    body = [[c if isinstance(c, str) else fmt(c) for c in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in body]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str], header: bool = False) -> str:
        out = []
        for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
            pad = " " * (w - _width(cell))
            numeric = not header and i > 0 and re.fullmatch(r"[-+]?[\d.,]+[%x]?|n/a", cell or "n/a")
            out.append(pad + cell if numeric else cell + pad)
        return "  ".join(out).rstrip()

    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    lines = [f"== {title} ==", line(headers, header=True), rule, *(line(r) for r in body)]
    lines += [f"  {n}" for n in notes]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------- memory


def rss_mb(pid: int | str = "self") -> float | None:
    """Resident set size now (psutil when installed, else /proc/<pid>/status VmRSS)."""
    try:
        import psutil  # type: ignore[import-not-found]

        proc = psutil.Process() if pid == "self" else psutil.Process(int(pid))
        return proc.memory_info().rss / 2**20
    except ImportError:
        pass
    except Exception:
        return None
    try:
        for row in Path(f"/proc/{pid}/status").read_text().splitlines():
            if row.startswith("VmRSS:"):
                return int(row.split()[1]) / 1024
    except OSError:
        return None
    return None


def tree_rss_mb(pid: int) -> float | None:
    """RSS of a process plus its children (the app may fork helpers)."""
    total = rss_mb(pid)
    if total is None:
        return None
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for child in children:
        total += tree_rss_mb(int(child)) or 0.0
    return total


def peak_rss_mb() -> float:
    """This process's peak RSS so far (getrusage ru_maxrss, KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 2**20


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# ---------------------------------------------------------------------------------- app process


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppError(RuntimeError):
    pass


@dataclass
class App:
    """`python app.py --host 127.0.0.1 --port <free>` in its own process group; stopped by pid."""

    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    log_path: Path | None = None
    started: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> App:
        fd, name = tempfile.mkstemp(prefix="bench-app-", suffix=".log")
        self.log_path = Path(name)
        log = os.fdopen(fd, "w")
        env = dict(os.environ, PYTHONUNBUFFERED="1", **self.env)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True)
        log.close()
        return self

    def log_tail(self, lines: int = 6) -> str:
        try:
            text = self.log_path.read_text(errors="replace") if self.log_path else ""
        except OSError:
            return ""
        return " | ".join(t.strip() for t in text.strip().splitlines()[-lines:])

    def rebuilt(self) -> bool:
        try:
            return "Index rebuilt" in (self.log_path.read_text(errors="replace") if self.log_path else "")
        except OSError:
            return False

    def wait_client(self, timeout: float = 240.0):
        """A connected gradio_client.Client once the server answers; AppError if it dies/times out."""
        from gradio_client import Client

        deadline = time.perf_counter() + timeout
        last = ""
        while time.perf_counter() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                code = None if self.proc is None else self.proc.returncode
                raise AppError(f"app exited with status {code}: {self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
                return Client(self.url, verbose=False)
            except Exception as err:  # not listening yet / config not served yet
                last = f"{type(err).__name__}: {err}"
                time.sleep(0.25)
        raise AppError(f"app not ready after {timeout:.0f} s ({last}); log: {self.log_tail()}")

    def stop(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGINT, 10), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)  # the group this object created (start_new_session)
            except ProcessLookupError:
                return
            try:
                proc.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def cleanup(self) -> None:
        self.stop()
        if self.log_path:
            self.log_path.unlink(missing_ok=True)


def chat(client, question: str) -> str:
    """One question through the app's /chat endpoint; the reply's first message text."""
    result = client.predict(question, api_name="/chat")
    messages = result[0] if isinstance(result, (list, tuple)) and result and isinstance(
        result[0], list) else result
    if isinstance(messages, dict):
        messages = [messages]
    if not isinstance(messages, list) or not messages:
        raise AppError(f"unexpected /chat result: {str(result)[:200]}")
    content = messages[0].get("content") if isinstance(messages[0], dict) else messages[0]
    if isinstance(content, list):  # content blocks
        content = " ".join(b.get("text", "") for b in content if isinstance(b, dict))
    if not isinstance(content, str) or not content.strip():
        raise AppError(f"empty /chat reply: {str(result)[:200]}")
    return content


# ---------------------------------------------------------------------------------- baseline

SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", ""]
_CN = "一二三四五六七八九十"
_CHAPTER_LINE = re.compile(rf"^[ \t\u3000]*第([{_CN}]+)章", re.M)
_SECTION_LINE = re.compile(rf"^[ \t\u3000]*第([{_CN}]+)節", re.M)
_APPENDIX_LINE = re.compile(r"^[ \t\u3000]*附件\s*(\d+)[ \t\u3000]*$", re.M)


def raw_plan_text() -> str:
    """The plan file's text without its junk first line: all the plain baseline gets."""
    text = settings().plan_path.read_text(encoding="utf-8")
    return text.split("\n", 1)[1] if "\n" in text else text


class SectionMap:
    """Offset in the raw text → the chapter/section (or appendix, or preamble) it lies in.

    Found by heading lines only (第N章 / 第N節 / 附件N at a line start); the table of contents
    repeats the headings, so the body starts at the second 第一章 line. Text before it counts as
    the preamble.
    """

    def __init__(self, text: str):
        from assistant.outline import Place, parse_numeral

        firsts = [m.start() for m in _CHAPTER_LINE.finditer(text) if m.group(1) == "一"]
        body = firsts[1] if len(firsts) > 1 else (firsts[0] if firsts else len(text))
        events: list[tuple[int, int, object]] = []
        for m in _CHAPTER_LINE.finditer(text, body):
            events.append((m.start(), 0, ("chapter", parse_numeral(m.group(1)))))
        for m in _SECTION_LINE.finditer(text, body):
            events.append((m.start(), 1, ("section", parse_numeral(m.group(1)))))
        for m in _APPENDIX_LINE.finditer(text, body):
            events.append((m.start(), 2, ("appendix", int(m.group(1)))))
        events.sort()
        self.offsets = [0]
        self.places = [Place()]
        chapter = None
        for offset, _, (kind, number) in events:
            if kind == "chapter":
                chapter, place = number, Place(chapter=number)
            elif kind == "section":
                place = Place(chapter=chapter, section=number)
            else:
                chapter, place = None, Place(appendix=number)
            self.offsets.append(offset)
            self.places.append(place)

    def place_at(self, offset: int):
        return self.places[bisect.bisect_right(self.offsets, offset) - 1]

    def counts(self) -> tuple[int, int, int]:
        chapters = {p.chapter for p in self.places if p.chapter is not None and p.section is None}
        sections = {(p.chapter, p.section) for p in self.places if p.section is not None}
        appendices = {p.appendix for p in self.places if p.appendix is not None}
        return len(chapters), len(sections), len(appendices)


@dataclass
class Baseline:
    """Plain langchain RAG: recursive splitter → HuggingFaceEmbeddings → FAISS, top-k chunks.

    Its citations are the sections where its chunks start; its answer is the top chunk(s)' text;
    it never refuses.
    """

    store: object
    sections: SectionMap
    chunks: int
    timings: dict[str, float]

    @classmethod
    def build(cls, text: str | None = None, model_path: Path | None = None) -> Baseline:
        from langchain_community.vectorstores import FAISS
        from langchain_huggingface import HuggingFaceEmbeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        text = raw_plan_text() if text is None else text
        model_path = model_path or model_folder()
        timings = {}
        with Timer() as t:
            splitter = RecursiveCharacterTextSplitter(
                chunk_size=500, chunk_overlap=50, separators=SEPARATORS, keep_separator="end",
                add_start_index=True)
            docs = splitter.create_documents([text])
            sections = SectionMap(text)
            for doc in docs:
                start = doc.metadata.get("start_index", -1)
                if start is None or start < 0:
                    start = text.find(doc.page_content)
                doc.metadata["place"] = sections.place_at(max(start, 0))
        timings["split"] = t.seconds
        with Timer() as t:
            embeddings = HuggingFaceEmbeddings(
                model_name=str(model_path), model_kwargs={"device": "cpu"},
                encode_kwargs={"prompt_name": "document"},
                query_encode_kwargs={"prompt_name": "query", "normalize_embeddings": True})
        timings["model_load"] = t.seconds
        with Timer() as t:
            store = FAISS.from_documents(docs, embeddings)
        timings["embed_index"] = t.seconds
        timings["build"] = timings["split"] + timings["embed_index"]  # like ours: model load apart
        return cls(store, sections, len(docs), timings)

    def retrieve(self, question: str, k: int = 5):
        return self.store.similarity_search(question, k=k)

    def result(self, question, k: int = 5, answer_chunks: int = 1):
        """An evaluation `Result`: citations = chunks' start sections (first mention kept)."""
        from assistant.evaluation import Result

        with Timer() as t:
            docs = self.retrieve(question.question, k=k)
        places = list(dict.fromkeys(d.metadata["place"] for d in docs))
        answer = "\n".join(d.page_content for d in docs[:answer_chunks])
        return Result(question, places, answer=answer, refused=False, latency_ms=t.seconds * 1000)


# ---------------------------------------------------------------------------------- misc


def temp_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove(path: Path | None) -> None:
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)
