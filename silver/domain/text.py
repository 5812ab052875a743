"""Which characters a text value may hold (CONTRACT.md, "Input that is not a valid request").

Text reaches the graph, the signed messages, the logs and the pages, so two kinds of
character are refused wherever text comes in:

- a lone surrogate (U+D800-U+DFFF: JSON's `"\\ud800"` without its pair) is not a character at
  all; it cannot be encoded as UTF-8, so it would break every later encoding of the case (a
  message that can never be signed);
- a control character (Unicode category Cc: U+0000-U+001F, U+007F-U+009F), NUL among them.
  Free text (a summary, remarks, a justification, a description, an address) may hold tab,
  line feed and carriage return, as a textarea sends them; a name, a key, an identifier or a
  code may not.
"""

from __future__ import annotations

import re

__all__ = ["unsafe_text"]

_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_FREE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def unsafe_text(value: str, *, free_text: bool = False) -> str | None:
    """Why `value` is refused (naming the first bad character and where it is), or None."""
    found = (_FREE_TEXT if free_text else _SINGLE_LINE).search(value)
    if found is None:
        return None
    char, at = found.group(), found.start() + 1
    if "\ud800" <= char <= "\udfff":
        return f"contains a lone surrogate (U+{ord(char):04X}) at character {at}: not valid text"
    allowed = " (only tab and line breaks are allowed in free text)" if free_text else ""
    return f"contains a control character (U+{ord(char):04X}) at character {at}{allowed}"
