"""The fixes, one function per fix, each computing text edits for one finding.

A fixer gets the file's text and positioned tree and the finding, and returns the edits
that fix it, or ``None`` when the finding is not in a shape it can rewrite safely (the
finding then stays, unfixed). Nothing here imports a YAML library: positions come from the
tree the linter already built, so reporters can show a fix without loading more.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

from attune_lint.check.workflow_view import LEGACY_CONDITIONS, LEGACY_TASK_KEYS
from attune_lint.diagnostics import Diagnostic, Span
from attune_lint.document.tree import AnyNode, MappingNode, ScalarNode, SequenceNode, to_python
from attune_lint.fix.edits import Edit, LineIndex, apply_edits

Fixer = Callable[["FixContext", Diagnostic], "list[Edit] | None"]


@dataclass
class FixContext:
    """What a fixer sees of one file."""

    text: str
    root: MappingNode
    kind: str = "unknown"
    _index: LineIndex | None = None
    _starts: "dict[tuple[int, int], list[tuple[AnyNode | None, ScalarNode | None, AnyNode]]] | None" = None

    def starting_at(self, span: Span) -> "list[tuple[AnyNode | None, ScalarNode | None, AnyNode]]":
        """(container, key, node) of the nodes and keys that start where ``span`` starts
        (an index built once per file: reporters ask for every finding)."""
        if self._starts is None:
            starts: dict[tuple[int, int], list[tuple[AnyNode | None, ScalarNode | None, AnyNode]]] = {}
            for container, key, node in _walk(self.root):
                starts.setdefault((node.start.line, node.start.column), []).append((container, key, node))
                if key is not None:
                    starts.setdefault((key.start.line, key.start.column), []).append((container, key, node))
            self._starts = starts
        return self._starts.get((span.line, span.column), [])

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    def source(self, node: AnyNode) -> str:
        return self.text[node.start.index:node.end.index]

    def line_of(self, offset: int) -> int:
        return self.index.position(offset)[0]


# -- finding nodes ---------------------------------------------------------------------------


def _walk(node: AnyNode | None, parent: AnyNode | None = None) -> Iterator[tuple[AnyNode | None, ScalarNode | None, AnyNode]]:
    """(container, key or None, node) for every node below ``node``."""
    stack: list[tuple[AnyNode | None, ScalarNode | None, AnyNode]] = []
    if node is not None:
        stack.append((parent, None, node))
    seen: set[int] = set()
    while stack:
        container, key, current = stack.pop()
        if id(current) in seen:  # an alias: the anchored node is visited once
            continue
        seen.add(id(current))
        yield container, key, current
        if isinstance(current, MappingNode):
            for k, v in reversed(current.pairs):
                if isinstance(k, ScalarNode):
                    stack.append((current, k, v))
        elif isinstance(current, SequenceNode):
            for item in reversed(current.items):
                stack.append((current, None, item))


def _at(node: AnyNode, span: Span) -> bool:
    return node.start.line == span.line and node.start.column == span.column


def key_at(ctx: FixContext, span: Span) -> tuple[MappingNode, ScalarNode, AnyNode] | None:
    """The block-mapping pair whose key starts where ``span`` starts."""
    for container, key, node in ctx.starting_at(span):
        if isinstance(container, MappingNode) and key is not None and _at(key, span):
            return container, key, node
    return None


def value_at(ctx: FixContext, span: Span) -> tuple[AnyNode | None, ScalarNode | None, AnyNode] | None:
    for container, key, node in ctx.starting_at(span):
        if _at(node, span) and (key is None or not _at(key, span)):
            return container, key, node
    return None


def _content_end(node: AnyNode) -> int:
    """Offset just after the last character that belongs to ``node`` (block collections end
    at their last scalar, not at the next key as the composer says; a block scalar, ``|`` or
    ``>``, ends before the line break that the composer counts in: its end is the start of
    the next line, and a region taken to the end of *that* line would swallow the next key)."""
    if isinstance(node, MappingNode) and not node.flow and node.pairs:
        key, value = node.pairs[-1]
        return max(_content_end(key), _content_end(value))
    if isinstance(node, SequenceNode) and not node.flow and node.items:
        return _content_end(node.items[-1])
    if isinstance(node, ScalarNode) and node.style in ("|", ">") and node.end.index > node.start.index:
        return node.end.index - 1
    return node.end.index


def _single_line(ctx: FixContext, node: AnyNode) -> bool:
    return "\n" not in ctx.source(node)


def _pairs_unique(mapping: MappingNode) -> bool:
    keys = [k.value for k, _ in mapping.pairs if isinstance(k, ScalarNode)]
    return len(keys) == len(set(map(str, keys))) == len(mapping.pairs)


# -- comments and lines ----------------------------------------------------------------------


def _trailing_comment(ctx: FixContext, after: int) -> str:
    """The ``# ...`` after ``after`` on its line ('' when there is none)."""
    end = ctx.text.find("\n", after)
    rest = ctx.text[after:len(ctx.text) if end < 0 else end].rstrip("\r").strip()
    return rest if rest.startswith("#") else ""


