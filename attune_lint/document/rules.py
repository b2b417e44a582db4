"""Rules about the YAML text itself; the loader (``yaml_loader``) emits them."""
from __future__ import annotations

from attune_lint.diagnostics import Severity
from attune_lint.rule import Rule

SYNTAX = Rule(
    "AL101", "yaml-syntax", Severity.ERROR,
    "The file is not valid YAML.",
    """
    The YAML parser stopped. The diagnostic points at the problem and names the line
    where the broken construct started. Emitted by the YAML reader
    (``attune_lint/document/reader.py``) while it reads the file, before any rule family
    runs.

    FAIL:
        tasks:
          - name: a
            input: {message: "hi"
    PASS:
        tasks:
          - name: a
            input: {message: "hi"}
    """,
)
DUPLICATE_KEY = Rule(
    "AL102", "duplicate-key", Severity.ERROR,
    "A mapping has the same key twice; YAML silently keeps the last one.",
    """
    The earlier value is lost without a word when the platform loads the file. Emitted by
    the YAML reader (``attune_lint/document/reader.py``) while it reads the file, before any
    rule family runs.

    FAIL:
        tasks:
          - name: a
            action: core.echo
            action: core.noop
    PASS:
        tasks:
          - name: a
            action: core.noop
    """,
)
TAB_INDENT = Rule(
    "AL103", "tab-indentation", Severity.ERROR,
    "A tab is used for indentation; YAML allows only spaces.",
    """
    Emitted by the YAML reader (``attune_lint/document/reader.py``) while it reads the
    file, before any rule family runs.

    FAIL:
        tasks:
        \t- name: a
    PASS:
        tasks:
          - name: a
    """,
)
ROOT_NOT_MAPPING = Rule(
    "AL104", "root-not-mapping", Severity.ERROR,
    "The top level of the file is not a mapping.",
    """
    Every Attune file (pack.yaml, action, workflow) is a mapping of keys. Emitted by the
    YAML reader (``attune_lint/document/reader.py``) while it reads the file, before any
    rule family runs.

    FAIL:
        # file: workflows/w.yaml
        - name: a
          action: core.echo
    PASS:
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    """,
)
EMPTY_FILE = Rule(
    "AL105", "empty-file", Severity.ERROR,
    "The file holds no YAML document.",
    """
    Emitted by the YAML reader (``attune_lint/document/reader.py``) while it reads the
    file, before any rule family runs.

    FAIL:
        # file: workflows/w.yaml
        # only a comment
    PASS:
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    """,
)
MULTIPLE_DOCUMENTS = Rule(
    "AL106", "multiple-documents", Severity.ERROR,
    "The file holds more than one YAML document; Attune reads exactly one.",
    """
    Emitted by the YAML reader (``attune_lint/document/reader.py``) while it reads the
    file, before any rule family runs.

    FAIL:
        version: "1.0.0"
        ---
        version: "2.0.0"
    PASS:
        version: "1.0.0"
    """,
)
BYTE_ORDER_MARK = Rule(
    "AL107", "byte-order-mark", Severity.WARNING,
    "The file starts with a byte-order mark.",
    """
    Some tools mis-read the first key of a file that starts with U+FEFF. Save as UTF-8
    without BOM. Emitted by the YAML reader (``attune_lint/document/reader.py``) while it
    reads the file, before any rule family runs.

    FAIL:
        \ufeffversion: "1.0.0"
    PASS:
        version: "1.0.0"
    """,
)
FILE_TOO_LARGE = Rule(
    "AL108", "file-too-large", Severity.ERROR,
    "The file exceeds the maximum size the platform reads (1 MiB by default).",
    """
    Attune's workflow loader refuses files over ``max_file_size`` (1,048,576 bytes) with
    "Workflow file exceeds maximum size of N bytes". Split the workflow. The linter's
    ``max-file-size`` setting changes the limit; the examples lower it to 120 bytes to stay
    short. Emitted by the YAML reader (``attune_lint/document/reader.py``), which does not
    read such a file at all.

    FAIL:
        # file: .attune-lint.yaml
        max-file-size: 120
        # file: workflows/w.yaml
        ref: acme.w
        label: W
        version: "1.0.0"
        description: Deploys the service to every host of the region, then checks each one.
        tasks:
          - name: a
            action: core.echo
    PASS:
        # file: .attune-lint.yaml
        max-file-size: 120
        # file: workflows/w.yaml
        ref: acme.w
        label: W
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    """,
)
UNREADABLE = Rule(
    "AL109", "unreadable-file", Severity.ERROR,
    "The file cannot be read, or is not UTF-8 text.",
    """
    The FAIL example is saved as Latin-1, where ``é`` is the single byte 0xE9; the PASS
    example is the same text saved as UTF-8. Emitted by the YAML reader
    (``attune_lint/document/reader.py``) while it reads the file, and by the workspace
    loader (``attune_lint/workspace/workspace.py``) for a path to lint that does not exist.

    FAIL:
        # file: workflows/w.yaml (encoding: latin-1)
        ref: acme.w
        label: Café
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    PASS:
        # file: workflows/w.yaml (encoding: utf-8)
        ref: acme.w
        label: Café
        version: "1.0.0"
        tasks:
          - name: a
            action: core.echo
    """,
)
CUSTOM_TAG = Rule(
    "AL110", "unsafe-tag", Severity.ERROR,
    "A YAML tag other than the standard ones is used; it is never constructed.",
    """
    Tags such as ``!!python/object`` or ``!Ref`` mean nothing to Attune and are a classic
    injection vector. The linter reports them and reads the node as plain data. Emitted by
    the YAML reader (``attune_lint/document/reader.py``) while it reads the file, before any
    rule family runs.

    FAIL:
        vars:
          x: !!python/object/apply:os.system ["id"]
    PASS:
        vars:
          x: "id"
    """,
)
ALIAS_BOMB = Rule(
    "AL111", "alias-expansion", Severity.ERROR,
    "Aliases expand to an unreasonably large document.",
    """
    Anchors and aliases are fine, but a document that grows past 100,000 nodes when its
    aliases are copied out (a "billion laughs" file) is refused: below, ``e`` alone is
    100,000 copies of ``x``. Emitted by the YAML reader
    (``attune_lint/document/reader.py``), which counts the nodes without expanding them.

    FAIL:
        a: &a [x, x, x, x, x, x, x, x, x, x]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    PASS:
        defaults: &defaults {retries: 3}
        other: *defaults
    """,
)
MERGE_KEY = Rule(
    "AL112", "merge-key", Severity.ERROR,
    "A YAML merge key ``<<`` is used; Attune's parser does not apply merge keys.",
    """
    serde_yaml keeps ``<<`` as an ordinary (unknown) key, so the merged fields silently
    vanish when the platform loads the file. Write the fields out. Emitted by the YAML
    reader (``attune_lint/document/reader.py``) while it reads the file, before any rule
    family runs.

    FAIL:
        tasks:
          - &common
            name: a
            action: core.echo
          - <<: *common
            name: b
    PASS:
        tasks:
          - name: a
            action: core.echo
          - name: b
            action: core.echo
    """,
)

