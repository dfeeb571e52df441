"""Calibrate the refusal evidence model by 5-fold cross-validation; print the confusion matrix.

Why: rules by category catch instructions, advice, rankings, live data, other places and periods;
what is left — a question the plan simply does not cover — is told apart by how well the
retrieved text matches (term coverage, cosines of the best passage, sentence and resident
question, agreement of BM25 and dense). A logistic model over those features is fitted on labelled
questions; its weights go into `assistant/tuning.py` (EVIDENCE_WEIGHTS, EVIDENCE_BIAS).

    .venv/bin/python bench/calibrate_refusal.py [--sets A.jsonl B.jsonl …] [--folds 5]

Prints, per fold and overall, the whole refusal pipeline's confusion matrix (rules + model) on
the held-out fold, the recall of each unanswerable category, and the weights fitted on all data.
Questions that need a conversation (`history`) are left out: their refusal depends on the turn.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_SETS = (ROOT / "bench" / "refusal_set.jsonl", ROOT / "bench" / "own_questions.jsonl",
                ROOT.parent / "shared" / "eval" / "dev.jsonl")
L2 = 1.0  # ridge penalty on standardised weights


def fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression by Newton's method; returns raw-scale weights and bias."""
    mean, sd = x.mean(0), x.std(0)
    sd[sd == 0] = 1.0
    z = np.hstack([(x - mean) / sd, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.diag([L2] * (z.shape[1] - 1) + [0.0])
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (weight * (p - y)) + penalty @ w
        hess = (z * (weight * p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    raw = w[:-1] / sd
    return raw, float(w[-1] - (w[:-1] * mean / sd).sum())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=[str(p) for p in DEFAULT_SETS])
    parser.add_argument("--answerable-from", nargs="*", default=[],
                        help="sets whose answerable questions only are added (tuning sets whose "
                             "unanswerable ones are in-topic figures the plan does not give, "
                             "which the answerer's figure checks refuse, not this model)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--balance", type=float, default=0.15,
                        help="weight of the unanswerable questions that pass every rule, relative "
                             "to all answerable ones together (1 = as much)")
    parser.add_argument("--show", action="store_true", help="list the answerable questions refused")
    parser.add_argument("--without-expansions", action="store_true",
                        help="the model for plans that have no resident-question expansions: "
                             "retrieval without them (own index folder), expansion_top left out")
    args = parser.parse_args(argv)

    from dataclasses import replace

    from assistant.api import Assistant
    from assistant.refusal import EVIDENCE_FEATURES
    from assistant.settings import Settings

    settings = Settings.from_env()
    if args.without_expansions:
        settings = replace(settings, expansions_path=None, plan="without-expansions")
    assistant = Assistant.open(settings, progress=False)
    rows = []
    sources = [(path, False) for path in args.sets] + [(path, True) for path in args.answerable_from]
    for path, answerable_only in sources:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            if d.get("history") or (answerable_only and d["kind"] == "unanswerable"):
                continue
            evidence, rule = assistant.answerer.assess(d["question"])
            category = d.get("category") or ("unanswerable" if d["kind"] == "unanswerable"
                                             else "answerable")
            features = evidence.features()
            if args.without_expansions:  # a constant: the fit gives it no weight
                features = tuple(0.0 if name == "expansion_top" else v
                                 for name, v in zip(EVIDENCE_FEATURES, features, strict=True))
            rows.append((d["kind"] != "unanswerable", category, rule, features, d["question"],
                         evidence.found_whole))
    y = np.array([r[0] for r in rows], dtype=float)
    x = np.array([r[3] for r in rows], dtype=float)
    ruled = np.array([r[2] is not None for r in rows])
    whole = np.array([r[5] for r in rows])  # every term found where both retrievers agree: kept
    # balance: the few unanswerable questions that pass every rule weigh as much as the rest
    free = ~ruled
    n_pos, n_neg = (y[free] == 1).sum(), (y[free] == 0).sum()
    weight = np.where(y == 1, 1.0, args.balance * n_pos / max(n_neg, 1))

    rng = np.random.default_rng(0)
    fold = rng.permutation(len(rows)) % args.folds
    refused = np.zeros(len(rows), dtype=bool)
    for k in range(args.folds):
        train = free & (fold != k)
        w, b = fit(x[train], y[train], weight[train])
        test = fold == k
        refused[test] = ruled[test] | ((x[test] @ w + b < 0) & ~whole[test])
    print(f"{len(rows)} questions ({int(y.sum())} answerable, {int((1 - y).sum())} unanswerable); "
          f"{int(ruled.sum())} decided by a category rule")
    print("cross-validated confusion matrix (rows: truth, columns: what the assistant did)")
    print(f"{'':14}{'answered':>10}{'refused':>10}")
    for label, truth in (("answerable", 1), ("unanswerable", 0)):
        members = y == truth
        print(f"{label:14}{int((members & ~refused).sum()):10d}{int((members & refused).sum()):10d}")
    unanswerable = y == 0
    print(f"unanswerable refused: {refused[unanswerable].mean():.3f}; "
          f"false refusals: {refused[~unanswerable].mean():.3f}")
    by_rule = Counter(r[2] for r in rows if r[0] and r[2])
    print(f"answerable refused by a rule: {sum(by_rule.values())} ({dict(by_rule)}); "
          f"by the evidence model: {int((refused & ~ruled & (y == 1)).sum())}")
    if args.show:
        for r, ref in zip(rows, refused, strict=True):
            if r[0] and ref:
                print("  answerable refused:", r[2] or "evidence", r[4])
            if not r[0] and not ref:
                print("  unanswerable answered:", r[1], r[4])
    per = Counter(r[1] for r in rows if not r[0])
    hit = Counter(r[1] for r, ref in zip(rows, refused, strict=True) if not r[0] and ref)
    print("by category: " + ", ".join(f"{c} {hit[c]}/{n}" for c, n in sorted(per.items())))
    w, b = fit(x[free], y[free], weight[free])
    print("fitted on all (paste into assistant/tuning.py):")
    suffix = "_WITHOUT_EXPANSIONS" if args.without_expansions else ""
    print(f"EVIDENCE_WEIGHTS{suffix} = ({', '.join(f'{v:.4f}' for v in w)})"
          f"  # {', '.join(EVIDENCE_FEATURES)}")
    print(f"EVIDENCE_BIAS{suffix} = {b:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