def _comment_lines_before(ctx: FixContext, offset: int, floor: int) -> tuple[int, list[str]]:
    """Full-line comments right above the line of ``offset`` (not above ``floor``): the start
    offset of the first one (or of the line) and their texts."""
    index = ctx.index
    line = ctx.line_of(offset)
    start = index.starts[line - 1]
    comments: list[str] = []
    while line > 1:
        previous = index.starts[line - 2]
        if previous < floor:
            break
        text = ctx.text[previous:index.starts[line - 1]].strip()
        if not text.startswith("#"):
            break
        comments.insert(0, text)
        start = previous
        line -= 1
    return start, comments


def _inner_comments(ctx: FixContext, start: int, end: int, skip: set[int]) -> list[str]:
    """Every comment in ``text[start:end]``, full-line or trailing, except on lines in ``skip``."""
    found: list[str] = []
    if start >= end:
        return found
    index = ctx.index
    first, last = ctx.line_of(start), ctx.line_of(max(start, end - 1))
    for line in range(first, last + 1):
        if line in skip:
            continue
        text = ctx.text[index.starts[line - 1]:index.starts[line] if line < len(index.starts) else len(ctx.text)]
        position = _comment_start(text)
        if position is not None:
            found.append(text[position:].strip())
    return found


def _comment_start(line: str) -> int | None:
    """Where a comment starts on a line (outside quotes), or None."""
    quote: str | None = None
    for i, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
            continue
        if char in "'\"" and (i == 0 or line[i - 1] in " \t[{,:-"):
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
    return None


def _indent_of_line(ctx: FixContext, offset: int) -> str | None:
    """The whitespace before ``offset`` on its line, or None when something else is there."""
    start = ctx.index.line_start(offset)
    prefix = ctx.text[start:offset]
    return prefix if prefix.strip(" ") == "" else None


def _entry_region(ctx: FixContext, mapping: MappingNode, key: ScalarNode, value: AnyNode,
                  with_comments: bool = True) -> tuple[int, int, list[str]] | None:
    """The lines a block-mapping entry takes (with the comment lines right above it)."""
    if _indent_of_line(ctx, key.start.index) is None:
        return None  # the first key of a '- ' item: the dash is on its line
    floor = _previous_content_end(mapping, key)
    if with_comments:
        start, comments = _comment_lines_before(ctx, key.start.index, floor)
    else:
        start, comments = ctx.index.line_start(key.start.index), []
    end = ctx.index.line_end(max(key.end.index, _content_end(value)))
    return start, end, comments


def _previous_content_end(mapping: MappingNode, key: ScalarNode) -> int:
    previous = 0
    for k, v in mapping.pairs:
        if k is key:
            break
        previous = max(_content_end(k), _content_end(v))
    return previous


def _shift(text: str, columns: int) -> str:
    """Indent every line of ``text`` but the first by ``columns`` more spaces."""
    lines = text.split("\n")
    return "\n".join([lines[0], *[(" " * columns + line) if line.strip() else line for line in lines[1:]]])


# -- legacy transitions → next ---------------------------------------------------------------


