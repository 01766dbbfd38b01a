"""Reference codes a citizen can read aloud, type on a basic phone and not mistype.

The alphabet leaves out characters that look alike (0/O/Q, 1/I/L, 5/S, 2/Z,
8/B, 6/G): 23 characters, 8 long, so 23^8 (about 8e10) codes, shown as
`ABCD-EFGH`. Lookups ignore case, spaces and dashes.
"""

from __future__ import annotations

import re
import secrets
from typing import Optional

REFERENCE_ALPHABET = "34679ACDEFHJKMNPRTUVWXY"
REFERENCE_LENGTH = 8
_SEPARATORS = re.compile(r"[\s\-_.·/]+")


def new_reference() -> str:
    """A random code in stored form (no dash)."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalise_reference(text: str) -> Optional[str]:
    """The stored form of what a citizen typed, or None if it cannot be a code."""
    code = _SEPARATORS.sub("", text or "").upper()
    if len(code) != REFERENCE_LENGTH or any(c not in REFERENCE_ALPHABET for c in code):
        return None
    return code


def display_reference(code: str) -> str:
    """`ABCDEFGH` -> `ABCD-EFGH`, the form the citizen gets."""
    half = REFERENCE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"
