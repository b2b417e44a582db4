"""PyYAML parser events → the positioned tree, its plain data and the loading findings.

One pass, no recursion: libyaml (or PyYAML's pure-Python parser) produces the events,
and this module builds our nodes from them directly, instead of letting PyYAML's composer
build its own nodes (calling PyYAML's Python-level resolver for every scalar) and then
converting those. The plain data (``to_python`` of the root) is built in the same pass.

Results are those of PyYAML's composer followed by the former converter: the same tags
(PyYAML's YAML 1.1 implicit tags, explicit tags kept as written), the same values (plain
scalars typed by YAML 1.2), the same composer errors (undefined alias, duplicate anchor)
raised at the same event, and the same findings in the same order. Only the first
document is built; the others are parsed and checked as the composer would check them.
"""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.resolver import Resolver

from attune_lint.diagnostics import Diagnostic, Span
from attune_lint.limits import MAX_NESTING
from attune_lint.document import rules as R
from attune_lint.document.tree import (
    STANDARD_TAGS,
    YAML_TAG,
    AnyNode,
    MappingNode,
    Mark,
    ScalarNode,
    SequenceNode,
    resolve_plain,
)

_RESOLVER = Resolver()
_STR_TAG = YAML_TAG + "str"
_SEQ_TAG = Resolver.DEFAULT_SEQUENCE_TAG
_MAP_TAG = Resolver.DEFAULT_MAPPING_TAG
_MERGE_TAG = YAML_TAG + "merge"
# First characters with which a plain scalar may resolve to something other than a string,
# in YAML 1.1 (PyYAML's implicit resolvers, read from PyYAML itself) or 1.2 (ours): digits,
# signs, '.', '~', '<' (merge), '=' (value), the initials of true/false/yes/no/on/off/null.
# A plain scalar starting with any other character is a string under both, so it skips
# PyYAML's resolver (most scalars).
_NON_STRING_START = frozenset("0123456789+-.~<=yYnNtTfFoO")
_SLOW_START = _NON_STRING_START | frozenset(k for k in Resolver.yaml_implicit_resolvers if k)
# Resolvers registered for any first character would make every plain scalar a candidate.
_FAST_PLAIN = None not in Resolver.yaml_implicit_resolvers


class _EveryCharacter:
    """Holds every character: no plain scalar takes the fast path (see ``_FAST_PLAIN``)."""

    def __contains__(self, char: object) -> bool:
        return True


_EVERY_CHARACTER = _EveryCharacter()

# Event kinds, by class name: robust when the yaml module was imported twice (the C
# extension keeps the first import's event classes).
_SCALAR, _MAP_START, _SEQ_START, _MAP_END, _SEQ_END, _ALIAS, _DOC_START, _DOC_END, _STREAM_START, _STREAM_END = range(10)
_KIND = {
    "ScalarEvent": _SCALAR, "MappingStartEvent": _MAP_START, "SequenceStartEvent": _SEQ_START,
    "MappingEndEvent": _MAP_END, "SequenceEndEvent": _SEQ_END, "AliasEvent": _ALIAS,
    "DocumentStartEvent": _DOC_START, "DocumentEndEvent": _DOC_END,
    "StreamStartEvent": _STREAM_START, "StreamEndEvent": _STREAM_END,
}
_KIND_BY_CLASS = {getattr(yaml.events, name): kind for name, kind in _KIND.items()}

_new_tuple = tuple.__new__  # Mark(...) through the C constructor: a third cheaper, two per node
# Characters PyYAML counts as line breaks besides "\n"; editors, GitHub and SARIF readers do
# not, so positions are then computed from character offsets instead.
OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


class TooDeep(Exception):
    """A collection nested deeper than the platform's YAML reader goes."""

    def __init__(self, start: Mark) -> None:
        super().__init__(start)
        self.start = start


class RecursiveAlias(Exception):
    """An alias inside the node its anchor names: the tree would contain itself."""

    def __init__(self, start: Mark) -> None:
        super().__init__(start)
        self.start = start


@dataclass
class Composition:
    """What a stream composes to: its first document, built, and what the others tell."""

    documents: int = 0
    root: AnyNode | None = None
    data: Any = None  # the plain data of ``root`` (``to_python(root)``)
    problem: TooDeep | RecursiveAlias | None = None  # the first document cannot be used
    findings: list[Diagnostic] = field(default_factory=list)  # tags, keys; in document order
    has_alias: bool = False
    second_start: Any = None  # PyYAML's start mark of the second document's root

    @property
    def empty(self) -> bool:
        """The first document is missing or an empty (null) scalar, as PyYAML reads it."""
        root = self.root
        return self.documents == 0 or (
            isinstance(root, ScalarNode) and root.tag == YAML_TAG + "null" and root.text in ("", "~", "null"))


