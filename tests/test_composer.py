"""The event composer (``document/composer.py``) against a straightforward reference.

The reference is the loader as it was before the composer: PyYAML's composer builds its
nodes (the pure-Python one, and libyaml's) and a plain recursive converter turns them into
positioned nodes, reporting tags and keys. For every file of the example packs and of the
test corpus, and for tricky YAML, both must give the same findings, the same tree (class,
positions, tags, values and their types, texts, styles, aliases shared) and the same plain
data. Any difference fails, with the first path where the trees part.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from yaml.resolver import Resolver

import attune_lint.document.reader as reader
from attune_lint.diagnostics import Span
from attune_lint.document import rules as R
from attune_lint.document.composer import RecursiveAlias, TooDeep, mark_by_offset
from attune_lint.document.reader import load_yaml_text
from attune_lint.document.tree import (
    TEXT_PER_NODE,
    STANDARD_TAGS,
    YAML_TAG,
    MappingNode,
    Mark,
    ScalarNode,
    SequenceNode,
    expanded_size,
    resolve_plain,
    to_python,
)
from attune_lint.limits import MAX_EXPANDED_NODES, MAX_NESTING
from attune_testkit import REPO

# --- the reference: PyYAML's composer, then a recursive conversion ----------------------

_RESOLVER = Resolver()


def _reference_value(node: Any) -> Any:
    text, plain = node.value, not node.style
    implicit = _RESOLVER.resolve(yaml.ScalarNode, text, (plain, not plain))
    if node.tag == implicit:
        return resolve_plain(text) if plain else text
    tag = node.tag[len(YAML_TAG):] if node.tag.startswith(YAML_TAG) else "str"
    if tag == "null":
        return None
    if tag in ("int", "float", "bool"):
        value = resolve_plain(text)
        expected = {"int": int, "float": (int, float), "bool": bool}[tag]
        return value if isinstance(value, expected) else text
    return text


class _Reference:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.findings: list[Any] = []
        self.has_alias = False
        self.done: dict[int, Any] = {}
        self.open: set[int] = set()
        other = any(br in text.replace("\r\n", "\n") for br in ("\r", "\x85", "\u2028", "\u2029"))
        starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.mark = ((lambda m: mark_by_offset(m, starts)) if other
                     else (lambda m: Mark(m.line + 1, m.column + 1, m.index)))

    def convert(self, node: Any, depth: int = 1) -> Any:
        if id(node) in self.done:
            if id(node) in self.open:
                raise RecursiveAlias(self.done[id(node)].start)
            self.has_alias = True
            return self.done[id(node)]
        start, end = self.mark(node.start_mark), self.mark(node.end_mark)
        if node.tag not in STANDARD_TAGS:
            self.findings.append(R.CUSTOM_TAG.at(
                self.path, Span(start.line, start.column, start.line, start.column + 1),
                f"tag {node.tag!r} is not a standard YAML tag; it is not constructed",
                "remove the tag and write plain data"))
        if node.id == "scalar":
            result = ScalarNode(start, end, node.tag, value=_reference_value(node), text=node.value,
                                style=node.style or None)
            self.done[id(node)] = result
            return result
        if depth > MAX_NESTING:
            raise TooDeep(start)
        self.open.add(id(node))
        if node.id == "sequence":
            seq = SequenceNode(start, end, node.tag, flow=bool(node.flow_style))
            self.done[id(node)] = seq
            seq.items = [self.convert(item, depth + 1) for item in node.value]
            self.open.discard(id(node))
            return seq
        mapping = MappingNode(start, end, node.tag, flow=bool(node.flow_style))
        self.done[id(node)] = mapping
        mapping.pairs = [(self.convert(k, depth + 1), self.convert(v, depth + 1)) for k, v in node.value]
        self.open.discard(id(node))
        first: dict[Any, Any] = {}
        for key, _ in mapping.pairs:
            if not isinstance(key, ScalarNode):
                self.findings.append(_reference_complex_key(self.path, mapping, key))
                continue
            if key.tag == YAML_TAG + "merge":
                self.findings.append(R.MERGE_KEY.at(
                    self.path, key.span,
                    "merge key '<<' is not applied by Attune's YAML parser; the merged fields are lost",
                    "write the fields out instead of merging them"))
                continue
            marker = (type(key.value).__name__, key.value)
            earlier = first.get(marker)
            if earlier is None:
                first[marker] = key
                continue
            self.findings.append(R.DUPLICATE_KEY.at(
                self.path, key.span,
                f"duplicate key {key.text!r}: the value at line {earlier.start.line} is silently replaced by this one",
                "remove one of the two keys",
                related=((self.path, earlier.span, "first defined here"),)))
        return mapping


def _reference_complex_key(path: str, mapping: Any, key: Any) -> Any:
    kind = "mapping" if isinstance(key, MappingNode) else "list"
    if isinstance(key, MappingNode) and key.flow and mapping.flow:
        start = mapping.start
        return R.COMPLEX_KEY.at(path, Span(start.line, start.column, start.line, start.column + 2),
                                "an unquoted '{{ ... }}' is read by YAML as a mapping, not as a template",
                                "quote it: \"{{ ... }}\"")
    start = key.start
    return R.COMPLEX_KEY.at(path, Span(start.line, start.column, start.line, start.column + 1),
                            f"a key here is a {kind}; Attune's keys are strings", "write the key as a plain string")


# What the reference reports; tabs, the BOM and a root that is no mapping are found by code
# the composer does not touch.
_CODES = {"AL101", "AL102", "AL105", "AL106", "AL110", "AL111", "AL112", "AL113"}
_SYNTAX_ERROR = object()
_TOO_DEEP = object()  # for the reference, not for the composer


def _reference(text: str, loader: Any) -> tuple[Any, Any]:
    """(findings, root) as the former loader gave them, composing with ``loader``;
    ``_SYNTAX_ERROR`` for the findings when PyYAML refused the text."""
    path = "f.yaml"
    if text.count("[") + text.count("{") + text.count("- ") + text.count("? ") > 5_000:
        return _TOO_DEEP, None  # PyYAML's composers recurse: libyaml's would crash the process
    try:
        composer = loader(text)
    except yaml.YAMLError:  # the pure-Python reader checks the characters at once
        return _SYNTAX_ERROR, None
    try:
        documents = []
        while composer.check_node():
            documents.append(composer.get_node())
    except yaml.YAMLError:
        return _SYNTAX_ERROR, None
    except RecursionError:
        return _TOO_DEEP, None
    finally:
        composer.dispose()
    if not documents or (documents[0].id == "scalar" and documents[0].tag == YAML_TAG + "null"
                         and documents[0].value in ("", "~", "null")):
        return [R.EMPTY_FILE.at(path, Span(1, 1, 1, 1), "file holds no YAML document",
                                "an Attune file is a mapping of keys")], None
    findings: list[Any] = []
    if len(documents) > 1:
        mark = documents[1].start_mark
        findings.append(R.MULTIPLE_DOCUMENTS.at(
            path, Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 4),
            "file holds more than one YAML document; Attune reads exactly one",
            "keep one document per file (remove the '---' separator and what follows)"))
    converter = _Reference(path, text)
    try:
        root = converter.convert(documents[0])
    except TooDeep as exc:
        return findings + [reader._too_deep(path, exc.start)], None
    except RecursiveAlias as exc:
        return findings + [R.ALIAS_BOMB.at(
            path, Span(exc.start.line, exc.start.column, exc.start.line, exc.start.column + 1),
            "an alias inside the node its anchor names makes the document contain itself; "
            "the platform's YAML reader cannot read it",
            "write the data out instead of referring back to an enclosing anchor")], None
    findings += converter.findings
    if converter.has_alias and expanded_size(root, limit=MAX_EXPANDED_NODES + 1) > MAX_EXPANDED_NODES:
        return findings + [R.ALIAS_BOMB.at(
            path, root.span,
            f"aliases expand this document to more than {MAX_EXPANDED_NODES} nodes "
            f"(each {TEXT_PER_NODE} characters of text counting as one)",
            "write the repeated data out, or reuse less of it")], None
    return findings, root


# --- comparison -------------------------------------------------------------------------

def _same_value(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def _compare_trees(ours: Any, ref: Any, path: str = "$", pairs: dict[int, int] | None = None) -> None:
    """Fail at the first difference; aliases must map one to one (shared where shared)."""
    pairs = {} if pairs is None else pairs
    seen = pairs.get(id(ours))
    if seen is not None:
        assert seen == id(ref), f"{path}: an alias is shared differently"
        return
    pairs[id(ours)] = id(ref)
    assert type(ours) is type(ref), f"{path}: {type(ours).__name__} != {type(ref).__name__}"
    assert (ours.start, ours.end) == (ref.start, ref.end), f"{path}: positions {ours.start}-{ours.end} != {ref.start}-{ref.end}"
    assert ours.tag == ref.tag, f"{path}: tag {ours.tag!r} != {ref.tag!r}"
    if isinstance(ours, ScalarNode):
        assert _same_value(ours.value, ref.value), f"{path}: value {ours.value!r} != {ref.value!r}"
        assert (ours.text, ours.style) == (ref.text, ref.style), f"{path}: text/style differ"
    elif isinstance(ours, SequenceNode):
        assert ours.flow == ref.flow and len(ours.items) == len(ref.items), f"{path}: sequence shape differs"
        for i, (a, b) in enumerate(zip(ours.items, ref.items)):
            _compare_trees(a, b, f"{path}[{i}]", pairs)
    else:
        assert ours.flow == ref.flow and len(ours.pairs) == len(ref.pairs), f"{path}: mapping shape differs"
        for i, ((ka, va), (kb, vb)) in enumerate(zip(ours.pairs, ref.pairs)):
            _compare_trees(ka, kb, f"{path}.key{i}", pairs)
            _compare_trees(va, vb, f"{path}.{getattr(ka, 'text', i)}", pairs)


def _compare_data(ours: Any, ref: Any, path: str = "$") -> None:
    assert type(ours) is type(ref), f"data {path}: {type(ours).__name__} != {type(ref).__name__}"
    if isinstance(ours, dict):
        assert list(ours) == list(ref), f"data {path}: keys {list(ours)} != {list(ref)}"
        for key in ours:
            _compare_data(ours[key], ref[key], f"{path}.{key}")
    elif isinstance(ours, list):
        assert len(ours) == len(ref), f"data {path}: lengths differ"
        for i, (a, b) in enumerate(zip(ours, ref)):
            _compare_data(a, b, f"{path}[{i}]")
    else:
        assert _same_value(ours, ref), f"data {path}: {ours!r} != {ref!r}"


def _key(finding: Any) -> Any:
    return (finding.code, finding.span, finding.message, finding.related)


def check_against_reference(text: str, loader: Any) -> None:
    document = load_yaml_text(text, "f.yaml")
    ref_findings, ref_root = _reference(text.removeprefix("\ufeff"), loader)
    if ref_findings is _TOO_DEEP:
        return
    if ref_findings is _SYNTAX_ERROR:
        # The parsers word their errors differently; their positions are tested elsewhere.
        assert document.root is None and any(f.code in ("AL101", "AL103") for f in document.findings)
        return
    assert not any(f.code == "AL101" and "nested more than" not in f.message for f in document.findings)
    assert [_key(f) for f in document.findings if f.code in _CODES] == [_key(f) for f in ref_findings]
    if ref_root is None:
        assert document.root is None
        return
    _compare_trees(document.root, ref_root)
    if isinstance(ref_root, MappingNode):
        _compare_data(document.data, to_python(ref_root))
        _compare_data(to_python(document.root), to_python(ref_root))


# --- the inputs ---------------------------------------------------------------------------

TRICKY = {
    "aliases": "a: &x {k: [1, 2]}\nb: *x\nc: *x\nd: &s text\ne: *s\n",
    "alias-keys": "&k key: 1\n*k : 2\nother: [&l [1], *l]\n",
    "alias-to-mapping-as-key": "a: &m {x: 1}\n? *m\n: 2\n",
    "explicit-tags": ("a: !!str 5\nb: !!int '7'\nc: !!float 1\nd: !!bool 'true'\ne: !!null ''\n"
                      "f: !!int x\ng: !custom 1\nh: !!python/object:os.system [x]\ni: ! 5\nj: ! '5'\n"
                      "k: !!binary aGVsbG8=\nl: !!timestamp 2001-12-14\nm: !!map {a: 1}\nn: !!seq [1]\n"
                      "o: !local {x: 1}\np: !!float '1.5'\nq: !!bool yes\nr: !!str\ns: !<tag:x.org,1:t> v\n"),
    "tagged-keys": "!!str 1: a\n1: b\n!!int '1': c\n!custom k: d\n",
    "merge-keys": "base: &b {x: 1}\nchild:\n  <<: *b\n  y: 2\nquoted:\n  '<<': 1\n  \"<<\": 2\n",
    "explicit-merge": "a:\n  !!merge x: 1\n  ! <<: 2\n",
    "crlf": "a: 1\r\nb:\r\n  - x\r\n  - 'y z'\r\nc: |\r\n  line\r\n",
    "cr-only": "a: 1\rb:\r  c: 2\r  c: 3\r",
    "mixed-breaks": 'a: "x\u2028y\x85z"\nb:\n  c: 1\n  c: 2\nd: e\u2029f\n',
    "bom": "\ufeffa: 1\nb: [1, 2]\n",
    "duplicate-keys-of-types": "1: a\n1.0: b\ntrue: c\n'1': d\n0x1: e\n01: f\n~: g\nnull: h\n1: i\nTrue: j\n",
    "duplicate-string-keys": "a: 1\nb: 2\na: 3\nc: {x: 1, x: 2, y: 3}\n",
    "same-text-other-type": "1: int\n'1': str\n1: again\n",
    "nan-keys": ".nan: 1\n.nan: 2\n.inf: 3\n-.inf: 4\n",
    "yaml11-words": "a: yes\nb: no\nc: on\nd: off\ne: y\nf: 1_000\ng: 0b11\nh: 1:30\ni: 2001-12-14\nj: 0o17\nk: 0x1F\nl: =\nm: <<\n",
    "numbers": "a: 1\nb: -2\nc: +3\nd: 1.5\ne: 1e3\nf: .5\ng: 1.\nh: .inf\ni: .NaN\nj: 007\nk: 1_0\nl: 0x\n",
    "nulls": "a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: ''\ng: nULL\n",
    "empty": "",
    "comment-only": "# nothing\n",
    "doc-marker-only": "---\n",
    "null-document": "~\n",
    "null-word-document": "null\n",
    "explicit-null-document": "!!null ''\n",
    "non-specific-empty-document": "! ''\n",
    "quoted-empty-document": "''\n",
    "multiple-documents": "a: 1\n---\nb: 2\n---\nc: 3\n",
    "multiple-documents-crlf": "a: 1\r\n---\r\n  b: 2\r\n",
    "empty-then-document": "---\n---\na: 1\n",
    "alias-across-documents": "a: &x 1\n---\nb: *x\n",
    "anchor-reused-across-documents": "a: &x 1\n--- &x\nb: 2\n",
    "second-document-broken": "a: 1\n---\nb: *nope\n",
    "second-document-deep": "a: 1\n---\n" + "[" * 200 + "]" * 200 + "\n",
    "flow": "a: {b: [1, {c: d}], e: [], f: {}}\ng: [a, 'b', \"c\", [d, [e]]]\n",
    "template-unquoted": "message: {{ parameters.text }}\n",
    "template-key": "{{ x }}: 1\n",
    "block-scalars": "a: |\n  x\n  y\nb: >-\n  p\n  q\n\nc: |+\n  z\n\nd: >2\n   indented\n",
    "complex-keys": "? [a, b]\n: c\n? {a: 1}\n: 2\nplain: 3\n",
    "recursive-alias": "a: &x [1, *x]\n",
    "recursive-alias-mapping": "a: &x {b: *x}\n",
    "recursive-after-deep": "a: &x [[[[1]]], *x]\n",
    "duplicate-anchor": "a: &x 1\nb: &x 2\n",
    "undefined-alias": "a: *nope\n",
    "root-sequence": "- a\n- b\n",
    "root-scalar": "just text\n",
    "root-alias-scalar": "&a x\n",
    "unicode": "é: ✓\nlabel: 'é✓'\nx: [1, 2]\nlater: {k: v}\n",
    "huge-integer": "a: " + "9" * 5000 + "\n",
    "special-first-characters": "a: '&x'\nb: '*y'\nc: '!z'\nd: '%'\ne: '@'\nf: '`'\n",
    "tabs-in-block-scalar": "a: |\n\tx\nb: 1\n",
    "tab-indent": "a:\n\tb: 1\n",
    "too-deep-flow": "a: " + "[" * 200 + "]" * 200 + "\n",
    "too-deep-block": "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v\n",
    "deep-within-limit": "a: " + "[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1) + "\n",
    "deep-limit-exactly": "[" * MAX_NESTING + "]" * MAX_NESTING + "\n",
    "deep-past-limit": "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1) + "\n",
    "deep-alias-not-counted": "a: &d " + "[" * 100 + "]" * 100 + "\nb: " + "[" * 60 + "*d" + "]" * 60 + "\n",
    "alias-bomb": ("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"),
    "anchored-collections": "a: &m {x: &n [1, 2]}\nb: *n\nc: *m\n",
    "syntax-error": "a: b: c\n",
    "syntax-error-after-deep": "[" * 200 + "]" * 200 + "\n---\na: [\n",
    "syntax-error-after-recursive": "a: &x [*x]\n---\n: : :\n",
    "custom-tag-in-deep": "a: !x " + "[" * 200 + "]" * 200 + "\n",
    "quoted-escapes": 'a: "x\\ty\\u00e9\\n"\nb: \'it\'\'s\'\nc: "multi\n  line"\n',
    "directive": "%YAML 1.1\n---\na: 1\n",
    "anchored-root-mapping": "&r\na: 1\n",
    "keys-with-null-and-bool": "? \n: empty key\ntrue: t\nfalse: f\n",
    "sequence-of-mappings": "tasks:\n  - name: a\n    next:\n      - do: [b]\n  - name: b\n",
}


def _files() -> list[Path]:
    roots = [REPO / "examples" / "packs", REPO / "tests" / "data" / "corpus"]
    return sorted(p for root in roots for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def _hostile() -> dict[str, str]:
    """The YAML files of the hostile corpus (tests/hostile), as text."""
    from hostile.hostile_corpus import ATTACKS

    found: dict[str, str] = {}
    for attack in ATTACKS:
        for relative, content in attack.files.items():
            if not relative.endswith((".yaml", ".yml")):
                continue
            try:
                text = content if isinstance(content, str) else content.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if len(text) <= 200_000:  # the pure-Python reference is slow on the megabyte ones
                found[f"{attack.name}/{relative}"] = text
    return found


@pytest.mark.parametrize("name", sorted(TRICKY))
@pytest.mark.parametrize("composer", ["pure", "libyaml"])
def test_tricky_yaml_matches_the_reference(name: str, composer: str) -> None:
    loader = yaml.SafeLoader if composer == "pure" else getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    check_against_reference(TRICKY[name], loader)


@pytest.mark.parametrize("composer", ["pure", "libyaml"])
def test_every_example_and_corpus_file_matches_the_reference(composer: str) -> None:
    loader = yaml.SafeLoader if composer == "pure" else getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    files = _files()
    assert len(files) > 20  # the examples and the corpus are there
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        try:
            check_against_reference(text, loader)
        except AssertionError as exc:
            raise AssertionError(f"{path.relative_to(REPO)}: {exc}") from None


@pytest.mark.parametrize("composer", ["pure", "libyaml"])
def test_every_hostile_file_matches_the_reference(composer: str) -> None:
    loader = yaml.SafeLoader if composer == "pure" else getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    files = _hostile()
    assert len(files) > 10
    for name, text in sorted(files.items()):
        try:
            check_against_reference(text, loader)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None


def test_the_pure_python_parser_builds_the_same_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """The composer works from either parser's events: same tree, same findings."""
    for name, text in sorted(TRICKY.items()):
        fast = load_yaml_text(text, "f.yaml")
        with monkeypatch.context() as patch:
            patch.setattr(reader, "_Loader", yaml.SafeLoader)
            slow = load_yaml_text(text, "f.yaml")
        if any(f.code == "AL101" for f in fast.findings):
            assert [f.code for f in slow.findings] == [f.code for f in fast.findings], name
            continue
        assert [(f.code, f.span, f.message) for f in slow.findings] == \
            [(f.code, f.span, f.message) for f in fast.findings], name
        if fast.root is not None:
            _compare_trees(slow.root, fast.root, name)


