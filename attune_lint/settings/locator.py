"""Where in a configuration file a setting was written, so that a mistake is reported at its
line and column: TOML by scanning its lines (tomllib keeps no positions), YAML from the
positioned tree."""
from __future__ import annotations

import re
from typing import Any, Callable

from attune_lint.document.tree import MappingNode, ScalarNode, SequenceNode

Position = tuple[int, int]
Locate = Callable[[tuple[Any, ...]], Position]
# Last part of a location path: the value written for the key, not the key itself.
VALUE = object()

_TOML_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")
_TOML_PART = re.compile(r"""\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.|$)""")


def _toml_key_path(text: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _TOML_PART.findall(text))


class TomlLocator:
    """Line and column of keys in TOML text: tomllib keeps no positions, so scan the lines.

    Knows table headers, dotted keys and multi-line strings; an array item is found by
    searching its text after the key that holds it.
    """

    def __init__(self, text: str, prefix: tuple[str, ...]) -> None:
        self.lines = text.splitlines()
        self.prefix = prefix
        self.keys: dict[tuple[str, ...], Position] = {}
        table: tuple[str, ...] = ()
        in_string: str | None = None
        for number, line in enumerate(self.lines, start=1):
            if in_string is not None:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            header = _TOML_HEADER.match(line)
            if header:
                table = _toml_key_path(header.group(1))
                self.keys.setdefault(table, (number, line.index("[") + 1))
                continue
            key = _TOML_KEY.match(line)
            if key:
                path = table + _toml_key_path(key.group(1))
                self.keys.setdefault(path, (number, len(line) - len(line.lstrip()) + 1))
                rest = line[key.end():]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_string = quote

    def __call__(self, path: tuple[Any, ...]) -> Position:
        value = bool(path) and path[-1] is VALUE
        path = path[:-1] if value else path
        keys = [p for p in path if isinstance(p, str)]
        full = self.prefix + tuple(keys)
        while full:
            if full in self.keys:
                line, column = self.keys[full]
                item = path[-1] if path and not isinstance(path[-1], str) else None
                if item is not None and isinstance(item, tuple):  # (index, text): search the text
                    return self._find_after(line, item[1]) or (line, column)
                if value and full == self.prefix + tuple(keys):
                    text = self.lines[line - 1]
                    equals = text.find("=", column - 1)
                    if equals >= 0 and text[equals + 1:].strip():
                        return line, len(text) - len(text[equals + 1:].lstrip()) + 1
                return line, column
            full = full[:-1]
        return 1, 1

    def _find_after(self, line: int, needle: str) -> Position | None:
        for number in range(line, min(line + 200, len(self.lines)) + 1):
            text = self.lines[number - 1]
            for quoted in (f'"{needle}"', f"'{needle}'"):
                at = text.find(quoted)
                if at >= 0:
                    return number, at + 1
        return None


class YamlLocator:
    """Line and column of keys and items in a composed YAML configuration."""

    def __init__(self, root: Any) -> None:
        self.root = root

    def __call__(self, path: tuple[Any, ...]) -> Position:
        """A str part is a mapping key (the key's position when it is the last part); an int or
        an (index, text) part is a sequence item."""
        value = bool(path) and path[-1] is VALUE
        path = path[:-1] if value else path
        node = result = self.root
        for number, part in enumerate(path):
            last = number == len(path) - 1
            if isinstance(node, MappingNode) and isinstance(part, str):
                pair = next(((k, v) for k, v in reversed(node.pairs)
                             if isinstance(k, ScalarNode) and str(k.value) == part), None)
                if pair is None:
                    break
                result, node = (pair[0] if last and not value else pair[1]), pair[1]
            elif isinstance(node, SequenceNode) and isinstance(part, (int, tuple)):
                index = part[0] if isinstance(part, tuple) else part
                if not 0 <= index < len(node.items):
                    break
                result = node = node.items[index]
            else:
                break
        return result.start.line, result.start.column