def compose(loader_class: Any, text: str, path: str) -> Composition:
    """Parse ``text`` with ``loader_class`` (a PyYAML loader: its parser only) and compose.

    Raises PyYAML's errors as its composer would; a ``TooDeep`` or ``RecursiveAlias`` of
    the first document is returned in ``problem`` once the whole stream has parsed, since
    a syntax error anywhere comes first."""
    parser = loader_class(text)
    try:
        return _Composer(parser.get_event, text, path).run()
    finally:
        parser.dispose()


def _line_starts(text: str) -> list[int] | None:
    """Offsets where "\n"-separated lines start, when PyYAML's line numbers would differ
    from an editor's (other line breaks); None otherwise."""
    if not any(br in text for br in OTHER_BREAKS):
        return None
    if not any(br in text for br in OTHER_BREAKS[1:]) and text.count("\r") == text.count("\r\n"):
        return None  # only CRLF line ends, counted as editors count them
    return [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]


def mark_by_offset(mark: Any, line_starts: list[int]) -> Mark:
    """Line and column from the character offset, counting "\n" breaks only."""
    line = bisect.bisect_right(line_starts, mark.index)
    return Mark(line, mark.index - line_starts[line - 1] + 1, mark.index)


class _Composer:
    def __init__(self, get_event: Any, text: str, path: str) -> None:
        self.get = get_event
        self.path = path
        self.line_starts = _line_starts(text)
        self.result = Composition()
        # Anchor name → PyYAML's start mark of its node (for the duplicate-anchor error).
        self.anchor_marks: dict[str, Any] = {}

    def run(self) -> Composition:
        get = self.get
        get()  # the stream start
        while True:
            kind = _KIND[type(get()).__name__]
            if kind == _STREAM_END:
                return self.result
            # A document start: then its root node's events, then the document end.
            self.result.documents += 1
            self.anchor_marks = {}
            if self.result.documents == 1:
                self._first_document()
            else:
                self._skip_document(record_start=self.result.documents == 2)

    # --- the documents after the first: parsed and checked, not built ------------------

    def _skip_document(self, record_start: bool = False) -> None:
        """Consume events to the document end, raising the composer's errors about
        anchors and aliases."""
        get = self.get
        while True:
            event = get()
            kind = _KIND[type(event).__name__]
            if kind == _DOC_END:
                return
            if record_start:
                self.result.second_start = event.start_mark
                record_start = False
            if kind == _ALIAS:
                self._check_alias(event)
            elif kind in (_SCALAR, _MAP_START, _SEQ_START) and event.anchor is not None:
                self._check_anchor(event)

    def _check_alias(self, event: Any) -> None:
        if event.anchor not in self.anchor_marks:
            raise ComposerError(None, None, "found undefined alias", event.start_mark)

    def _check_anchor(self, event: Any) -> None:
        first = self.anchor_marks.get(event.anchor)
        if first is not None:
            raise ComposerError("found duplicate anchor; first occurrence", first,
                                "second occurrence", event.start_mark)
        self.anchor_marks[event.anchor] = event.start_mark

    # --- the first document: built --------------------------------------------------

    def _mark(self, mark: Any) -> Mark:
        if self.line_starts is not None:
            return mark_by_offset(mark, self.line_starts)
        return _new_tuple(Mark, (mark.line + 1, mark.column + 1, mark.index))

    def _first_document(self) -> None:
        """Build the first document's tree and plain data (the hot loop of a run)."""
        get = self.get
        result = self.result
        by_offset = self.line_starts is not None
        new_node = object.__new__
        kinds = _KIND_BY_CLASS
        scalar_event = yaml.events.ScalarEvent
        slow_start = _SLOW_START if _FAST_PLAIN else _EVERY_CHARACTER
        join = "".join
        resolve = _RESOLVER.resolve
        scalar_class = yaml.ScalarNode
        Scalar, Sequence, Mapping = ScalarNode, SequenceNode, MappingNode
        str_tag = _STR_TAG
        # Anchor name → (node, plain data); an open mapping's data is None (not made yet).
        anchors: dict[str, tuple[AnyNode, Any]] = {}
        open_anchors: set[str] = set()  # of the open collections: an alias to one is recursive
        tagged = False  # an explicit tag was written: key checks look at every key's tag
        # The open collections: (node, children, plains, anchor) of each; ``children`` and
        # ``plains`` are the current collection's (a mapping's alternate keys and values).
        stack: list[tuple[AnyNode, list[Any], list[Any], str | None]] = []
        children: list[Any] = []
        plains: list[Any] = []
        append = children.append
        pappend = plains.append
        while True:
            event = get()
            cls = type(event)
            if cls is scalar_event:
                kind = _SCALAR
            else:
                kind = kinds.get(cls)
                if kind is None:
                    kind = _KIND[cls.__name__]
            if kind == _SCALAR:
                text = event.value
                tag = event.tag
                style = event.style or None
                if tag is None and (style is not None or (text and text[0] not in slow_start)):
                    # Quoted, block, or plain and surely a string: PyYAML's tag is str and
                    # so is the value.
                    tag = str_tag
                    value: Any = text
                elif tag is None:
                    # Plain, maybe not a string ("1", "true", "~"): PyYAML's resolver for
                    # the tag, YAML 1.2 for the value; the same few texts recur in a file.
                    tag, value = _typed_plain(text) if len(text) <= _MEMO_TEXT else _type_plain(text)
                    if tag not in STANDARD_TAGS:  # PyYAML resolves '!', '&' and '*' to !!yaml
                        self._custom_tag(tag, event.start_mark)
                else:
                    if tag == "!":
                        tag = resolve(scalar_class, text, event.implicit)
                    else:
                        tagged = True
                    if tag not in STANDARD_TAGS:
                        self._custom_tag(tag, event.start_mark)
                    value = _scalar_value(tag, text, style)
                # Set slot by slot, no __init__: cheaper by a third; the marks are kept as
                # the parser's, made into ``start`` and ``end`` on first use (tree.Node).
                node: Any = new_node(Scalar)
                if by_offset:
                    node.start = self._mark(event.start_mark)
                    node.end = self._mark(event.end_mark)
                    node._raw_start = node._raw_end = None
                else:
                    node._raw_start = event.start_mark
                    node._raw_end = event.end_mark
                node.tag = tag
                node.anchor_of = None
                node.value = value
                node.text = text
                node.style = style
                anchor = event.anchor
                if anchor is not None:
                    self._check_anchor(event)
                    anchors[anchor] = (node, value)
            elif kind == _MAP_START or kind == _SEQ_START:
                tag = event.tag
                if tag is None or tag == "!":
                    tag = _MAP_TAG if kind == _MAP_START else _SEQ_TAG
                else:
                    tagged = True
                    if tag not in STANDARD_TAGS:
                        self._custom_tag(tag, event.start_mark)
                anchor = event.anchor
                if anchor is not None:
                    self._check_anchor(event)
                if len(stack) >= MAX_NESTING:  # this collection's depth is len(stack) + 1
                    result.problem = TooDeep(self._mark(event.start_mark))
                    self._skip_document()
                    return
                if kind == _MAP_START:
                    node = new_node(Mapping)
                    node.pairs = []
                    node._index = None
                    node._string_keys = False
                    new_plain: Any = None
                else:
                    node = new_node(Sequence)
                    node.items = []
                    new_plain = []
                if by_offset:
                    node.start = self._mark(event.start_mark)
                    node._raw_start = None
                else:
                    node._raw_start = event.start_mark
                node._raw_end = None
                node.tag = tag
                node.anchor_of = None
                node.flow = bool(event.flow_style)
                if anchor is not None:
                    anchors[anchor] = (node, new_plain)
                    open_anchors.add(anchor)
                stack.append((node, children, plains, anchor))
                if kind == _MAP_START:
                    children = node.pairs  # alternate keys and values until the end
                    plains = []
                else:
                    children = node.items
                    plains = new_plain
                append = children.append
                pappend = plains.append
                continue
            elif kind == _SEQ_END or kind == _MAP_END:
                node, parent_children, parent_plains, anchor = stack.pop()
                if anchor is not None:
                    open_anchors.discard(anchor)
                if by_offset:
                    node.end = self._mark(event.end_mark)
                else:
                    node._raw_end = event.end_mark
                if kind == _MAP_END:
                    # The keys and values came in turn; pair them, and the plain data too.
                    it = iter(children)
                    node.pairs = list(zip(it, it))
                    it = iter(plains)
                    try:
                        value = dict(zip(it, it))  # TypeError: a mapping or a list as a key
                        join(value)  # TypeError unless every key is a string (most mappings)
                    except TypeError:
                        value = self._close_mapping(node, plains)
                    else:
                        # The last of equal string keys wins at the first one's place, as in
                        # to_python; no two equal keys and no '<<': nothing to report.
                        if tagged or len(value) != len(node.pairs) or "<<" in value:
                            self._check_keys(node)
                    if anchor is not None:
                        anchors[anchor] = (node, value)
                else:
                    value = plains
                children = parent_children
                plains = parent_plains
                append = children.append
                pappend = plains.append
            elif kind == _ALIAS:
                anchor = event.anchor
                known = anchors.get(anchor)
                if known is None:
                    self._check_alias(event)  # raises: an undefined alias
                node, value = known
                if anchor in open_anchors:
                    result.problem = RecursiveAlias(node.start)
                    self._skip_document()
                    return
                result.has_alias = True
            else:  # pragma: no cover - the parser gives nothing else inside a document
                raise ComposerError(None, None, f"unexpected event {type(event).__name__}", event.start_mark)
            if stack:
                append(node)
                pappend(value)
                continue
            result.root = node
            result.data = value
            get()  # the document end
            return

    def _custom_tag(self, tag: str, mark: Any) -> None:
        start = self._mark(mark)
        self.result.findings.append(R.CUSTOM_TAG.at(
            self.path, Span(start.line, start.column, start.line, start.column + 1),
            f"tag {tag!r} is not a standard YAML tag; it is not constructed",
            "remove the tag and write plain data"))

    def _close_mapping(self, mapping: MappingNode, plains: list[Any]) -> Any:
        """Check the keys of a mapping with a key that is not a string; its plain data."""
        self._check_keys(mapping)
        return _plain_mapping(mapping.pairs, plains[1::2])

    def _check_keys(self, mapping: MappingNode) -> None:
        first: dict[Any, ScalarNode] = {}
        for key, _ in mapping.pairs:
            if not isinstance(key, ScalarNode):
                self.result.findings.append(_complex_key(self.path, mapping, key))
                continue
            if key.tag == _MERGE_TAG:
                self.result.findings.append(R.MERGE_KEY.at(
                    self.path, key.span,
                    "merge key '<<' is not applied by Attune's YAML parser; the merged fields are lost",
                    "write the fields out instead of merging them"))
                continue
            marker = (type(key.value).__name__, key.value)
            earlier = first.get(marker)
            if earlier is None:
                first[marker] = key
                continue
            self.result.findings.append(R.DUPLICATE_KEY.at(
                self.path, key.span,
                f"duplicate key {key.text!r}: the value at line {earlier.start.line} is silently replaced by this one",
                "remove one of the two keys",
                related=((self.path, earlier.span, "first defined here"),)))


