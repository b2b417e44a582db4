"""Find and read the configuration: ``[tool.attune-lint]`` in pyproject.toml or ``.attune-lint.yaml``.

The search starts in a folder (the current one by default) and goes up to the file-system
root; the first folder holding ``.attune-lint.yaml`` (or ``.yml``) or a pyproject.toml *with
a* ``[tool.attune-lint]`` table wins (the YAML file first when a folder has both). Every
mistake is a ``ConfigError`` carrying the file, line and column, so the command line can
print ``file:line:col: message`` instead of a traceback.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from attune_lint.diagnostics import Severity
from attune_lint.files import read_regular
from attune_lint.limits import MAX_FILE_SIZE_SETTING, MAX_SIDE_FILE_SIZE
from attune_lint.settings.locator import VALUE, Locate, TomlLocator, YamlLocator
from attune_lint.settings.record import Settings
from attune_lint.spelling import closest

YAML_NAMES = (".attune-lint.yaml", ".attune-lint.yml")
PYPROJECT = "pyproject.toml"
TABLE = ("tool", "attune-lint")

# Every setting, as written in a file (kebab-case; snake_case is accepted too).
KNOWN_SETTINGS = (
    "select", "ignore", "severity", "per-file-ignores", "exclude", "max-file-size",
    "external-actions", "external-actions-file", "strict-external-actions", "fail-on",
)
# The Settings field each file setting fills (for origins and --show-config).
FIELD_OF = {
    "select": "select", "ignore": "ignore", "severity": "severity_overrides",
    "per-file-ignores": "per_file_ignores", "exclude": "exclude", "max-file-size": "max_file_size",
    "external-actions": "external_actions", "external-actions-file": "external_actions",
    "strict-external-actions": "strict_external_actions", "fail-on": "fail_on",
}
_SIZE = re.compile(r"^\s*(\d{1,12})\s*(b|kb|kib|mb|mib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {None: 1, "b": 1, "kb": 1000, "kib": 1024, "mb": 1000_000, "mib": 1024 * 1024}


class ConfigError(Exception):
    """A configuration mistake at a place in a file (line and column are 1-based; 0 = unknown)."""

    def __init__(self, file: str, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.file, self.line, self.column, self.message = file, line, column, message

    def __str__(self) -> str:
        return f"{self.file}:{max(self.line, 1)}:{max(self.column, 1)}: {self.message}"




@dataclass
class RawConfig:
    """A configuration table as plain data, with a way to find where each part was written."""

    file: Path
    data: dict[str, Any]
    locate: Locate  # path of keys/indexes inside the table → (line, column)


def find_config(start: Path | None = None) -> Path | None:
    """The configuration file that governs ``start`` (default: the current folder), if any."""
    folder = (start or Path.cwd()).resolve()
    if folder.is_file():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in YAML_NAMES:
            if (candidate / name).is_file():
                return candidate / name
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


def load_settings(config_file: Path | None = None, start: Path | None = None) -> Settings:
    """The settings of ``config_file``, or of the file found from ``start`` upwards, or defaults."""
    path = Path(config_file) if config_file is not None else find_config(start)
    if path is None:
        return Settings(origins={name: "default" for name in _FIELDS})
    return settings_from_raw(read_config(path))


def read_config(path: Path) -> RawConfig:
    """Read one configuration file (TOML or YAML) into a RawConfig."""
    try:
        text = read_regular(path, MAX_SIDE_FILE_SIZE).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), 0, 0, f"cannot read configuration file: {exc}") from None
    if path.suffix == ".toml":
        return _read_toml(path, text)
    return _read_yaml(path, text)


# --- TOML -----------------------------------------------------------------------------


def _toml_module() -> Any:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib


def _toml_document(path: Path, text: str) -> dict[str, Any]:
    try:
        tomllib = _toml_module()
    except ModuleNotFoundError:
        raise ConfigError(str(path), 0, 0, "reading TOML on Python 3.10 needs the 'tomli' package "
                                           "(pip install tomli), or use .attune-lint.yaml") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+), column (\d+)", str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(str(path), line, column, f"invalid TOML: {message}") from None
    except (RecursionError, ValueError) as exc:  # nesting past the stack; an integer of 4,300+ digits
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise ConfigError(str(path), 0, 0, f"invalid TOML: {reason}") from None


def _tool_table(document: dict[str, Any]) -> Any:
    tool = document.get("tool")
    return tool.get("attune-lint") if isinstance(tool, dict) else None


def _has_table(pyproject: Path) -> bool:
    # A cheap text test first: most pyproject.toml files never mention the tool.
    try:
        text = read_regular(pyproject, MAX_SIDE_FILE_SIZE).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return "attune-lint" in text and _tool_table(_toml_document(pyproject, text)) is not None


def _read_toml(path: Path, text: str) -> RawConfig:
    """pyproject.toml: its [tool.attune-lint] table; another .toml file: that table or the whole file."""
    document = _toml_document(path, text)
    table = _tool_table(document)
    if table is None and path.name == PYPROJECT:
        raise ConfigError(str(path), 1, 1, "no [tool.attune-lint] table in this file")
    if table is None:
        return RawConfig(path, document, TomlLocator(text, ()))
    if not isinstance(table, dict):
        line, column = TomlLocator(text, ())(TABLE)
        raise ConfigError(str(path), line, column, "tool.attune-lint must be a table")
    return RawConfig(path, table, TomlLocator(text, TABLE))


# --- YAML -----------------------------------------------------------------------------


def _read_yaml(path: Path, text: str) -> RawConfig:
    from attune_lint.diagnostics import Severity as S
    from attune_lint.document.reader import load_yaml_text
    from attune_lint.document.tree import MappingNode, to_python

    document = load_yaml_text(text, str(path))
    for finding in document.findings:
        if finding.severity == S.ERROR:
            raise ConfigError(str(path), finding.line, finding.column, f"{finding.message} ({finding.code})")
    root = document.root
    if root is None:
        return RawConfig(path, {}, lambda _path: (1, 1))
    if not isinstance(root, MappingNode):
        raise ConfigError(str(path), root.start.line, root.start.column,
                          "the configuration must be a mapping of settings")
    data = to_python(root)
    return RawConfig(path, data if isinstance(data, dict) else {}, YamlLocator(root))


# --- values -> Settings ---------------------------------------------------------------

_FIELDS = ("select", "ignore", "severity_overrides", "per_file_ignores", "exclude", "max_file_size",
           "external_actions", "strict_external_actions", "fail_on")


class _Reader:
    """Turns a RawConfig's values into Settings fields, raising ConfigError at the right place."""

    def __init__(self, raw: RawConfig) -> None:
        self.raw = raw
        self.file = str(raw.file)

    def error(self, path: tuple[Any, ...], message: str) -> ConfigError:
        line, column = self.raw.locate(path)
        return ConfigError(self.file, line, column, message)

    def where(self, key: str) -> str:
        line, _ = self.raw.locate((key,))
        return f"{self.file}:{line}"

    def strings(self, key: str, value: Any, path: tuple[Any, ...] | None = None) -> tuple[str, ...]:
        path = path or (key,)
        if isinstance(value, str):
            value = [part for part in value.split(",")]
        if not isinstance(value, list):
            raise self.error(path + (VALUE,), f"{key} must be a list of strings, not {_kind(value)}")
        result = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(path + ((index, str(item)),), f"{key}: item {index + 1} must be a non-empty string")
            result.append(item.strip())
        return tuple(result)

    def rules(self, key: str, value: Any, path: tuple[Any, ...] | None = None) -> tuple[str, ...]:
        from attune_lint.rules.catalog import find_rule

        path = path or (key,)
        names = self.strings(key, value, path)
        for index, name in enumerate(names):
            if find_rule(name) is None:
                raise self.error(path + ((index, name),), f"{key}: unknown rule code or name {name!r}"
                                 " (see 'attune-lint rules')")
        return names

    def severity(self, key: str, value: Any, path: tuple[Any, ...]) -> Severity:
        if not isinstance(value, str):
            raise self.error(path + (VALUE,), f"{key} must be one of error, warning, info, not {_kind(value)}")
        try:
            return Severity.parse(value)
        except ValueError as exc:
            raise self.error(path + (VALUE,), f"{key}: {exc}") from None

    def read(self) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        origins: dict[str, str] = {}
        catalogs: list[str] = []
        for raw_key, value in self.raw.data.items():
            key = str(raw_key).replace("_", "-")
            if key not in KNOWN_SETTINGS:
                close = closest(key, KNOWN_SETTINGS)
                hint = f"; did you mean {close!r}?" if close else f" (known: {', '.join(KNOWN_SETTINGS)})"
                raise self.error((raw_key,), f"unknown setting {raw_key!r}{hint}")
            field_name = FIELD_OF[key]
            origins[field_name] = self.where(raw_key)
            if key in ("select", "ignore"):
                changes[field_name] = self.rules(key, value, (raw_key,))
            elif key == "exclude":
                changes[field_name] = self.strings(key, value, (raw_key,))
            elif key == "severity":
                overrides, off = self.severities(raw_key, value)
                changes["severity_overrides"] = overrides
                if off:
                    changes["_off"] = off
            elif key == "per-file-ignores":
                changes[field_name] = self.per_file_ignores(raw_key, value)
            elif key == "max-file-size":
                changes[field_name] = self.size(raw_key, value)
            elif key == "external-actions":
                changes.setdefault("_external", []).extend(self.strings(key, value, (raw_key,)))
            elif key == "external-actions-file":
                files = (value,) if isinstance(value, str) else self.strings(key, value, (raw_key,))
                for index, name in enumerate(files):
                    refs = self.catalog(raw_key, name, (raw_key,) if isinstance(value, str) else (raw_key, (index, name)))
                    changes.setdefault("_external", []).extend(refs)
                    catalogs.append(name)
            elif key == "strict-external-actions":
                if not isinstance(value, bool):
                    raise self.error((raw_key, VALUE), f"{key} must be true or false, not {_kind(value)}")
                changes[field_name] = value
            elif key == "fail-on":
                changes[field_name] = self.severity(key, value, (raw_key,))
        off = changes.pop("_off", ())
        if off:
            changes["ignore"] = tuple(changes.get("ignore", ())) + tuple(off)
            origins.setdefault("ignore", origins["severity_overrides"])
        external = changes.pop("_external", None)
        if external is not None:
            changes["external_actions"] = tuple(dict.fromkeys(external))
        changes["origins"] = origins
        return changes

    def severities(self, key: str, value: Any) -> tuple[tuple[tuple[str, Severity], ...], tuple[str, ...]]:
        from attune_lint.rules.catalog import find_rule

        if not isinstance(value, dict):
            raise self.error((key, VALUE), f"{key} must be a mapping of rule code or name to error, warning, info or off")
        overrides, off = [], []
        for name, level in value.items():
            if find_rule(str(name)) is None:
                raise self.error((key, str(name)), f"{key}: unknown rule code or name {name!r}")
            if isinstance(level, str) and level.strip().lower() == "off":
                off.append(str(name))
                continue
            overrides.append((str(name), self.severity(f"{key}.{name}", level, (key, str(name)))))
        return tuple(overrides), tuple(off)

    def per_file_ignores(self, key: str, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if not isinstance(value, dict):
            raise self.error((key, VALUE), f"{key} must be a mapping of glob to a list of rule codes or names")
        return tuple((str(glob), self.rules(f"{key}.{glob}", codes, (key, str(glob))))
                     for glob, codes in value.items())

    def size(self, key: str, value: Any) -> int:
        if isinstance(value, bool):
            value = None
        if isinstance(value, str):
            found = _SIZE.match(value)
            value = int(found.group(1)) * _SIZE_UNITS[(found.group(2) or "").lower() or None] if found else None
        if not isinstance(value, int) or not 0 < value <= MAX_FILE_SIZE_SETTING:
            raise self.error((key, VALUE), f"{key} must be a positive number of bytes, at most {MAX_FILE_SIZE_SETTING} "
                                           "(e.g. 1048576 or \"1 MiB\")")
        return value

    def catalog(self, key: str, name: str, path: tuple[Any, ...]) -> tuple[str, ...]:
        """Action refs from a catalog file: a YAML/JSON list (or ``actions:`` list) or one per line."""
        file = Path(name) if Path(name).is_absolute() else self.raw.file.parent / name
        if not file.is_file():
            raise self.error(path + (VALUE,), f"{key}: catalog file {str(file)!r} does not exist")
        try:
            return read_action_catalog(file)
        except ConfigError:
            raise
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise self.error(path + (VALUE,), f"{key}: cannot read catalog {str(file)!r}: {exc}") from None


def read_action_catalog(file: Path) -> tuple[str, ...]:
    """Refs listed in a catalog of known external actions.

    ``.txt``: one ref per line (``#`` comments). Otherwise YAML or JSON: a list of refs, a
    list of mappings with ``ref``, or a mapping with such a list under ``actions``.
    """
    text = read_regular(file, MAX_SIDE_FILE_SIZE).decode("utf-8")
    if file.suffix == ".txt":
        return tuple(line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip())
    from attune_lint.document.reader import load_yaml_text
    from attune_lint.document.tree import to_python

    document = load_yaml_text(text, str(file))
    for finding in document.findings:
        # A list at the top is what a catalog is; only real YAML errors matter here.
        if finding.severity == Severity.ERROR and finding.rule != "root-not-mapping":
            raise ConfigError(str(file), finding.line, finding.column, finding.message)
    data = to_python(document.root) if document.root is not None else []
    if isinstance(data, dict):
        data = data.get("actions", [])
    if not isinstance(data, list):
        raise ConfigError(str(file), 1, 1, "a catalog is a list of action refs (or 'actions:' with one)")
    refs = []
    for item in data:
        ref = item.get("ref") if isinstance(item, dict) else item
        if not isinstance(ref, str) or not ref:
            raise ConfigError(str(file), 1, 1, f"catalog entry {item!r} is not an action ref")
        refs.append(ref)
    return tuple(refs)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return repr(value)


def settings_from_raw(raw: RawConfig) -> Settings:
    changes = _Reader(raw).read()
    origins = {name: "default" for name in _FIELDS}
    origins.update(changes.pop("origins"))
    origins["config_file"] = str(raw.file)
    return replace(Settings(), root=str(raw.file.parent.resolve()), origins=origins, **changes)


def describe(settings: Settings) -> str:
    """The effective settings, one per line with where each came from (``--show-config``)."""
    origins = settings.origins
    lines = [f"# configuration file: {origins.get('config_file', 'none found (defaults)')}"]
    values: dict[str, Any] = {
        "select": list(settings.select) or "all rules",
        "ignore": list(settings.ignore),
        "severity": {name: level.label for name, level in settings.severity_overrides},
        "per-file-ignores": {glob: list(codes) for glob, codes in settings.per_file_ignores},
        "exclude": list(settings.exclude),
        "max-file-size": settings.max_file_size,
        "external-actions": list(settings.external_actions),
        "strict-external-actions": settings.strict_external_actions,
        "fail-on": settings.fail_on.label,
    }
    import json

    width = max(len(name) for name in values)
    for name, value in values.items():
        field_name = FIELD_OF[name]
        shown = value if isinstance(value, str) and name == "select" and not settings.select else json.dumps(value)
        lines.append(f"{name.ljust(width)} = {shown}  # {origins.get(field_name, 'default')}")
    return "\n".join(lines)
