"""The console script: ``cxkit report study.toml`` and ``cxkit study init``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv=None) -> int:
    """Run the ``cxkit`` command line; returns the exit status.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "events.csv").write_text("id_cliente;data_ora;evento\\n"
    ...                                         "C1;2024-01-02 10:00;purchase\\n")
    >>> main(["study", "init", "--events", str(folder / "events.csv"),
    ...       "--out", str(folder / "study.toml")])
    0
    >>> 'sep = ";"' in (folder / "study.toml").read_text()
    True
    """
    parser = argparse.ArgumentParser(prog="cxkit", description="cxkit: reports on your own "
                                     "customer-journey and survey files.")
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="write an HTML report of a study file")
    report.add_argument("study", help="the study file (study.toml)")
    report.add_argument("--out", help="output folder (default reports/<title>/)")
    study = commands.add_parser("study", help="study files")
    study_commands = study.add_subparsers(dest="action", required=True)
    init = study_commands.add_parser("init", help="write a starter study file from your files")
    init.add_argument("--events", help="the journey export (CSV)")
    init.add_argument("--survey", help="the survey file (CSV)")
    init.add_argument("--title", default="My study")
    init.add_argument("--out", default="study.toml", help="the file to write (study.toml)")
    args = parser.parse_args(argv)

    from .._check import DataError

    try:
        if args.command == "report":
            from .run import run_report

            print(f"cxkit report: {args.study}", file=sys.stderr)
            index = run_report(args.study, args.out,
                               progress=lambda line: print(line, file=sys.stderr, flush=True))
            print(index)
            return 0
        from .init import init_study

        out = Path(args.out)
        if out.exists():
            print(f"cxkit study init: {out} exists; remove it or pass --out", file=sys.stderr)
            return 2
        out.write_text(init_study(args.events, args.survey, title=args.title,
                                  folder=out.resolve().parent), encoding="utf-8")
        print(f"wrote {out}: check every line marked 'guessed' or 'CHECK', then run "
              f"`cxkit report {out}`", file=sys.stderr)
        return 0
    except DataError as err:
        print(f"cxkit: {err}", file=sys.stderr)
        return 2
