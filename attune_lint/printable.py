"""Text from files made safe to print: control characters and undecodable bytes shown as
escapes, so a file can neither drive the terminal (an ESC sequence in a comment would clear
the screen or retitle it) nor make an output format invalid (a file name that is not UTF-8)."""
from __future__ import annotations

import re

# C0 controls but tab, DEL, C1 controls, the line and paragraph separators, the invisible
# and bidirectional format characters (zero-width spaces and joiners, direction marks,
# embeddings, overrides and isolates: "Trojan Source" reorders a printed line with them),
# the byte-order mark, and the lone surrogates Python uses for bytes that are not UTF-8.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064"
                          "\u2066-\u2069\ufeff\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return {"\n": "\\n", "\r": "\\r"}.get(char, f"\\x{code:02x}")
    return f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` with every character a terminal or an encoder would not take as text escaped
    (line breaks too, unless ``newlines``: a format that escapes them itself keeps them)."""
    if not _UNPRINTABLE.search(text):
        return text
    if newlines:
        return "\n".join(_UNPRINTABLE.sub(_escape, part) for part in text.split("\n"))
    return _UNPRINTABLE.sub(_escape, text)


def escaped_width(char: str) -> int:
    """How many columns ``char`` takes once printable (tab excluded: it stays a tab)."""
    return len(printable(char))


_UNDECODABLE = re.compile("[\ud800-\udfff]")


def decodable(text: str) -> str:
    """``text`` with the lone surrogates of undecodable bytes escaped (control characters
    kept): what every diagnostic carries, so that no output format can fail to encode it."""
    return _UNDECODABLE.sub(_escape, text) if _UNDECODABLE.search(text) else text
