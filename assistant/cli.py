"""`python -m assistant …`: thin commands over the library; errors become one line and exit 2."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from .embedding import ModelLoadError
from .expansions import ExpansionsError
from .glossary import GlossaryError
from .index import IndexUnusableError
from .outline import PlanFormatError, outline_to_dict, outline_tree
from .plans import PLANS, for_plan, load_plan, resolve_plan
from .settings import Settings
from .translations import TranslationsError, load_translations

__all__ = ["main"]


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_outline(args: argparse.Namespace, settings: Settings) -> int:
    plan = resolve_plan(args.plan, settings.plan_path.parent) if args.plan else (
        settings.plan_path, settings.plan)
    outline = load_plan(*plan)
    script = "simplified" if args.simplified else "traditional"
    if args.json:
        _print_json(outline_to_dict(outline, script))
    else:
        for line in outline_tree(outline, script):
            print(line)
    return 0


def _open(args: argparse.Namespace, settings: Settings):
    from .api import Assistant

    assistant = Assistant.open(settings, model=getattr(args, "model", None), progress=True)
    if assistant.rebuilt_because:
        for line in assistant.index.expansion_report:
            print(line, file=sys.stderr)
    return assistant


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    from .api import Assistant
    from .embedding import Embedder
    from .index import IndexUnusableError, PlanIndex

    if not args.force:
        try:
            embedder = Embedder.load(args.model or settings.embedding_model,
                                     models_dir=settings.models_dir)
            manifest = PlanIndex.check(settings.plan_index_dir, settings.plan_path,
                                       embedder.model_id, settings.expansions_path)
            print(f"index is current ({manifest['counts']['passages']} passages, model "
                  f"{manifest['model_id']}); use --force to rebuild")
            return 0
        except IndexUnusableError as err:
            print(f"building: {err}", file=sys.stderr)
    index = Assistant.build(settings, model=args.model)
    m = index.manifest
    print(f"built {settings.plan_index_dir}: {m['counts']['passages']} passages, "
          f"{m['counts']['sentences']} sentences, {m['counts']['expansion_questions']} expansion "
          f"questions; {m['dimension']}-d vectors of {m['model_id']} ({m['embedded']['fresh']} "
          f"embedded, {m['embedded']['cached']} from the cache), {m['build_seconds']} s")
    for line in index.expansion_report:
        print(line)
    translations = load_translations(settings.translations_path, index.passages)
    print(f"translations: English for {len(translations)} of {len(index.passages)} passages")
    for line in translations.ignored:
        print(line)
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    assistant = _open(args, settings)
    hits = assistant.search(_question(args.query), k=args.k, mode=args.mode)
    if args.json:
        _print_json([{"id": h.passage.id, "score": round(h.score, 6), "bm25_rank": h.bm25_rank,
                      "dense_rank": h.dense_rank, "citation": h.passage.place.to_dict(),
                      "heading": h.passage.heading, "text": h.passage.text} for h in hits])
        return 0
    for rank, h in enumerate(hits, start=1):
        print(f"{rank:2}. {h.score:.4f}  {h.passage.place.label()}")
        print(f"    {h.passage.text[:160]}")
    return 0


def cmd_locate(args: argparse.Namespace, settings: Settings) -> int:
    assistant = _open(args, settings)
    script = "simplified" if args.simplified else "traditional"
    found = assistant.locate(_question(args.query), k=args.k)
    if args.json:
        _print_json([{"rank": i, "score": round(loc.score, 6), "label": loc.place.label(script),
                      "title": assistant.title_of(loc.place), "citation": loc.place.to_dict(),
                      "snippet": loc.best.passage.text} for i, loc in enumerate(found, start=1)])
        return 0
    for i, loc in enumerate(found, start=1):
        print(f"{i}. {loc.place.label(script)}  {assistant.title_of(loc.place)}  ({loc.score:.4f})")
        print(f"   {loc.best.passage.text[:120]}")
    return 0


def cmd_align(args: argparse.Namespace, settings: Settings) -> int:
    from .align import AlignmentError, align, reference_place

    source_plan = args.source or "panyu"
    target_plan = args.to or ("national" if source_plan == "panyu" else "panyu")
    source = load_plan(*resolve_plan(source_plan, settings.plan_path.parent))
    try:
        place = reference_place(source, args.reference)
    except AlignmentError as err:
        raise UserError(str(err)) from err
    target = _open(args, for_plan(settings, target_plan))
    found = align(source, place, target, k=args.k)
    script = "simplified" if args.simplified else "traditional"
    if args.json:
        _print_json({"source": {"plan": source_plan, **place.to_dict(script)}, "target": target_plan,
                     "closest": [{"rank": i, "score": round(loc.score, 6),
                                  "label": target.titled(loc.place).label(script),
                                  "citation": loc.place.to_dict(script)}
                                 for i, loc in enumerate(found, start=1)]})
        return 0
    print(f"{place.label(script)} ({source_plan}) → closest in {target_plan}:")
    for i, loc in enumerate(found, start=1):
        print(f"{i}. {target.titled(loc.place).label(script)}  ({loc.score:.4f})")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from .answer import QuestionError
    from .library import plan_named
    from .render import answer_json, plain_text

    if args.plan is None and (named := plan_named(args.question)):
        settings = for_plan(settings, named)  # 国家纲要里… is answered from the national plan
    assistant = _open(args, settings)
    script = {"auto": None, "simplified": "simplified", "traditional": "traditional"}[args.script]
    try:
        answer = assistant.ask(args.question, history=args.history or (), script=script)
    except QuestionError as err:
        raise UserError(err.message("english")) from err
    if args.json:
        _print_json(answer_json(answer))
        return 0
    print(plain_text(answer))
    if answer.sources and not answer.refused:
        print()
        for source in answer.sources[:3]:
            print(f"  [{source.place.label(answer.label_script())}] {source.text[:100]}")
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from .evaluation import evaluate

    try:
        report = evaluate(_open(args, settings), args.set, out=args.out)
    except (OSError, ValueError) as err:
        raise UserError(str(err)) from err
    if args.json:
        _print_json(report)
    else:
        for line in report["table"]:
            print(line)
    return 0


def cmd_expand(args: argparse.Namespace, settings: Settings) -> int:
    from .expand import expand_passages
    from .llm import LLMRewriter
    from .passages import build_passages

    llm = LLMRewriter.from_settings(settings.llm)
    if llm is None:
        raise UserError("expand needs an OpenAI-compatible endpoint: set ASSISTANT_LLM_BASE_URL and "
                        "ASSISTANT_LLM_MODEL (see the README)")
    passages = build_passages(load_plan(settings.plan_path, settings.plan))
    path = settings.expansions_path or settings.plan_path.with_name("expansions.jsonl")
    result = expand_passages(passages, path, llm.chat, everything=args.all, limit=args.limit,
                             progress=lambda line: print(line, file=sys.stderr))
    print(f"{result.path}: new questions for {result.written} passages, {result.kept} kept"
          + (f"; no usable questions for {len(result.failed)} (passages "
             f"{', '.join(map(str, result.failed[:12]))}); run again to retry" if result.failed else ""))
    return 0 if not result.failed else 1


def _question(text: str) -> str:
    text = text.strip()
    if not text:
        raise UserError("the question is empty")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant",
        description="Ask the Panyu 14th Five-Year Plan; every answer cites chapter and section.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("outline", help="print the plan's outline tree")
    p.add_argument("--json", action="store_true", help="the whole tree as JSON")
    p.add_argument("--simplified", action="store_true", help="labels in Simplified Chinese")
    p.add_argument("--plan", help="a plan of the library (panyu, national) or a plan file")
    p.set_defaults(func=cmd_outline)

    p = sub.add_parser("build", help="build the search index (converts the default model once)")
    p.add_argument("--force", action="store_true", help="rebuild even if the index is current")
    p.add_argument("--model", help="sentence-transformers model name or path")
    p.add_argument("--plan", choices=sorted(PLANS), help="which plan of the library (default panyu)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("search", help="raw ranked passages, for debugging")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--mode", choices=("hybrid", "bm25", "dense"), default="hybrid")
    p.add_argument("--json", action="store_true")
    p.add_argument("--plan", choices=sorted(PLANS), help="which plan of the library (default panyu)")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("locate", help="staff mode: which sections, 專欄 or appendix tables cover it")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.add_argument("--simplified", action="store_true", help="labels in Simplified Chinese")
    p.add_argument("--plan", choices=sorted(PLANS), help="which plan of the library (default panyu)")
    p.set_defaults(func=cmd_locate)

    p = sub.add_parser("ask", help="answer a question from the plan, with citations")
    p.add_argument("question")
    p.add_argument("--history", action="append", help="an earlier question (repeat, oldest first)")
    p.add_argument("--script", choices=("auto", "simplified", "traditional"), default="auto")
    p.add_argument("--json", action="store_true")
    p.add_argument("--plan", choices=sorted(PLANS), help="which plan of the library (default panyu)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("align", help="staff: the sections of the other plan closest to a section")
    p.add_argument("reference", help="第八章第三节, 第八章, 专栏8 or 附件2 of the source plan")
    p.add_argument("--from", dest="source", choices=sorted(PLANS), help="source plan (default panyu)")
    p.add_argument("--to", choices=sorted(PLANS), help="target plan (default: the other one)")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.add_argument("--simplified", action="store_true", help="labels in Simplified Chinese")
    p.set_defaults(func=cmd_align)

    p = sub.add_parser("expand", help="write resident-question expansions with the configured LLM")
    p.add_argument("--all", action="store_true", help="rewrite every passage's, not only missing ones")
    p.add_argument("--limit", type=int, help="at most this many passages")
    p.set_defaults(func=cmd_expand)

    p = sub.add_parser("eval", help="citation hit@k, MRR (and answer figures) on a question file")
    p.add_argument("--set", required=True, help="questions, one JSON object a line")
    p.add_argument("--out", help="write one JSON line per question here")
    p.add_argument("--json", action="store_true")
    p.add_argument("--plan", choices=sorted(PLANS), help="which plan of the library (default panyu)")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace, Settings], int] = args.func
    try:
        settings = Settings.from_env()
        if args.command != "outline" and getattr(args, "plan", None):
            settings = for_plan(settings, args.plan)
        return func(args, settings)
    except (PlanFormatError, UserError, IndexUnusableError, ModelLoadError, ExpansionsError,
            GlossaryError, TranslationsError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
