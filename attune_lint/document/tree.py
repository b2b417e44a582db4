"""A YAML tree whose every node knows where it stands in the file.

Built from PyYAML's parser events (libyaml's when available) by ``composer.py``, never by
PyYAML's constructor: no tag is ever turned into a Python object. Plain scalars are typed with the
YAML 1.2 core schema, as Attune's Rust parser (serde_yaml) reads them, not with PyYAML's
YAML 1.1 rules (where ``yes`` is a boolean and ``1_000`` an integer).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterator, NamedTuple, Union

from attune_lint.diagnostics import Span

YAML_TAG = "tag:yaml.org,2002:"
STANDARD_TAGS = frozenset(
    YAML_TAG + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "merge", "timestamp", "binary", "value")
)

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_BOOL_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT_DEC = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


MAX_INT_DIGITS = 4000


def resolve_plain(text: str) -> Any:
    """Type a plain (unquoted) scalar with the YAML 1.2 core schema."""
    if _NULL.match(text):
        return None
    if _BOOL_TRUE.match(text):
        return True
    if _BOOL_FALSE.match(text):
        return False
    if _INT_DEC.match(text):
        # Python refuses to convert more than 4,300 digits; serde_yaml reads an integer
        # that fits no 64-bit type as a float, and one this long is infinite either way.
        return int(text) if len(text) <= MAX_INT_DIGITS else float(text)
    if _INT_OCT.match(text):
        return int(text[2:], 8)
    if _INT_HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


class Mark(NamedTuple):
    """1-based line and column, plus the 0-based character offset in the source.

    A NamedTuple, not a dataclass: a run makes two per node, and tuples are cheap."""

    line: int
    column: int
    index: int


_new_tuple = tuple.__new__


class _WeakReferable:
    """Slotted classes take no weak reference unless a base names the slot (``weakref_slot``
    is Python 3.11+): tests and tools watch trees being freed through weak references."""

    __slots__ = ("__weakref__",)


@dataclass(eq=False, slots=True)
class Node(_WeakReferable):
    start: Mark
    end: Mark
    tag: str
    anchor_of: "Node | None" = field(default=None, repr=False)
    # A node the composer built may leave ``start`` and ``end`` unset and keep the parser's
    # marks (0-based) here instead: most nodes are never asked where they are, and two
    # Marks per node were a tenth of loading. ``__getattr__`` makes the Mark on first use.
    _raw_start: Any = field(default=None, repr=False, init=False)
    _raw_end: Any = field(default=None, repr=False, init=False)

    def __getattr__(self, name: str) -> Any:
        # Only reached when a slot is unset: ``start`` or ``end`` not made yet.
        if name == "start" or name == "end":
            raw = self._raw_start if name == "start" else self._raw_end
            if raw is None:  # made meanwhile by another thread, or truly unset
                return object.__getattribute__(self, name)
            mark = _new_tuple(Mark, (raw.line + 1, raw.column + 1, raw.index))
            setattr(self, name, mark)
            setattr(self, "_raw_start" if name == "start" else "_raw_end", None)
            return mark
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def span(self) -> Span:
        return Span(self.start.line, self.start.column, self.end.line, self.end.column)

    @property
    def has_custom_tag(self) -> bool:
        return self.tag not in STANDARD_TAGS


@dataclass(eq=False, slots=True)
class ScalarNode(Node):
    value: Any = None
    text: str = ""
    style: str | None = None  # None plain, "'" or '"' quoted, "|" literal, ">" folded

    @property
    def is_plain(self) -> bool:
        return self.style is None


@dataclass(eq=False, slots=True)
class SequenceNode(Node):
    items: list["AnyNode"] = field(default_factory=list)
    flow: bool = False


@dataclass(eq=False, slots=True)
class MappingNode(Node):
    pairs: list[tuple["AnyNode", "AnyNode"]] = field(default_factory=list)
    flow: bool = False
    _index: "dict[str, tuple[ScalarNode, AnyNode]] | None" = field(default=None, repr=False)
    _string_keys: bool = field(default=False, repr=False)  # every key a string (known with _index)

    def _lookup(self) -> "dict[str, tuple[ScalarNode, AnyNode]]":
        # Built on first use: rules look keys up hundreds of thousands of times a run.
        index = self._index
        if index is None:
            index = {}
            for k, v in self.pairs:
                if isinstance(k, ScalarNode) and isinstance(k.value, str):
                    index[k.value] = (k, v)  # the last duplicate wins, as YAML loaders keep it
            self._string_keys = len(index) == len(self.pairs) or all(
                isinstance(k, ScalarNode) and isinstance(k.value, str) for k, _ in self.pairs)
            self._index = index
        return index

    def get(self, key: str) -> "AnyNode | None":
        """The value of the *last* pair with this key, as YAML loaders keep it."""
        index = self._index
        found = (index if index is not None else self._lookup()).get(key)
        return found[1] if found is not None else None

    def key_node(self, key: str) -> "ScalarNode | None":
        index = self._index
        found = (index if index is not None else self._lookup()).get(key)
        return found[0] if found is not None else None

    def items(self) -> Iterator[tuple["ScalarNode", "AnyNode"]]:
        """Pairs with scalar keys, last duplicate winning, in first-seen order."""
        index = self._index if self._index is not None else self._lookup()
        if self._string_keys:
            return iter(index.values())  # the same pairs, already deduplicated (most mappings)
        latest: dict[Any, tuple[ScalarNode, AnyNode]] = {}
        for k, v in self.pairs:
            if isinstance(k, ScalarNode):
                latest[_hashable(k.value)] = (k, v)
        return iter(latest.values())

    def keys(self) -> list[str]:
        return [str(k.value) for k, _ in self.items()]


AnyNode = Union[ScalarNode, SequenceNode, MappingNode]


def _hashable(value: Any) -> Any:
    # 1, 1.0 and True are equal in Python but distinct YAML keys.
    return (type(value).__name__, value)


def to_python(node: AnyNode | None, memo: dict[int, Any] | None = None) -> Any:
    """Plain Python (JSON-like) value of a node; aliases share one object, so linear."""
    if node is None:
        return None
    memo = {} if memo is None else memo
    cached = memo.get(id(node), _MISSING)
    if cached is not _MISSING:
        return cached
    if isinstance(node, ScalarNode):
        result: Any = node.value
    elif isinstance(node, SequenceNode):
        result = []
        memo[id(node)] = result
        result.extend(to_python(item, memo) for item in node.items)
    else:
        result = {}
        memo[id(node)] = result
        for k, v in node.items():
            key = k.value
            result[key if isinstance(key, str) else k.text] = to_python(v, memo)
    memo[id(node)] = result
    return result


_MISSING = object()


TEXT_PER_NODE = 100


def expanded_size(node: AnyNode, memo: dict[int, int] | None = None, limit: int = 10**9) -> int:
    """Size of the tree with every alias copied out (memoised): its nodes, each 100 characters
    of a scalar's text counting as one more (one long string aliased 50,000 times is small
    in nodes but gigabytes of JSON once expanded)."""
    memo = {} if memo is None else memo
    seen = memo.get(id(node))
    if seen is not None:
        return seen
    memo[id(node)] = 1  # a recursive alias counts once, not forever
    if isinstance(node, ScalarNode):
        size = 1 + len(node.text or "") // TEXT_PER_NODE
    elif isinstance(node, SequenceNode):
        size = 1 + sum(expanded_size(item, memo, limit) for item in node.items)
    else:
        size = 1 + sum(expanded_size(k, memo, limit) + expanded_size(v, memo, limit) for k, v in node.pairs)
    size = min(size, limit)
    memo[id(node)] = size
    return size


def head_span(node: AnyNode | None) -> Span:
    """Where to point at a node: a block mapping at its first key, a block list at its first
    dash, anything else (scalars, flow collections) over its whole extent; a finding about a
    task then shows one line, not every line the task spans."""
    if node is None:
        return Span(1, 1, 1, 2)
    if isinstance(node, MappingNode) and node.pairs and not node.flow:
        key = node.pairs[0][0]
        return Span(key.start.line, key.start.column, key.end.line, key.end.column)
    if isinstance(node, SequenceNode) and node.items and not node.flow:
        return Span(node.start.line, node.start.column, node.start.line, node.start.column + 1)
    return node.span


def walk(node: AnyNode | None) -> Iterator[AnyNode]:
    """Every node once, depth first (an aliased node is visited once)."""
    if node is None:
        return
    seen: set[int] = set()
    stack: list[AnyNode] = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, SequenceNode):
            stack.extend(reversed(current.items))
        elif isinstance(current, MappingNode):
            for k, v in reversed(current.pairs):
                stack.append(v)
                stack.append(k)


def node_at_path(root: AnyNode | None, path: tuple[Any, ...] | list[Any]) -> AnyNode | None:
    """Follow a JSON path (keys and indexes) through the tree; None where it breaks."""
    node = root
    for step in path:
        if isinstance(node, MappingNode) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.items):
            node = node.items[step]
        else:
            return None
    return node


def key_at_path(root: AnyNode | None, path: tuple[Any, ...] | list[Any]) -> ScalarNode | None:
    """The key node of the last step of ``path``, when that step is a mapping key."""
    if not path:
        return None
    parent = node_at_path(root, path[:-1])
    if isinstance(parent, MappingNode) and isinstance(path[-1], str):
        return parent.key_node(path[-1])
    return None
