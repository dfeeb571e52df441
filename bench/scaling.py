"""Scaling: build time, index size, memory and query latency on 1×, 4× and 16× the plan.

Why: the district may load more plans (other years, other districts) into one index; build time
and memory should grow at most linearly with the corpus, and queries should stay interactive.
The corpus is the plan's passages (`assistant.passages`) replicated as distinct documents: copy c
gets "〔副本c〕" prefixed to its heading path, so its embedded and keyword-indexed text differs. Each
size is built in a fresh child process by the real `PlanIndex.build` (its `build_passages` swapped
for the replicated list: tokenise → bm25s, e5 vectors → FAISS, hash, write to a temp dir), then
queried with `Searcher.search` and the extractive `ask` over the question file.

Embedding is the slow step (~0.1 s a text on 2 cores, and the index embeds passages and their
sentences): sizes up to --embed-up-to (default 1, so the script takes a few minutes) embed every
text for real; larger ones reuse the 1× vectors (tiled: looked up by untagged text) with tiny
noise (σ=1e-3, renormalised), and their embedding time is extrapolated from the measured rate
(marked "est"). Everything else in the build is measured at every size. `--embed-up-to 4` embeds
the 4× corpus for real too (about four times the 1× build).

    .venv/bin/python bench/scaling.py [--factors 1 4 16] [--embed-up-to 4]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import benchlib
import numpy as np
from benchlib import Timer, fmt, summary_ms, table

TAG = re.compile(r"〔副本\d+〕")


class _Embedder:
    """Wraps the real embedder: times `embed_documents`, and above the real-embedding factor
    answers from the 1× vectors (looked up by text without the copy tag) plus tiny noise."""

    def __init__(self, real, cache: dict[str, np.ndarray] | None):
        self.real, self.cache, self.seconds, self.count = real, cache, 0.0, 0
        self.seen: dict[str, np.ndarray] = {}
        self.model_id, self.dimension = real.model_id, real.dimension

    def __getattr__(self, name):
        return getattr(self.real, name)

    def embed_queries(self, texts, progress: bool = False):
        return self.real.embed_queries(texts, progress=progress)

    def embed_documents(self, texts, progress: bool = False):
        started = time.perf_counter()
        self.count += len(texts)
        if self.cache is None:
            vectors = self.real.embed_documents(texts, progress=progress)
            self.seen.update((TAG.sub("", t), v) for t, v in zip(texts, vectors, strict=True))
        else:
            rng = np.random.default_rng(len(texts))
            vectors = np.stack([self.cache[TAG.sub("", t)] for t in texts]).astype(np.float64)
            vectors += rng.normal(0, 1e-3, vectors.shape)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors.astype(np.float32)
        self.seconds += time.perf_counter() - started
        return vectors


def _child(factor: int, cache_file: Path, embed: bool, questions_path: str) -> dict:
    """Build and query one corpus size with the real `PlanIndex.build`; runs in a fresh process.

    The passages are the plan's, replicated with a copy tag in the heading (PlanIndex.build's
    `build_passages` is swapped for that list for the duration of the build).
    """
    from assistant import index as index_module
    from assistant.answer import QuestionError
    from assistant.answering import ExtractiveAnswerer
    from assistant.api import Assistant
    from assistant.embedding import Embedder
    from assistant.evaluation import load_questions
    from assistant.outline import load_outline
    from assistant.passages import Passage, build_passages
    from assistant.retrieval import Searcher

    benchlib.quiet_logs()
    settings = benchlib.settings()
    questions = [q.question for q in load_questions(questions_path)]
    outline = load_outline(settings.plan_path)
    real = Embedder.load(None, models_dir=settings.models_dir, progress=False)
    real.embed_queries(["热身"])
    cache = None
    if not embed:
        data = np.load(cache_file)
        keys = json.loads(cache_file.with_suffix(".json").read_text(encoding="utf-8"))
        cache = dict(zip(keys, data, strict=True))
    embedder = _Embedder(real, cache)

    base = build_passages(outline)
    passages = []
    for copy in range(factor):
        tag = f"〔副本{copy + 1}〕" if factor > 1 else ""
        for p in base:
            passages.append(Passage(len(passages), p.place, p.kind, tag + p.heading, p.text))
    out: dict = {"factor": factor, "passages": len(passages)}

    tmp = benchlib.temp_dir(f"bench-scale-{factor}-")
    original = index_module.build_passages
    index_module.build_passages = lambda _outline: passages
    rss0 = benchlib.rss_mb()
    try:
        cpu = time.process_time()
        with Timer() as t:
            index = index_module.PlanIndex.build(settings.plan_path, embedder, tmp / "plan",
                                                 progress=False, outline=outline)
        out["build_s"], out["build_cpu_s"] = t.seconds, time.process_time() - cpu
        out["size_mb"] = benchlib.dir_size_mb(tmp / "plan")
    finally:
        index_module.build_passages = original
        benchlib.remove(tmp)
    out["embed_s"], out["embedded_texts"], out["embed_real"] = (embedder.seconds, embedder.count,
                                                                embed)
    if factor == 1 and embed:
        keys = list(embedder.seen)
        np.save(cache_file, np.stack([embedder.seen[k] for k in keys]))
        cache_file.with_suffix(".json").write_text(json.dumps(keys, ensure_ascii=False),
                                                   encoding="utf-8")
    vector_bytes = index.vectors.ntotal * index.vectors.d * 4
    vector_bytes += sum(getattr(v, "nbytes", 0) for k, v in vars(index).items()
                        if k != "vectors" and isinstance(v, np.ndarray))

    with Timer() as t:
        searcher = Searcher(index, real)
        assistant = Assistant(settings, outline, index, searcher, ExtractiveAnswerer(outline, searcher))
        assistant.ask(questions[0])  # warm-up: idf and other caches
    out["searcher_init_s"] = t.seconds
    out["rss_delta_mb"] = (benchlib.rss_mb() or 0) - (rss0 or 0)
    out["vectors_mb"] = vector_bytes / 2**20
    search, ask = [], []
    for q in questions:
        with Timer() as t:
            assistant.search(q, k=10)
        search.append(t.seconds)
        with Timer() as t, contextlib.suppress(QuestionError):  # still a timed call
            assistant.ask(q)
        ask.append(t.seconds)
    out["search"], out["ask"] = summary_ms(search), summary_ms(ask)
    out["peak_rss_mb"] = benchlib.peak_rss_mb()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--embed-up-to", type=int, default=1,
                        help="embed for real up to this factor; reuse 1× vectors above (default 1)")
    parser.add_argument("--questions", default=str(benchlib.DEFAULT_QUESTIONS))
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--vectors", help=argparse.SUPPRESS)
    parser.add_argument("--embed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        result = _child(args.child, Path(args.vectors), args.embed, args.questions)
        print("RESULT " + json.dumps(result))
        return 0

    factors = sorted(set(args.factors) | {1})
    tmp = benchlib.temp_dir("bench-scaling-")
    vectors_file = tmp / "vectors-1x.npy"  # + .json: the texts, untagged
    results = []
    try:
        for factor in factors:
            print(f"scaling: {factor}× …", file=sys.stderr, flush=True)
            cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(factor),
                   "--vectors", str(vectors_file), "--questions", args.questions]
            if factor <= args.embed_up_to:
                cmd.append("--embed")
            proc = subprocess.run(cmd, cwd=benchlib.REPO, capture_output=True, text=True)
            line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
            if proc.returncode != 0 or line is None:
                tail = " | ".join(proc.stderr.strip().splitlines()[-4:])
                print(f"scaling: {factor}× failed (status {proc.returncode}): {tail}", file=sys.stderr)
                continue
            results.append(json.loads(line[len("RESULT "):]))
    finally:
        benchlib.remove(tmp)
    if not results or results[0]["factor"] != 1:
        print("scaling: the 1× run failed; no table", file=sys.stderr)
        return 1

    measured = [r for r in results if r["embed_real"]]
    rate = max(measured, key=lambda r: r["embedded_texts"])
    per_text = rate["embed_s"] / rate["embedded_texts"]
    one = results[0]
    one_other = one["build_s"] - one["embed_s"]
    rows, growth_ok = [], True
    for r in results:
        embed = r["embed_s"] if r["embed_real"] else per_text * r["embedded_texts"]
        other = r["build_s"] - r["embed_s"]  # parse, tokenise, BM25, FAISS, hash and write
        build = other + embed
        size_ratio = r["passages"] / one["passages"]
        growth = build / one["build_s"]
        growth_ok &= growth <= size_ratio * 1.15 and other / one_other <= size_ratio * 1.15
        rows.append([
            f"{r['factor']}×", str(r["passages"]), fmt(embed) + ("" if r["embed_real"] else " est"),
            fmt(other), fmt(build), f"{growth:.2f}x", f"{other / one_other:.2f}x", fmt(r["size_mb"]),
            fmt(r["vectors_mb"]), fmt(r["rss_delta_mb"], 0), fmt(r["peak_rss_mb"], 0),
            fmt(r["search"]["p50"]), fmt(r["search"]["p95"]), fmt(r["ask"]["p50"]),
            fmt(r["ask"]["p95"]),
        ])
    notes = [
        "build = PlanIndex.build over the replicated passages (model load apart): 'embed' is its "
        "embed_documents time, 'rest' everything else (tokenise, BM25, FAISS, hash, write); "
        "growth vs 1×: 'build' all of it, 'rest' without embedding",
        f"embedding: measured for ≤{args.embed_up_to}×; above, the 1× vectors are reused (tiled) "
        f"with noise σ=1e-3 and the time is estimated at the measured "
        f"{per_text * 1000:.0f} ms per embedded text (passages and, if the index has them, "
        "sentences)",
        "vectors = vector arrays held by the index; RSS Δ = resident memory added by build, searcher "
        "and a warm-up ask (child process, model loaded before; includes torch's embedding scratch "
        "where embedding ran)",
        "the copies share places, so `locate` merges them; latency: question file, one pass, "
        "after a warm-up",
        f"linear-or-better build growth (≤ corpus ratio +15%): {'YES' if growth_ok else 'NO'}; "
        f"load average now {benchlib.load_average()}",
    ]
    print(table("scaling: replicated plan (times s, sizes MB, latency ms)",
                ("size", "passages", "embed", "rest", "build", "growth", "rest gr.", "disk",
                 "vectors", "RSS Δ", "peak RSS", "search p50", "p95", "ask p50", "p95"),
                rows, notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
