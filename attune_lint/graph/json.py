"""JSON: the graphs' nodes, edges, parallel groups and findings, for other tools."""
from __future__ import annotations

import json

from attune_lint.graph.model import Graph

VERSION = 1


def render_many(graphs: list[Graph]) -> str:
    return json.dumps({"version": VERSION, "workflows": [g.to_json() for g in graphs]},
                      indent=2, ensure_ascii=False) + "\n"
