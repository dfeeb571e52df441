"""Answer quality: our assistant vs a plain langchain RAG baseline, on one question file.

Why: the assistant's parser, passages, hybrid search and extractive answerer are only worth their
code if they beat what a few lines of langchain give on the same plan and the same embedding model.
Measured on the question file (default ../shared/eval/dev.jsonl):

- ours: `Assistant.open()` and `ask` for every question (a QuestionError counts as a refusal);
- baseline, built in this run from the raw plan text (junk first line dropped, no parser):
  RecursiveCharacterTextSplitter(500, overlap 50, Chinese separators, keep_separator="end") →
  HuggingFaceEmbeddings over the converted e5 folder (prompt_name document/query) → FAISS, top-5
  chunks; a chunk's citation is the chapter/section where it starts (heading lines located in the
  raw text); its answer is the top chunk's text (and, in a second row, the top 5 chunks'); it
  never refuses.

Prints citation hit@1/3/5 and MRR (answerable questions), fact recall, refusal of unanswerable
questions, false refusals, the differences ours − baseline in points, and hit@1 by question kind.

    .venv/bin/python bench/quality.py [QUESTIONS]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import benchlib
from benchlib import Timer, table

COLUMNS = ("hit@1", "hit@3", "hit@5", "mrr", "fact_recall", "refused_unanswerable", "false_refusal")
HEADERS = ("system", "n", "hit@1", "hit@3", "hit@5", "MRR", "fact rec.", "refused unans.",
           "false refusal")
TARGET_POINTS = 15.0


def _pct(fig: dict, key: str) -> str:
    return f"{100 * fig[key]:.1f}" if key in fig else "n/a"


def _row(name: str, fig: dict) -> list[str]:
    return [name, str(int(fig.get("n", 0)))] + [_pct(fig, c) for c in COLUMNS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", nargs="?", default=str(benchlib.DEFAULT_QUESTIONS),
                        help="question file (JSON lines; default ../shared/eval/dev.jsonl)")
    parser.add_argument("-k", type=int, default=5, help="baseline chunks retrieved (default 5)")
    args = parser.parse_args(argv)
    benchlib.quiet_logs()

    from assistant.api import Assistant
    from assistant.evaluation import answer_result, load_questions, summarise

    path = Path(args.questions)
    questions = load_questions(path)
    print(f"quality: {len(questions)} questions from {path}", file=sys.stderr, flush=True)

    with Timer() as t_open:
        assistant = Assistant.open(progress=False)
    with Timer() as t_ours:
        ours = [answer_result(assistant, q) for q in questions]
    with Timer() as t_base_build:
        baseline = benchlib.Baseline.build()
    with Timer() as t_base:
        base1 = [baseline.result(q, k=args.k, answer_chunks=1) for q in questions]
    base5 = [baseline.result(q, k=args.k, answer_chunks=args.k) for q in questions]

    s_ours = summarise(ours, with_answers=True)
    s_b1 = summarise(base1, with_answers=True)
    s_b5 = summarise(base5, with_answers=True)
    o, b = s_ours["overall"], s_b1["overall"]
    rows = [_row("ours (ask)", o), _row("baseline, answer = top chunk", b),
            _row(f"baseline, answer = top {args.k} chunks", s_b5["overall"])]
    diff = ["ours − baseline (points)", ""]
    for c in COLUMNS:
        diff.append(f"{100 * (o[c] - b[c]):+.1f}" if c in o and c in b else "n/a")
    rows.append(diff)
    counts = baseline.sections.counts()
    gain = 100 * (o.get("hit@1", 0) - b.get("hit@1", 0))
    notes = [
        f"figures in %; hit@k/MRR over answerable questions; refusals: ours refuses, the "
        f"baseline never does; baseline: {baseline.chunks} chunks, headings found "
        f"{counts[0]} chapters / {counts[1]} sections / {counts[2]} appendices",
        f"target: ours ≥ baseline + {TARGET_POINTS:.0f} points citation hit@1 → "
        f"{'MET' if gain >= TARGET_POINTS else 'NOT MET'} ({gain:+.1f})",
        f"time: assistant open {t_open.seconds:.1f} s, {len(questions)} asks {t_ours.seconds:.1f} s; "
        f"baseline build {t_base_build.seconds:.1f} s (model load "
        f"{baseline.timings['model_load']:.1f} s), {len(questions)} queries {t_base.seconds:.2f} s",
    ]
    if assistant.rebuilt_because:
        notes.append(f"note: the index was rebuilt first ({assistant.rebuilt_because})")
    print(table(f"quality: ours vs plain langchain RAG ({path.name})", HEADERS, rows, notes))

    kinds = [k for k in s_ours if k.startswith(("kind=", "script="))]
    sizes = {k: sum(f"{k.split('=')[0]}={getattr(q, k.split('=')[0])}" == k for q in questions)
             for k in kinds}
    kind_rows = []
    for k in kinds:
        fo, fb = s_ours[k], s_b1.get(k, {})
        if "hit@1" not in fo:
            kind_rows.append([k, str(sizes[k]), "n/a", "n/a", "n/a",
                              _pct(fo, "refused_unanswerable"), "0.0"])
            continue
        kind_rows.append([k, str(sizes[k]), _pct(fo, "hit@1"), _pct(fb, "hit@1"),
                          f"{100 * (fo['hit@1'] - fb['hit@1']):+.1f}",
                          _pct(fo, "refused_unanswerable"), _pct(fb, "refused_unanswerable")])
    print()
    print(table("quality by kind and script (hit@1 %, refusal of unanswerable %)",
                ("group", "n", "ours hit@1", "base hit@1", "diff", "ours refused", "base refused"),
                kind_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