def test_the_reference_check_can_fail() -> None:
    """The comparison is not vacuous: a changed position, value or type is caught."""
    document = load_yaml_text("a: 1\nb: x\n", "f.yaml")
    _, reference_root = _reference("a: 1\nb: x\n", yaml.SafeLoader)
    _compare_trees(document.root, reference_root)
    value = document.root.get("a")
    value.value = 1.0  # same number, other type
    with pytest.raises(AssertionError, match="value"):
        _compare_trees(document.root, reference_root)
    value.value = 1
    value.end = Mark(1, 6, 4)
    with pytest.raises(AssertionError, match="positions"):
        _compare_trees(document.root, reference_root)
    with pytest.raises(AssertionError, match="keys"):
        _compare_data({"b": "x", "a": 1}, {"a": 1, "b": "x"})


def test_marks_are_made_on_first_use_and_stay() -> None:
    document = load_yaml_text("a:\n  b: [1, 2]\n", "f.yaml")
    node = document.root.get("a").get("b")
    first = node.start
    assert first == Mark(2, 6, 8) and node.start is first
    assert node.end == Mark(2, 12, 14)
    assert (node.items[1].start.line, node.items[1].start.column) == (2, 10)


def test_events_of_a_second_import_of_yaml_are_understood() -> None:
    """The C extension keeps the event classes of the first import of ``yaml``: events are
    told apart by their class names when their classes are not this import's."""
    import attune_lint.document.composer as composer

    foreign = {cls: type(cls.__name__, (cls,), {}) for cls in (
        yaml.events.ScalarEvent, yaml.events.MappingStartEvent, yaml.events.MappingEndEvent,
        yaml.events.SequenceStartEvent, yaml.events.SequenceEndEvent, yaml.events.AliasEvent,
        yaml.events.DocumentStartEvent, yaml.events.DocumentEndEvent,
        yaml.events.StreamStartEvent, yaml.events.StreamEndEvent)}

    class Foreign(yaml.SafeLoader):
        def get_event(self) -> Any:
            event = super().get_event()
            event.__class__ = foreign[type(event)]
            return event

    text = TRICKY["aliases"] + "f: [1, {g: !!str 2}]\n"
    built = composer.compose(Foreign, text, "f.yaml")
    expected = load_yaml_text(text, "f.yaml")
    _compare_trees(built.root, expected.root)
    assert built.data == expected.data


def test_the_composer_sets_every_field_of_the_nodes() -> None:
    """The composer fills nodes slot by slot, without their __init__: a field added to the
    node classes must be set there too, or reading it fails."""
    import dataclasses

    from attune_lint.document.tree import walk

    for text in (TRICKY["aliases"], TRICKY["flow"], TRICKY["crlf"], TRICKY["cr-only"]):
        for node in walk(load_yaml_text(text, "f.yaml").root):
            for item in dataclasses.fields(node):
                getattr(node, item.name)
