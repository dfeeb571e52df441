"""Run every benchmark in sequence (quality, speed, scaling, load) and print all their tables.

Why: one command (`make bench`) for the whole picture before a release. Each script runs in its own
process (so memory figures and models do not leak from one into the next); its tables are printed
as it finishes, then repeated together at the end with each script's exit status and duration.

    .venv/bin/python bench/run_all.py [--only quality speed] [--seconds 60]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("quality", "speed", "scaling", "load")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=SCRIPTS, help="run only these")
    parser.add_argument("--questions", help="question file for all scripts")
    parser.add_argument("--seconds", type=float, default=60.0, help="load test duration")
    args = parser.parse_args(argv)

    outputs: list[tuple[str, int, float, str]] = []
    for name in args.only or SCRIPTS:
        cmd = [sys.executable, str(HERE / f"{name}.py")]
        if args.questions:
            cmd += [args.questions] if name == "quality" else ["--questions", args.questions]
        if name == "load":
            cmd += ["--seconds", str(args.seconds)]
        print(f"\n##### {name} #####", flush=True)
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=HERE.parent, stdout=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - started
        print(proc.stdout, end="", flush=True)
        outputs.append((name, proc.returncode, elapsed, proc.stdout))

    print("\n\n################ all tables ################")
    for name, _, _, out in outputs:
        print(f"\n##### {name} #####\n{out.rstrip()}")
    print("\n== run_all: scripts ==")
    for name, code, elapsed, _ in outputs:
        print(f"{name:8} exit {code}  {elapsed:6.1f} s")
    return max((code for _, code, _, _ in outputs), default=0)


if __name__ == "__main__":
    sys.exit(main())