def _task_at(ctx: FixContext, key_span: Span) -> tuple[MappingNode, int, list[int]] | None:
    """The task (top-level or direct sub-task) holding the key at ``key_span``, its depth and
    its index path."""
    places = ctx.__dict__.get("_task_places")
    if places is None:  # id(task) → (depth, index path), for every task the platform converts
        places = ctx.__dict__["_task_places"] = {}
        tasks = ctx.root.get("tasks")
        for i, task in enumerate(tasks.items if isinstance(tasks, SequenceNode) else []):
            if isinstance(task, MappingNode):
                places.setdefault(id(task), (task, 0, [i]))
                subtasks = task.get("tasks")
                for j, sub in enumerate(subtasks.items if isinstance(subtasks, SequenceNode) else []):
                    if isinstance(sub, MappingNode):
                        places.setdefault(id(sub), (sub, 1, [i, j]))
    for container, key, _ in ctx.starting_at(key_span):
        if key is not None and _at(key, key_span) and id(container) in places:
            return places[id(container)]
    return None


@dataclass
class _Transition:
    when: str | None
    do: str | None
    when_comment: str = ""
    do_comment: str = ""
    before: tuple[str, ...] = ()
    publish: str | None = None  # the publish entry's text from 'publish:' on, lines unshifted
    publish_before: tuple[str, ...] = ()


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def migrate_legacy(ctx: FixContext, diagnostic: Diagnostic) -> list[Edit] | None:
    """AL310: the task's legacy fields become one ``next`` list, as the platform builds it."""
    found = _task_at(ctx, diagnostic.span)
    if found is None:
        return None
    task = found[0]
    cache = ctx.__dict__.setdefault("_migrations", {})
    if id(task) not in cache:  # one task, several findings (one per legacy field): computed once
        cache[id(task)] = _migrate_task(ctx, *found)
    edits = cache[id(task)]
    return list(edits) if edits is not None else None


def _migrate_task(ctx: FixContext, task: MappingNode, depth: int, where: list[int]) -> list[Edit] | None:
    if task.flow or not _pairs_unique(task):
        return None
    nxt = task.get("next")
    if nxt is not None:
        return None  # an empty 'next' beside legacy fields: left to the author
    entries = [(k, v) for k, v in task.pairs if isinstance(k, ScalarNode) and k.value in LEGACY_TASK_KEYS]
    if not entries:
        return None
    regions: dict[str, tuple[int, int, list[str]]] = {}
    for key, value in entries:
        region = _entry_region(ctx, task, key, value)
        if region is None:
            return None
        regions[str(key.value)] = region
    values = {str(k.value): v for k, v in entries}
    keys = {str(k.value): k for k, _ in entries}

    transitions: list[_Transition] = []
    orphans: list[str] = []  # comments of fields that make no transition (null, empty lists)

    def orphan(name: str) -> None:
        start, end, comments = regions[name]
        orphans.extend(comments + _inner_comments(ctx, keys[name].start.index, end, set()))

    for name, when in LEGACY_CONDITIONS.items():  # the platform's order
        value = values.get(name)
        if value is None:
            continue
        if not isinstance(value, ScalarNode):
            return None  # the list-of-{when, do} form is not Attune: left to the author
        if value.value is None:
            orphan(name)
            continue
        if not _single_line(ctx, value):
            return None
        start, _, comments = regions[name]
        # A value on a line of its own: comments after the key and on the lines between
        # move with it (the value's own line keeps its comment as the target's).
        value_line = ctx.line_of(value.start.index)
        between = (_inner_comments(ctx, keys[name].end.index, value.start.index, {value_line})
                   if value_line > ctx.line_of(keys[name].end.index) else [])
        transitions.append(_Transition(
            when=None if when is None else _quoted(when), do=ctx.source(value),
            do_comment=_trailing_comment(ctx, value.end.index), before=(*comments, *between)))
    decision = values.get("decision")
    if decision is not None and not (isinstance(decision, ScalarNode) and decision.value is None):
        branches = _decision(ctx, decision, keys["decision"], regions["decision"][2])
        if branches is None:
            return None
        if branches:
            transitions.extend(branches)
        else:
            orphan("decision")
    elif decision is not None:
        orphan("decision")
    publish = values.get("publish")
    if publish is not None and not (isinstance(publish, ScalarNode) and publish.value is None):
        if not isinstance(publish, SequenceNode):
            return None
        if not publish.items:
            orphan("publish")
        else:
            key = keys["publish"]
            entry = ctx.text[key.start.index:max(key.end.index, _content_end(publish))]
            comments = regions["publish"][2]
            plain = [_plain_when(t.when) for t in transitions]
            succeeded = next((i for i, w in enumerate(plain) if "succeeded()" in (w or "")), None)
            if succeeded is not None:
                target = transitions[succeeded]
            elif not transitions:
                target = _Transition(when=_quoted(str(LEGACY_CONDITIONS["on_success"])), do=None)
                transitions.append(target)
            else:
                target = transitions[0]
            target.publish = entry
            target.publish_before = tuple(comments)
    elif publish is not None:
        orphan("publish")

    indent = _indent_of_line(ctx, keys[entries[0][0].value].start.index) or ""
    ordered = sorted(regions.values())
    text = _render_next(ctx, indent, transitions, ordered, entries) if transitions else ""
    if orphans:
        newline = "\r\n" if "\r\n" in ctx.text else "\n"
        text = "".join(indent + c + newline for c in orphans) + text
    edits = [Edit(ordered[0][0], ordered[0][1], text)]
    edits.extend(Edit(start, end, "") for start, end, _ in ordered[1:])
    if not _same_task_graph(ctx, task, edits, where, depth):
        return None
    return edits


