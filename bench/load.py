"""Load: N simulated users chatting with the running app at once, through gradio_client.

Why: a district office shares one small server; several residents asking at the same time must
all get answers (0 errors), in acceptable time, without the app's memory creeping up.
The script starts `python app.py` itself on a free 127.0.0.1 port, waits for it, asks one warm-up
question, then N users (threads, one gradio_client.Client each) ask the question file's questions
in turn (each user starting at a different one) through the /chat endpoint for --seconds, or
until --max-requests calls were made; then it stops the app.

Reports throughput, latency p50/p95/max, errors (a failed call or an empty reply) and the app's
RSS (psutil when installed, else /proc/<pid>/status VmRSS) after start, after the warm-up and
after the load.

    .venv/bin/python bench/load.py [--users 8] [--seconds 60] [--max-requests 2000]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter

import benchlib
from benchlib import fmt, summary_ms, table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=8, help="concurrent users (default 8)")
    parser.add_argument("--seconds", type=float, default=60.0, help="duration (default 60)")
    parser.add_argument("--max-requests", type=int, default=2000,
                        help="stop after this many calls in all (default 2000)")
    parser.add_argument("--questions", default=str(benchlib.DEFAULT_QUESTIONS))
    parser.add_argument("--start-timeout", type=float, default=300.0,
                        help="seconds to wait for the app (a stale index is rebuilt first)")
    args = parser.parse_args(argv)
    benchlib.quiet_logs()

    from assistant.evaluation import load_questions

    questions = [q.question for q in load_questions(args.questions)]
    title = f"load: {args.users} users × {args.seconds:.0f} s against app.py (/chat)"
    app = benchlib.App().start()
    try:
        try:
            first = app.wait_client(timeout=args.start_timeout)
        except benchlib.AppError as err:
            print(table(title, ("figure", "value"), [["result", "n/a"]], [f"app did not start: {err}"]))
            return 2
        pid = app.proc.pid
        rss_start = benchlib.tree_rss_mb(pid)
        benchlib.chat(first, questions[0])
        rss_warm = benchlib.tree_rss_mb(pid)

        clients = [first] + [app.wait_client() for _ in range(args.users - 1)]
        lock = threading.Lock()
        latencies: list[float] = []
        errors: Counter[str] = Counter()
        issued = 0
        deadline = time.perf_counter() + args.seconds

        def user(n: int) -> None:
            nonlocal issued
            i = n * max(1, len(questions) // args.users)
            while time.perf_counter() < deadline:
                with lock:
                    if issued >= args.max_requests:
                        return
                    issued += 1
                question = questions[i % len(questions)]
                i += 1
                started = time.perf_counter()
                try:
                    benchlib.chat(clients[n], question)
                except Exception as err:  # counted, never fatal
                    with lock:
                        errors[f"{type(err).__name__}: {str(err)[:120]}"] += 1
                    continue
                with lock:
                    latencies.append(time.perf_counter() - started)

        threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(args.users)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.seconds + 300)
        wall = time.perf_counter() - began
        hung = sum(t.is_alive() for t in threads)
        rss_end = benchlib.tree_rss_mb(pid)
        alive = app.proc.poll() is None
        rebuilt = app.rebuilt()
    finally:
        app.cleanup()

    lat = summary_ms(latencies)
    n_err = sum(errors.values()) + hung
    rows = [
        ["users", str(args.users)],
        ["wall time (s)", fmt(wall)],
        ["requests answered", str(len(latencies))],
        ["errors", str(n_err)],
        ["throughput (answers/s)", fmt(len(latencies) / wall if wall else float("nan"), 2)],
        ["latency p50 (ms)", fmt(lat["p50"], 0)],
        ["latency p95 (ms)", fmt(lat["p95"], 0)],
        ["latency max (ms)", fmt(lat["max"], 0)],
        ["app RSS after start (MB)", fmt(rss_start, 0)],
        ["app RSS after warm-up (MB)", fmt(rss_warm, 0)],
        ["app RSS after load (MB)", fmt(rss_end, 0)],
        ["app RSS growth under load (MB)",
         fmt((rss_end - rss_warm) if rss_end is not None and rss_warm is not None else None, 0)],
    ]
    notes = [f"target: 0 errors with ≥ 8 users → "
             f"{'MET' if n_err == 0 and args.users >= 8 and latencies else 'NOT MET'}; "
             f"app still running at the end: {'yes' if alive else 'NO'}; "
             f"load average {benchlib.load_average()}"]
    if rebuilt:
        notes.append("note: the app rebuilt a stale index at start")
    if hung:
        notes.append(f"{hung} user thread(s) still waiting at the end (counted as errors)")
    notes += [f"error ×{n}: {e}" for e, n in errors.most_common(5)]
    print(table(title, ("figure", "value"), rows, notes))
    return 0 if n_err == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
