"""Read a file and compose its YAML into a positioned tree, reporting what is wrong.

One loader for everything (CLI, pytest, pre-commit, registrar). It never constructs
arbitrary tags: PyYAML is used only up to its parser (``composer.py`` builds the tree).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from attune_lint.diagnostics import Diagnostic, Span
from attune_lint.files import FileTooLarge, read_regular
from attune_lint.limits import DEFAULT_MAX_FILE_SIZE, MAX_EXPANDED_NODES, MAX_NESTING
from attune_lint.document import rules as R
from attune_lint.document.composer import Composition, RecursiveAlias, TooDeep, compose
from attune_lint.document.tree import (
    AnyNode,
    MappingNode,
    Mark,
    ScalarNode,
    SequenceNode,
    TEXT_PER_NODE,
    expanded_size,
    to_python,
)


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LEADING_WS = re.compile(r"^[ \t]*")


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
        composition = _compose_all(text, display_path)
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

    if composition.empty:
        findings.append(R.EMPTY_FILE.at(display_path, Span(1, 1, 1, 1), "file holds no YAML document",
                                        "an Attune file is a mapping of keys"))
        return YamlDocument(display_path, source, None, findings)
    if composition.second_start is not None:
        mark = composition.second_start  # PyYAML's line count, as this finding always had
        findings.append(R.MULTIPLE_DOCUMENTS.at(
            display_path, Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 4),
            "file holds more than one YAML document; Attune reads exactly one",
            "keep one document per file (remove the '---' separator and what follows)"))

    problem = composition.problem
    if isinstance(problem, TooDeep):
        findings.append(_too_deep(display_path, problem.start))
        return YamlDocument(display_path, source, None, findings)
    if isinstance(problem, RecursiveAlias):
        findings.append(R.ALIAS_BOMB.at(
            display_path, Span(problem.start.line, problem.start.column, problem.start.line, problem.start.column + 1),
            "an alias inside the node its anchor names makes the document contain itself; "
            "the platform's YAML reader cannot read it",
            "write the data out instead of referring back to an enclosing anchor"))
        return YamlDocument(display_path, source, None, findings)
    root = composition.root
    assert root is not None
    findings.extend(composition.findings)
    findings.extend(_tab_findings(tab_lines, root, display_path))

    if composition.has_alias and expanded_size(root, limit=MAX_EXPANDED_NODES + 1) > MAX_EXPANDED_NODES:
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
    data = composition.data if isinstance(root, MappingNode) else None
    return YamlDocument(display_path, source, root, findings, data)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


# The composer (``composer.py``) builds the tree from the parser's events without recursion
# (libyaml's own composer recursed once per level on the C stack and crashed the interpreter
# on a deep enough file), so any nesting composes on the ordinary stack, and whatever is
# deeper than the platform reads is reported as ``TooDeep``. Only a file with more openers
# than this (a cheap upper bound of its depth) is scanned by ``_deep_flow`` first.
_DEEP_ENOUGH_TO_CHECK = 5_000


def _too_deep(display_path: str, start: Mark) -> Diagnostic:
    return R.SYNTAX.at(
        display_path, Span(start.line, start.column, start.line, start.column + 1),
        f"lists and mappings are nested more than {MAX_NESTING} levels deep here; the platform's "
        "YAML reader (serde_yaml) stops at that depth and refuses the file",
        "flatten the data")


def _compose_all(text: str, display_path: str = "") -> Composition:
    openers = text.count("[") + text.count("{") + text.count("- ") + text.count("? ")
    if openers > _DEEP_ENOUGH_TO_CHECK:
        deep = _deep_flow(text)
        if deep is not None:
            raise TooDeep(deep)
    return compose(_Loader, text, display_path)


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