def _plain_when(source: str | None) -> str | None:
    if source is None:
        return None
    from attune_lint.document.reader import load_yaml_text

    document = load_yaml_text(f"w: {source}\n", "<when>")
    data = document.data
    value = data.get("w")
    return value if isinstance(value, str) else None


def _decision(ctx: FixContext, decision: AnyNode, key: ScalarNode,
              comments_above: list[str]) -> list[_Transition] | None:
    if not isinstance(decision, SequenceNode):
        return None
    branches: list[_Transition] = []
    pending = list(comments_above)
    after_key = key.end.index + (1 if ctx.text[key.end.index:key.end.index + 1] == ":" else 0)
    key_comment = _trailing_comment(ctx, after_key)
    if key_comment and not decision.flow:
        pending.append(key_comment)
    previous_end = key.end.index if not decision.flow else decision.start.index
    for branch in decision.items:
        if not isinstance(branch, MappingNode) or not _pairs_unique(branch):
            return None
        if set(map(str, branch.keys())) - {"when", "next", "default"}:
            return None
        target, when = branch.get("next"), branch.get("when")
        if not isinstance(target, ScalarNode) or target.value is None or not _single_line(ctx, target):
            return None
        if when is not None and (not isinstance(when, ScalarNode) or when.value is None or not _single_line(ctx, when)):
            return None
        when_line = ctx.line_of(when.end.index) if when is not None else -1
        next_line = ctx.line_of(target.end.index)
        if when_line == next_line and not branch.flow:
            return None
        if not decision.flow:
            branch_start = ctx.index.line_start(branch.start.index)
            branch_end = ctx.index.line_end(_content_end(branch))
            skip = {next_line} | ({when_line} if when_line > 0 else set())
            others = _inner_comments(ctx, ctx.index.line_end(previous_end) if previous_end else branch_start,
                                     branch_start, set())
            others += _inner_comments(ctx, branch_start, branch_end, skip)
            previous_end = _content_end(branch)
            when_comment = _trailing_comment(ctx, when.end.index) if when is not None else ""
            do_comment = _trailing_comment(ctx, target.end.index)
        else:
            others, when_comment, do_comment = [], "", ""
        branches.append(_Transition(
            when=ctx.source(when) if when is not None else None, do=ctx.source(target),
            when_comment=when_comment, do_comment=do_comment, before=tuple(pending + others)))
        pending = []
    if decision.flow:
        trailing = _trailing_comment(ctx, decision.end.index)
        if trailing and branches:
            branches[-1].do_comment = trailing
    return branches


def _with_comment(line: str, comment: str) -> str:
    return f"{line}  {comment}" if comment else line


