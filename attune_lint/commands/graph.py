"""``attune-lint graph PATH...``: draw workflows' task graphs, with their findings marked."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from attune_lint.exit_status import EXIT_OK, EXIT_USAGE

FORMATS = ("mermaid", "dot", "json")  # attune_lint.graph.FORMATS, without importing it at start-up


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "graph", help="draw workflow task graphs (Mermaid, Graphviz DOT or JSON)",
        description="Draw the task graph of each workflow file (PATH may be a workflow file, a pack or a "
                    "folder of packs) as the platform runs it: legacy fields become the transitions the "
                    "registrar makes of them, a dropped legacy field draws nothing. Tasks and transitions "
                    "with findings are drawn in the error/warning style with the rule code; unreachable "
                    "tasks are dimmed; entry tasks are marked with a triangle. See docs/graph.md.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="workflow files, packs or folders of packs (default: .)")
    parser.add_argument("--format", "-f", choices=FORMATS, default="mermaid",
                        help="mermaid: a 'flowchart TD' diagram (several workflows: a Markdown document with "
                             "one fenced block each); dot: Graphviz input for 'dot -Tsvg'; json: nodes and "
                             "edges for other tools (default: mermaid)")
    parser.add_argument("--output", "-o", metavar="FILE", default=None,
                        help="write the graph to FILE (atomically) instead of standard output")
    parser.add_argument("--no-config", action="store_true",
                        help="ignore configuration files when computing the findings drawn on the graph")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="read lint settings (rule selection, severities) from FILE")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from attune_lint.files import write_atomic
    from attune_lint.graph import graphs_of_run, render
    from attune_lint.run import lint
    from attune_lint.settings.file import ConfigError, load_settings
    from attune_lint.settings.record import Settings

    missing = [p for p in args.paths if not os.path.lexists(p)]
    if missing:
        print("attune-lint: no such file or folder: " + ", ".join(missing), file=sys.stderr)
        return EXIT_USAGE
    try:
        settings = Settings(origins={}) if args.no_config else load_settings(Path(args.config) if args.config else None)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    result = lint(args.paths or ["."], settings, jobs=1, cache=None)
    graphs = graphs_of_run(result)
    if not graphs:
        print("attune-lint: no workflow files found in " + ", ".join(args.paths or ["."]), file=sys.stderr)
        return EXIT_USAGE
    text = render(graphs, args.format)
    if args.output:
        try:
            write_atomic(Path(args.output), text)
        except OSError as exc:
            print(f"attune-lint: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
    else:
        sys.stdout.write(text)
    return EXIT_OK
