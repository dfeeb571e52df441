"""`python -m assistant …`: thin commands over the library; errors become one line and exit 2."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from .outline import PlanFormatError, load_outline, outline_to_dict, outline_tree
from .settings import Settings

__all__ = ["main"]


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_outline(args: argparse.Namespace, settings: Settings) -> int:
    outline = load_outline(args.plan or settings.plan_path)
    script = "simplified" if args.simplified else "traditional"
    if args.json:
        _print_json(outline_to_dict(outline, script))
    else:
        for line in outline_tree(outline, script):
            print(line)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant",
        description="Ask the Panyu 14th Five-Year Plan; every answer cites chapter and section.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("outline", help="print the plan's outline tree")
    p.add_argument("--json", action="store_true", help="the whole tree as JSON")
    p.add_argument("--simplified", action="store_true", help="labels in Simplified Chinese")
    p.add_argument("--plan", help="another copy of the plan text")
    p.set_defaults(func=cmd_outline)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace, Settings], int] = args.func
    try:
        return func(args, Settings.from_env())
    except (PlanFormatError, UserError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