def _render_next(ctx: FixContext, indent: str, transitions: list[_Transition],
                 regions: list[tuple[int, int, list[str]]], entries: list[tuple[ScalarNode, AnyNode]]) -> str:
    newline = "\r\n" if "\r\n" in ctx.text else "\n"
    lines = [f"{indent}next:"]
    item, inner = indent + "  ", indent + "    "
    for transition in transitions:
        lines.extend(item + c for c in transition.before)
        parts: list[tuple[str, str]] = []
        if transition.when is not None:
            parts.append((f"when: {transition.when}", transition.when_comment))
        if transition.publish is not None:
            parts.append(("", ""))  # placeholder for the publish block
        if transition.do is not None:
            parts.append((f"do: [{transition.do}]", transition.do_comment))
        first = True
        for text, comment in parts:
            prefix = item + "- " if first else inner
            if text == "" and transition.publish is not None:
                # comments above 'publish' go above it (above the dash when it comes first)
                lines.extend((item if first else inner) + c for c in transition.publish_before)
                publish_key = next(k for k, _ in entries if k.value == "publish")
                shift = len(inner) - (publish_key.start.column - 1)
                body = transition.publish.replace("\r\n", "\n")
                body_lines = body.split("\n")
                shifted = [body_lines[0]]
                for line in body_lines[1:]:
                    if not line.strip():
                        shifted.append(line)
                    elif shift >= 0:
                        shifted.append(" " * shift + line)
                    else:
                        shifted.append(line[-shift:] if line[:-shift].strip() == "" else line)
                last_comment = _trailing_comment(ctx, _content_end(
                    next(v for k, v in entries if k.value == "publish")))
                block = _with_comment("\n".join(shifted), last_comment)
                lines.append(prefix + block)
            else:
                lines.append(_with_comment(prefix + text, comment))
            first = False
    return newline.join("\n".join(lines).split("\n")) + newline


def _same_task_graph(ctx: FixContext, task: MappingNode, edits: list[Edit], where: list[int], depth: int) -> bool:
    """The guard of the migration: the platform's normalised task is unchanged.

    The new task is read from its own lines (the dash of its list item blanked), so a file
    of many tasks is not parsed again for each; when those lines do not load on their own
    (an alias to an anchor elsewhere), the whole new text is read."""
    from attune_lint.registrar.normalize import normalize_task

    old = to_python(task)
    new = _new_task_alone(ctx, task, edits)
    if new is None:
        document = _load(apply_edits(ctx.text, edits))
        new = _task_data(document.data, where) if document is not None else None
    if not isinstance(old, dict) or new is None:
        return False
    return normalize_task(old, depth) == normalize_task(new, depth) and not any(k in new for k in LEGACY_TASK_KEYS)


def _load(text: str):  # type: ignore[no-untyped-def]
    from attune_lint.document.reader import load_yaml_text

    document = load_yaml_text(text, "<fix>")
    if any(f.severity >= f.severity.ERROR for f in document.findings) or document.mapping is None:
        return None
    return document


def _new_task_alone(ctx: FixContext, task: MappingNode, edits: list[Edit]) -> dict | None:
    start = ctx.index.line_start(task.start.index)
    end = ctx.index.line_end(_content_end(task))
    prefix = ctx.text[start:task.start.index]
    if prefix.strip(" -") or prefix.count("-") > 1 or any(e.start < start or e.end > end for e in edits):
        return None
    shifted = [Edit(e.start - start, e.end - start, e.new) for e in edits]
    snippet = apply_edits(ctx.text[start:end], shifted)
    document = _load(" " * len(prefix) + snippet[len(prefix):])
    return document.data if document is not None else None


def _task_data(data: object, where: list[int]) -> dict | None:
    current = data
    for index in where:
        tasks = current.get("tasks") if isinstance(current, dict) else None
        if not isinstance(tasks, list) or index >= len(tasks):
            return None
        current = tasks[index]
    return current if isinstance(current, dict) else None


# -- legacy fields beside next (unsafe) ------------------------------------------------------