def _plain_mapping(pairs: list[tuple[AnyNode, AnyNode]], values: list[Any]) -> dict[Any, Any]:
    """The plain data of a mapping with a key that is not a string, as ``to_python`` makes
    it: pairs with scalar keys, the last of equal keys (1, 1.0 and true differ) winning at
    the first one's place, a key that is not a string written as its text."""
    latest: dict[Any, tuple[ScalarNode, Any]] = {}
    for (key, _), value in zip(pairs, values):
        if isinstance(key, ScalarNode):
            latest[(type(key.value).__name__, key.value)] = (key, value)
    result: dict[Any, Any] = {}
    for key, value in latest.values():
        result[key.value if isinstance(key.value, str) else key.text] = value
    return result


def _complex_key(path: str, mapping: MappingNode, key: AnyNode) -> Diagnostic:
    kind = "mapping" if isinstance(key, MappingNode) else "list"
    if isinstance(key, MappingNode) and key.flow and mapping.flow:
        # '{{ x }}' unquoted: a flow mapping whose only key is another flow mapping.
        start = mapping.start
        return R.COMPLEX_KEY.at(path, Span(start.line, start.column, start.line, start.column + 2),
                                "an unquoted '{{ ... }}' is read by YAML as a mapping, not as a template",
                                "quote it: \"{{ ... }}\"")
    start = key.start
    return R.COMPLEX_KEY.at(path, Span(start.line, start.column, start.line, start.column + 1),
                            f"a key here is a {kind}; Attune's keys are strings", "write the key as a plain string")


