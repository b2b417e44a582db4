"""Read a file and compose its YAML into a positioned tree, reporting what is wrong.

One loader for everything (CLI, pytest, pre-commit, registrar). It never constructs
arbitrary tags: PyYAML is used only up to its composer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

import yaml
from yaml.resolver import Resolver

from attune_lint.diagnostics import Diagnostic, Span
from attune_lint.files import FileTooLarge, read_regular
from attune_lint.limits import DEFAULT_MAX_FILE_SIZE, MAX_EXPANDED_NODES, MAX_NESTING
from attune_lint.document import rules as R
from attune_lint.document.tree import (
    STANDARD_TAGS,
    YAML_TAG,
    AnyNode,
    MappingNode,
    Mark,
    ScalarNode,
    SequenceNode,
    TEXT_PER_NODE,
    expanded_size,
    resolve_plain,
    to_python,
)


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_T = TypeVar("_T")
_RESOLVER = Resolver()
_LEADING_WS = re.compile(r"^[ \t]*")


# Characters PyYAML counts as line breaks besides "\n"; editors, GitHub and SARIF readers do
# not, so positions are then computed from character offsets instead.
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def source_lines(text: str) -> list[str]:
    """The lines of ``text`` as an editor numbers them: split at "\n" only (a "\r" before it
    dropped), unlike ``str.splitlines``, which also splits at form feeds, U+2028 and more."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


@dataclass
class SourceFile:
    """The decoded text of a file, for snippets and for positions inside scalars."""

    path: str
    text: str
    has_bom: bool = False
    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = source_lines(self.text)
        return self._lines

    def line_text(self, line: int) -> str:
        """The text of a 1-based line ('' when out of range)."""
        lines = self.lines
        return lines[line - 1] if 1 <= line <= len(lines) else ""


@dataclass
class YamlDocument:
    """A loaded file: its text, its tree (None when unusable) and the loading findings."""

    path: str
    source: SourceFile | None
    root: AnyNode | None
    findings: list[Diagnostic]
    _data: Any = field(default=None, repr=False)

    @property
    def mapping(self) -> MappingNode | None:
        return self.root if isinstance(self.root, MappingNode) else None

    @property
    def data(self) -> dict[str, Any]:
        """The top-level mapping as plain data ({} when the file has none), built once:
        the loader, the schema check and the registrar all read it."""
        if self._data is None:
            value = to_python(self.mapping) if self.mapping is not None else {}
            self._data = value if isinstance(value, dict) else {}
        return self._data