def remove_legacy_beside_next(ctx: FixContext, diagnostic: Diagnostic) -> list[Edit] | None:
    """AL309: remove a legacy field the platform drops because the task has ``next``."""
    found = key_at(ctx, diagnostic.span)
    if found is None:
        return None
    mapping, key, value = found
    if mapping.flow or key.value not in LEGACY_TASK_KEYS:
        return None
    region = _entry_region(ctx, mapping, key, value, with_comments=False)
    if region is None:
        return None
    return [Edit(region[0], region[1], "")]


# -- scalars -----------------------------------------------------------------------------------


def quote_scalar(ctx: FixContext, diagnostic: Diagnostic) -> list[Edit] | None:
    """AL205: ``version: 1.10`` → ``version: "1.10"``, the author's text kept."""
    found = value_at(ctx, diagnostic.span)
    if found is None:
        return None
    node = found[2]
    if not isinstance(node, ScalarNode) or not node.is_plain or not _single_line(ctx, node):
        return None
    text = ctx.source(node)
    if text != node.text or any(c in text for c in '"\\'):
        return None
    return [Edit(node.start.index, node.end.index, f'"{text}"')]


_FLOW_UNSAFE = re.compile(r"[,\[\]{}#&*!|>'\"%@`]|: ")


def do_as_list(ctx: FixContext, diagnostic: Diagnostic) -> list[Edit] | None:
    """AL202 ``do: task`` → ``do: [task]``."""
    found = value_at(ctx, diagnostic.span)
    if found is None or found[1] is None or found[1].value != "do":
        return None
    node = found[2]
    if not isinstance(node, ScalarNode) or node.value is None or not _single_line(ctx, node):
        return None
    text = ctx.source(node)
    if node.is_plain and _FLOW_UNSAFE.search(text):
        return None
    if node.style not in (None, "'", '"'):
        return None
    return [Edit(node.start.index, node.end.index, f"[{text}]")]


def empty_map_as_list(ctx: FixContext, diagnostic: Diagnostic) -> list[Edit] | None:
    """AL202 ``dependencies: {}`` (an empty map where a list is read) → ``[]``."""
    found = value_at(ctx, diagnostic.span)
    if found is None:
        return None
    node = found[2]
    if not isinstance(node, MappingNode) or node.pairs or not node.flow or ctx.source(node).strip() != "{}":
        return None
    return [Edit(node.start.index, node.end.index, "[]")]


def vars_list_as_map(ctx: FixContext, diagnostic: Diagnostic) -> list[Edit] | None:
    """AL202 ``vars`` written as a list of one-key maps → one map."""
    vars_node = ctx.root.get("vars")
    if not isinstance(vars_node, SequenceNode) or not vars_node.items:
        return None
    key = ctx.root.key_node("vars")
    items = vars_node.items
    names: list[str] = []
    for item in items:
        if not isinstance(item, MappingNode) or len(item.pairs) != 1 or not isinstance(item.pairs[0][0], ScalarNode):
            return None
        if item.pairs[0][0].value in names or not isinstance(item.pairs[0][0].value, str):
            return None
        names.append(item.pairs[0][0].value)
    if vars_node.flow:
        if not _single_line(ctx, vars_node) or any(not item.flow for item in items):
            return None
        pairs = [ctx.text[item.pairs[0][0].start.index:_content_end(item.pairs[0][1])] for item in items]
        return [Edit(vars_node.start.index, vars_node.end.index, "{" + ", ".join(pairs) + "}")]
    if any(item.flow for item in items) or key is None:
        return None
    edits: list[Edit] = []
    key_column = key.start.column
    for item in items:
        item_key = item.pairs[0][0]
        line_start = ctx.index.line_start(item_key.start.index)
        before_key = ctx.text[line_start:item_key.start.index]
        dash = before_key.rfind("-")
        if dash < 0 or before_key[:dash].strip() or before_key[dash + 1:].strip():
            return None
        if dash + 1 > key_column - 1:  # the dash is indented past 'vars': the key takes its place
            edits.append(Edit(line_start + dash, item_key.start.index, ""))
            width = item_key.start.index - (line_start + dash)
            edits.extend(_dedent_lines(ctx, ctx.index.line_end(item_key.start.index), _content_end(item), width))
        else:  # '- ' at the column of 'vars': spaces keep the keys where they are
            edits.append(Edit(line_start + dash, item_key.start.index, " " * (item_key.start.index - line_start - dash)))
    return edits