def _type_plain(text: str) -> tuple[str, Any]:
    """PyYAML's tag (YAML 1.1) and our value (YAML 1.2) of an untagged plain scalar."""
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)), resolve_plain(text)


# The same few texts ("1", "true", "30", "~") recur in every file: remembered, when short.
_MEMO_TEXT = 40
_typed_plain = functools.lru_cache(maxsize=2048)(_type_plain)


def _scalar_value(tag: str, text: str, style: str | None) -> Any:
    """The value of a scalar whose PyYAML tag is ``tag``: plain scalars typed by YAML 1.2,
    the few explicit standard tags that change the type honoured, anything else its text."""
    plain = style is None
    if tag == _STR_TAG and (not plain or (text and text[0] not in _NON_STRING_START)):
        return text
    implicit = _RESOLVER.resolve(yaml.ScalarNode, text, (plain, not plain))
    if tag == implicit:
        return resolve_plain(text) if plain else text
    # An explicit standard tag: honour the few that change the type.
    name = tag[len(YAML_TAG):] if tag.startswith(YAML_TAG) else "str"
    if name == "null":
        return None
    if name in ("int", "float", "bool"):
        value = resolve_plain(text)
        expected = {"int": int, "float": (int, float), "bool": bool}[name]
        return value if isinstance(value, expected) else text
    return text