def read_yaml_file(path: Path | str, display_path: str | None = None,
                   max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> YamlDocument:
    """Load one file; any problem becomes a finding, never an exception."""
    shown = display_path if display_path is not None else str(path)
    origin = Span(1, 1, 1, 1)
    try:
        data = read_regular(path, max_file_size)
    except FileTooLarge as exc:
        return YamlDocument(shown, None, None, [R.FILE_TOO_LARGE.at(
            shown, origin,
            f"file is {exc.size} bytes; the platform reads workflow files of at most {max_file_size} bytes",
            "split the workflow into smaller workflows")])
    except OSError as exc:
        return YamlDocument(shown, None, None, [R.UNREADABLE.at(
            shown, origin, f"cannot read file: {exc.strerror or exc}")])
    try:
        return load_yaml_bytes(data, shown)
    except Exception as exc:  # noqa: BLE001 - a bug in the reader must not stop the run
        return YamlDocument(shown, None, None, [R.INTERNAL_ERROR.at(
            shown, origin, f"internal error while reading the file: {type(exc).__name__}: {exc}"[:500],
            "the other files were still checked; please report this with the file")])


def read_source(path: Path | str, display_path: str, max_file_size: int = DEFAULT_MAX_FILE_SIZE) -> SourceFile | None:
    """The ``SourceFile`` that ``read_yaml_file`` would make for ``path`` (None where it makes
    none: unreadable, too large, not UTF-8), without composing the YAML: for a snippet of a
    file whose findings came from another process or from the cache."""
    try:
        text = read_regular(path, max_file_size).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if text.startswith("\ufeff"):
        return SourceFile(display_path, text[1:], True)
    return SourceFile(display_path, text)


def load_yaml_bytes(data: bytes, display_path: str) -> YamlDocument:
    """Decode UTF-8 (reporting a BOM or a bad byte at its position) and load."""
    # UTF-32's byte-order marks begin with UTF-16's: look for them first.
    encoding = ("UTF-32" if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"))
                else "UTF-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else None)
    if encoding is not None:
        return YamlDocument(display_path, None, None, [R.UNREADABLE.at(
            display_path, Span(1, 1, 1, 2), f"file is {encoding} encoded; Attune reads UTF-8",
            "save the file as UTF-8")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8").removeprefix("\ufeff")  # columns never count a BOM
        line = good.count("\n") + 1
        column = len(good) - (good.rfind("\n") + 1) + 1
        return YamlDocument(display_path, None, None, [R.UNREADABLE.at(
            display_path, Span(line, column, line, column + 1),
            f"file is not valid UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded",
            "save the file as UTF-8")])
    return load_yaml_text(text, display_path)


def load_yaml_text(text: str, display_path: str) -> YamlDocument:
    """Compose ``text`` into a positioned tree and collect loading findings."""
    findings: list[Diagnostic] = []
    has_bom = text.startswith("\ufeff")
    if has_bom:
        text = text[1:]
        findings.append(R.BYTE_ORDER_MARK.at(
            display_path, Span(1, 1, 1, 2), "file starts with a UTF-8 byte-order mark",
            "save the file as UTF-8 without BOM"))
    source = SourceFile(display_path, text, has_bom)
    tab_lines = _tab_indented_lines(text)
    try:
        documents = _compose_all(text)
    except TooDeep as exc:
        findings.append(_too_deep(display_path, exc.start))
        return YamlDocument(display_path, source, None, findings)
    except yaml.MarkedYAMLError as exc:
        findings.extend(_syntax_findings(exc, display_path, tab_lines, source))
        return YamlDocument(display_path, source, None, findings)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line, column = _line_column(text, exc.position)
        findings.append(R.SYNTAX.at(display_path, Span(line, column, line, column + 1),
                                    f"character U+{exc.character:04X} is not allowed in YAML"
                                    if isinstance(exc.character, int) else f"invalid YAML: {exc.reason}",
                                    "remove the control character"))
        return YamlDocument(display_path, source, None, findings)
    except yaml.YAMLError as exc:  # errors without marks (rare)
        findings.append(R.SYNTAX.at(display_path, Span(1, 1, 1, 2), f"invalid YAML: {exc}"))
        return YamlDocument(display_path, source, None, findings)
    except RecursionError:
        findings.append(R.SYNTAX.at(display_path, Span(1, 1, 1, 2),
                                    "document is nested too deeply to be read"))
        return YamlDocument(display_path, source, None, findings)

    if not documents or _is_empty(documents[0]):
        findings.append(R.EMPTY_FILE.at(display_path, Span(1, 1, 1, 1), "file holds no YAML document",
                                        "an Attune file is a mapping of keys"))
        return YamlDocument(display_path, source, None, findings)
    for extra in documents[1:]:
        mark = extra.start_mark
        findings.append(R.MULTIPLE_DOCUMENTS.at(
            display_path, Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 4),
            "file holds more than one YAML document; Attune reads exactly one",
            "keep one document per file (remove the '---' separator and what follows)"))
        break

    converter = _Converter(display_path, text)
    try:
        root = converter.convert(documents[0])
    except TooDeep as exc:
        findings.append(_too_deep(display_path, exc.start))
        return YamlDocument(display_path, source, None, findings)
    except RecursiveAlias as exc:
        findings.append(R.ALIAS_BOMB.at(
            display_path, Span(exc.start.line, exc.start.column, exc.start.line, exc.start.column + 1),
            "an alias inside the node its anchor names makes the document contain itself; "
            "the platform's YAML reader cannot read it",
            "write the data out instead of referring back to an enclosing anchor"))
        return YamlDocument(display_path, source, None, findings)
    except RecursionError:
        findings.append(R.SYNTAX.at(display_path, Span(1, 1, 1, 2),
                                    "document is nested too deeply to be read"))
        return YamlDocument(display_path, source, None, findings)
    findings.extend(converter.findings)
    findings.extend(_tab_findings(tab_lines, root, display_path))

    if converter.has_alias and expanded_size(root, limit=MAX_EXPANDED_NODES + 1) > MAX_EXPANDED_NODES:
        findings.append(R.ALIAS_BOMB.at(
            display_path, root.span,
            f"aliases expand this document to more than {MAX_EXPANDED_NODES} nodes "
            f"(each {TEXT_PER_NODE} characters of text counting as one)",
            "write the repeated data out, or reuse less of it"))
        return YamlDocument(display_path, source, None, findings)
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        findings.append(R.ROOT_NOT_MAPPING.at(
            display_path, Span(root.start.line, root.start.column, root.start.line, root.start.column + 1),
            f"the top level of the file is {kind}, not a mapping of keys"))
    return YamlDocument(display_path, source, root, findings)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


# libyaml's composer (through PyYAML's C extension) recurses once per nesting level on the
# C stack, with no limit of its own: a 100 KB file of "[[[[..." crashes the interpreter
# (a segmentation fault, no diagnostic). Files that could nest that deep are composed on a
# thread with a stack large enough for any file the size limit lets through (about 300 bytes
# a level; 1 MiB of brackets is 0.5 million levels); the converter then reports whatever
# is deeper than the platform reads. The counts below are a cheap upper bound.
_DEEP_ENOUGH_TO_CHECK = 5_000
_BIG_STACK = 512 * 1024 * 1024


def _too_deep(display_path: str, start: Mark) -> Diagnostic:
    return R.SYNTAX.at(
        display_path, Span(start.line, start.column, start.line, start.column + 1),
        f"lists and mappings are nested more than {MAX_NESTING} levels deep here; the platform's "
        "YAML reader (serde_yaml) stops at that depth and refuses the file",
        "flatten the data")


def _compose_all(text: str) -> list[Any]:
    openers = text.count("[") + text.count("{") + text.count("- ") + text.count("? ")
    if openers <= _DEEP_ENOUGH_TO_CHECK:
        return _compose_here(text)
    deep = _deep_flow(text)
    if deep is not None:
        raise TooDeep(deep)
    return _on_big_stack(lambda: _compose_here(text))


# libyaml's scanner also takes time quadratic in the depth of flow collections (a 500 KB
# file of "{b: {b: ..." took 50 s), so a flow nesting far deeper than the platform reads is
# reported from a scan of the brackets alone, before libyaml sees the file.
_FLOW_TOKEN = re.compile(r"""[\[\]{}\n]|"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|#[^\n]*""")
_SURELY_TOO_DEEP = 1_000


def _deep_flow(text: str) -> Mark | None:
    """Where flow collections ([ ], { }) nest past ``_SURELY_TOO_DEEP``, or None.

    Quoted scalars and comments are skipped as a whole (their brackets do not nest), but
    a quoted span is only trusted on one line, so a stray apostrophe (``don't``) hides
    no more than the rest of its line."""
    depth = 0
    line = 1
    line_start = 0
    past_limit: Mark | None = None  # where the current nesting went past MAX_NESTING
    for token in _FLOW_TOKEN.finditer(text):
        char = token.group()[0]
        if char in "[{":
            depth += 1
            if depth == MAX_NESTING + 1:
                past_limit = Mark(line, token.start() - line_start + 1, token.start())
            if depth > _SURELY_TOO_DEEP:
                return past_limit
        elif char in "]}":
            depth = max(0, depth - 1)
        elif char == "\n":
            line += 1
            line_start = token.end()
    return None


def _on_big_stack(work: Callable[[], _T]) -> _T:
    """``work()`` on a thread with a ``_BIG_STACK`` stack (virtual memory: only the pages
    the recursion touches are used); its exception, if any, is raised here."""
    import threading

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller as it is
            outcome["error"] = exc

    previous = threading.stack_size()
    threading.stack_size(_BIG_STACK)  # for the next thread only: restored at once
    try:
        thread = threading.Thread(target=run, name="attune-lint-compose")
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _compose_here(text: str) -> list[Any]:
    loader = _Loader(text)
    try:
        documents = []
        while loader.check_node():
            documents.append(loader.get_node())
        return documents
    finally:
        loader.dispose()


def _is_empty(node: Any) -> bool:
    return node.id == "scalar" and node.tag == YAML_TAG + "null" and node.value in ("", "~", "null")


def _syntax_findings(exc: yaml.MarkedYAMLError, path: str, tab_lines: dict[int, int],
                     source: SourceFile) -> list[Diagnostic]:
    mark = exc.problem_mark or exc.context_mark
    # From the character offset: counts "\n" breaks only, as the snippet lines do.
    line, column = _line_column(source.text, mark.index) if mark else (1, 1)
    problem = (exc.problem or "invalid YAML").strip()
    if "\\t" in problem or "tab" in problem.lower() or line in tab_lines:
        tab_line = line if line in tab_lines else min(tab_lines, default=line)
        tab_col = tab_lines.get(tab_line, column)
        return [R.TAB_INDENT.at(path, Span(tab_line, tab_col, tab_line, tab_col + 1),
                                "tab character used for indentation; YAML allows only spaces",
                                "indent with spaces")]
    message = problem
    related: tuple[tuple[str, Span, str], ...] = ()
    if exc.context and exc.context_mark is not None:
        cm_line, cm_column = _line_column(source.text, exc.context_mark.index)
        message += f" ({exc.context}, which started at line {cm_line}, column {cm_column})"
        related = ((path, Span(cm_line, cm_column, cm_line, cm_column + 1), exc.context),)
    end_column = column + 1
    text = source.line_text(line)
    if column - 1 < len(text) and text[column - 1 :].strip():
        end_column = column + max(1, len(text[column - 1 :].split(" ", 1)[0]))
    return [R.SYNTAX.at(path, Span(line, column, line, end_column), message, related=related)]


def _tab_indented_lines(text: str) -> dict[int, int]:
    """1-based line → 1-based column of the first tab in its leading whitespace."""
    result: dict[int, int] = {}
    if "\t" not in text:
        return result
    for number, line in enumerate(source_lines(text), start=1):
        lead = _LEADING_WS.match(line).group(0)  # type: ignore[union-attr]
        if "\t" in lead and line.strip():
            result[number] = lead.index("\t") + 1
    return result


def _tab_findings(tab_lines: dict[int, int], root: AnyNode, path: str) -> list[Diagnostic]:
    """Tabs that PyYAML accepted (inside flow collections or block scalars excluded)."""
    if not tab_lines:
        return []
    exempt = _block_scalar_lines(root)
    return [
        R.TAB_INDENT.at(path, Span(line, column, line, column + 1),
                        "tab character used for indentation; YAML allows only spaces", "indent with spaces")
        for line, column in sorted(tab_lines.items())
        if line not in exempt
    ]


def _block_scalar_lines(root: AnyNode) -> set[int]:
    from attune_lint.document.tree import walk

    lines: set[int] = set()
    for node in walk(root):
        if isinstance(node, ScalarNode) and node.style in ("|", ">", "'", '"'):
            lines.update(range(node.start.line + 1, node.end.line + 1))
        elif isinstance(node, (MappingNode, SequenceNode)) and node.flow:
            lines.update(range(node.start.line + 1, node.end.line + 1))
    return lines


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


class _Converter:
    """PyYAML nodes → positioned nodes, reporting duplicate keys, tags and merge keys."""

    def __init__(self, path: str, text: str = "") -> None:
        self.path = path
        self.findings: list[Diagnostic] = []
        self.has_alias = False
        self._done: dict[int, AnyNode] = {}
        self._open: set[int] = set()
        self._mark = _mark
        if any(br in text.replace("\r\n", "\n") for br in _OTHER_BREAKS):
            starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
            self._mark = lambda mark: _mark_by_offset(mark, starts)

    def convert(self, node: Any, depth: int = 1) -> AnyNode:
        known = self._done.get(id(node))
        if known is not None:
            if id(node) in self._open:
                raise RecursiveAlias(known.start)
            self.has_alias = True
            return known
        start, end = self._mark(node.start_mark), self._mark(node.end_mark)
        if node.tag and node.tag not in STANDARD_TAGS:
            self.findings.append(R.CUSTOM_TAG.at(
                self.path, Span(start.line, start.column, start.line, start.column + 1),
                f"tag {node.tag!r} is not a standard YAML tag; it is not constructed",
                "remove the tag and write plain data"))
        # ``node.id`` rather than isinstance: robust when the yaml module was imported twice
        # (the C extension keeps the first import's node classes).
        if node.id == "scalar":
            result: AnyNode = ScalarNode(start, end, node.tag, value=_scalar_value(node),
                                         text=node.value, style=node.style or None)
            self._done[id(node)] = result
            return result
        if depth > MAX_NESTING:
            raise TooDeep(start)
        self._open.add(id(node))  # until its children are converted: an alias to it is recursive
        if node.id == "sequence":
            seq = SequenceNode(start, end, node.tag, flow=bool(node.flow_style))
            self._done[id(node)] = seq
            seq.items = [self.convert(item, depth + 1) for item in node.value]
            self._open.discard(id(node))
            return seq
        mapping = MappingNode(start, end, node.tag, flow=bool(node.flow_style))
        self._done[id(node)] = mapping
        mapping.pairs = [(self.convert(k, depth + 1), self.convert(v, depth + 1)) for k, v in node.value]
        self._open.discard(id(node))
        self._check_keys(mapping)
        return mapping

    def _check_keys(self, mapping: MappingNode) -> None:
        first: dict[Any, ScalarNode] = {}
        for key, _ in mapping.pairs:
            if not isinstance(key, ScalarNode):
                self.findings.append(_complex_key(self.path, mapping, key))
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


def _mark_by_offset(mark: Any, line_starts: list[int]) -> Mark:
    """Line and column from the character offset, counting "\n" breaks only."""
    import bisect

    line = bisect.bisect_right(line_starts, mark.index)
    return Mark(line, mark.index - line_starts[line - 1] + 1, mark.index)


def _mark(mark: Any) -> Mark:
    return Mark(mark.line + 1, mark.column + 1, mark.index)


_STR_TAG = YAML_TAG + "str"
# First characters with which a plain scalar may resolve to something other than a string,
# in YAML 1.1 (PyYAML's implicit tags) or 1.2 (ours): digits, signs, '.', '~', '<' (merge),
# '=' (value) and the initials of true/false/yes/no/on/off/null.
_NON_STRING_START = frozenset("0123456789+-.~<=yYnNtTfFoO")


def _scalar_value(node: Any) -> Any:
    text = node.value
    plain = not node.style
    if node.tag == _STR_TAG and (not plain or (text and text[0] not in _NON_STRING_START)):
        # A string whose tag is the one the resolver would give anyway (most scalars):
        # skip the resolver. An explicit '!!str' changes nothing here either.
        return text
    implicit = _RESOLVER.resolve(yaml.ScalarNode, text, (plain, not plain))
    if node.tag == implicit:
        return resolve_plain(text) if plain else text
    # An explicit standard tag: honour the few that change the type.
    tag = node.tag[len(YAML_TAG):] if node.tag.startswith(YAML_TAG) else "str"
    if tag == "null":
        return None
    if tag in ("int", "float", "bool"):
        value = resolve_plain(text)
        expected = {"int": int, "float": (int, float), "bool": bool}[tag]
        return value if isinstance(value, expected) else text
    return text