COMPLEX_KEY = Rule(
    "AL113", "non-scalar-key", Severity.ERROR,
    "A mapping key is itself a mapping or a list (often an unquoted ``{{ ... }}``).",
    """
    YAML reads an unquoted ``{{ parameters.x }}`` as a mapping inside a mapping, so
    ``message: {{ parameters.x }}`` is not a template at all. Attune's keys are strings;
    quote a value that starts with ``{{``. Emitted by the YAML reader
    (``attune_lint/document/reader.py``) while it reads the file, before any rule family
    runs.

    FAIL:
        input:
          message: {{ parameters.text }}
    PASS:
        input:
          message: "{{ parameters.text }}"
    """,
)

INTERNAL_ERROR = Rule(
    "AL990", "internal-error", Severity.ERROR,
    "The linter itself failed on this file; the rest of the run went on.",
    """
    A bug in attune-lint, not in the file: one check raised an unexpected exception. The
    finding names the exception and the check, so the run still reports every other file
    (and every other check of this file) instead of stopping. Please report it with the
    file. Emitted by the checker (``attune_lint/check/checker.py``) around each rule
    module, and by the YAML reader (``attune_lint/document/reader.py``) around reading a
    file; declared here, in the lowest stage that emits it. No file makes it on purpose, so
    its examples are not linted.

    FAIL:
        # a file on which a check of this attune-lint version raises an exception
    PASS:
        # any file every check of this version handles
    """,
)

RULES = (
    SYNTAX, COMPLEX_KEY, DUPLICATE_KEY, TAB_INDENT, ROOT_NOT_MAPPING, EMPTY_FILE, MULTIPLE_DOCUMENTS,
    BYTE_ORDER_MARK, FILE_TOO_LARGE, UNREADABLE, CUSTOM_TAG, ALIAS_BOMB, MERGE_KEY, INTERNAL_ERROR,
)