def _dedent_lines(ctx: FixContext, start: int, end: int, width: int) -> list[Edit]:
    edits: list[Edit] = []
    index = ctx.index
    if start >= end:
        return edits
    first, last = ctx.line_of(start), ctx.line_of(end - 1) if end > start else ctx.line_of(start)
    for line in range(first, last + 1):
        offset = index.starts[line - 1]
        text = ctx.text[offset:offset + width]
        remove = len(text) - len(text.lstrip(" "))
        if remove:
            edits.append(Edit(offset, offset + min(remove, width), ""))
    return edits


# -- keys ----------------------------------------------------------------------------------------


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


_DID_YOU_MEAN = re.compile(r"did you mean '([^']+)'\?")


def rename_unknown_key(ctx: FixContext, diagnostic: Diagnostic) -> list[Edit] | None:
    """AL201 (unsafe): rename an unknown key to the known key one edit away."""
    match = _DID_YOU_MEAN.search(diagnostic.suggestion or "")
    found = key_at(ctx, diagnostic.span)
    if match is None or found is None:
        return None
    mapping, key, _ = found
    wanted = match.group(1)
    if not isinstance(key.value, str) or _distance(key.value, wanted) != 1 or mapping.get(wanted) is not None:
        return None
    if not key.is_plain or ctx.source(key) != key.value or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", wanted):
        return None
    return [Edit(key.start.index, key.end.index, wanted)]


def rename_output_schema(ctx: FixContext, diagnostic: Diagnostic) -> list[Edit] | None:
    """AL206 (unsafe): ``output_schema`` → ``output`` on an action."""
    found = key_at(ctx, diagnostic.span)
    if found is None:
        return None
    mapping, key, _ = found
    if key.value != "output_schema" or mapping is not ctx.root or mapping.get("output") is not None:
        return None
    if ctx.kind not in ("action", "unknown") or not key.is_plain:
        return None
    return [Edit(key.start.index, key.end.index, "output")]


# -- templates -----------------------------------------------------------------------------------

_CALL = re.compile(r"call the function instead: ([a-z_][a-z0-9_]*)\((.*)\)$", re.S)


def jinja_filter_as_call(ctx: FixContext, diagnostic: Diagnostic) -> list[Edit] | None:
    """AL402: ``x | length`` → ``length(x)``, as the rule suggests."""
    match = _CALL.match(diagnostic.suggestion or "")
    span = diagnostic.span
    if match is None or span.line != span.end_line:
        return None
    function, arguments = match.group(1), match.group(2)
    start = ctx.index.offset(span.line, span.column)
    end = ctx.index.offset(span.end_line, span.end_column)
    found = _scalar_around(ctx, start, end)
    if found is None or found.style not in (None, "'", '"') or not _single_line(ctx, found):
        return None
    piece = ctx.text[found.start.index:end]
    if not piece.endswith(ctx.text[start:end]):
        return None
    # the operand: the end of the call's first argument text, right before the pipe
    before = ctx.text[found.start.index:start].rstrip()
    for operand in _operand_candidates(arguments):
        for written in (operand, f"({operand})"):
            if before.endswith(written):
                operand_start = found.start.index + len(before) - len(written)
                replacement = f"{function}({arguments})"
                if '"' in replacement and found.style == '"' or "'" in replacement and found.style == "'":
                    return None
                return [Edit(operand_start, end, replacement)]
    return None


def _operand_candidates(arguments: str) -> list[str]:
    """The possible first-argument texts of ``arguments`` (longest first): the operand may
    itself hold commas."""
    parts = arguments.split(", ")
    return [", ".join(parts[:i]) for i in range(len(parts), 0, -1)]


def _scalar_around(ctx: FixContext, start: int, end: int) -> ScalarNode | None:
    for _, _, node in _walk(ctx.root):
        if isinstance(node, ScalarNode) and node.start.index <= start and end <= node.end.index:
            return node
    return None
