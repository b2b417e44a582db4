"""Shared by the graph tests: build graphs in-process and check Mermaid output's structure."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from attune_lint.graph import graphs_of_run
from attune_lint.graph.model import Graph
from attune_lint.run import lint

NODE = re.compile(r'^\s*(?P<id>[tu]\d+|empty|omitted)(?P<open>\(\[|\[\[|\{\{|\[)"(?P<label>[^"]*)"(?P<close>\]\)|\]\]|\}\}|\])$')
EDGE = re.compile(r'^\s*(?P<src>[tu]\d+) (?P<arrow>-->|-\.->)(?:\|"(?P<label>[^"]*)"\|)? (?P<dst>[tu]\d+)$')
SUBGRAPH = re.compile(r'^\s*subgraph (?P<id>g\d+)\["(?P<label>[^"]*)"\]$')
CLASSDEF = re.compile(r"^\s*classDef [a-z]+ [a-z0-9:#,.\- ]+$")
CLASS = re.compile(r"^\s*class (?P<ids>[tu]\d+(?:,[tu]\d+)*) [a-z]+$")
LINKSTYLE = re.compile(r"^\s*linkStyle (?P<index>\d+) [a-z0-9:#,.\- ]+$")
# what a label may hold: safe characters, entity codes, and our own line breaks
LABEL = re.compile(r"^(?:[A-Za-z0-9 _.,:\-/+=*!?@]|#\d+;|<br/>)*$")
PAIRS = {"([": "])", "[[": "]]", "{{": "}}", "[": "]"}


def graphs(paths: list[str | Path]) -> list[Graph]:
    return graphs_of_run(lint(paths))


def check_mermaid(text: str) -> None:
    """Structural check of a ``flowchart TD``: every line is a known statement, every id used
    by an edge, class or linkStyle is defined, labels are escaped, subgraphs are balanced."""
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "flowchart TD", lines[0]
    defined: set[str] = set()
    edges = 0
    depth = 0
    used: list[str] = []
    styled: list[int] = []
    for line in lines[1:]:
        if m := NODE.match(line):
            assert PAIRS[m["open"]] == m["close"], line
            assert m["id"] not in defined, f"node defined twice: {line}"
            assert LABEL.match(m["label"]), f"unescaped label: {line}"
            defined.add(m["id"])
        elif m := EDGE.match(line):
            assert LABEL.match(m["label"] or ""), f"unescaped label: {line}"
            used.extend([m["src"], m["dst"]])
            edges += 1
        elif m := SUBGRAPH.match(line):
            assert LABEL.match(m["label"]), f"unescaped label: {line}"
            depth += 1
        elif line.strip() == "end":
            depth -= 1
            assert depth >= 0, "'end' without subgraph"
        elif CLASSDEF.match(line):
            pass
        elif m := CLASS.match(line):
            used.extend(m["ids"].split(","))
        elif m := LINKSTYLE.match(line):
            styled.append(int(m["index"]))
        else:
            raise AssertionError(f"not a known Mermaid statement: {line!r}")
    assert depth == 0, "unbalanced subgraph"
    undefined = sorted(set(used) - defined)
    assert not undefined, f"ids used but not defined: {undefined}"
    assert all(0 <= i < edges for i in styled), "linkStyle of an edge that does not exist"
    assert edges <= 500, "Mermaid refuses more than 500 edges"
    assert len(text) <= 50_000, "Mermaid refuses more than 50 000 characters"


def dot_accepts(text: str) -> subprocess.CompletedProcess[bytes]:
    dot = shutil.which("dot")
    assert dot is not None
    return subprocess.run([dot, "-Tsvg"], input=text.encode("utf-8"), capture_output=True, timeout=300)
