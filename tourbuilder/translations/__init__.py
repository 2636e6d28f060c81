"""Translating a tour: its texts by stable path (texts.py) and XLIFF 1.2 out and in (xliff.py).

The app's translation page (tourbuilder/app/translations_view.py) and API
(tourbuilder/app/api/translations.py) are thin layers over these functions.
"""

from __future__ import annotations

from .texts import (
    Problem,
    TranslatableText,
    TranslationError,
    all_texts,
    list_texts,
    ordered_languages,
    set_texts,
)
from .xliff import MAX_XLIFF_BYTES, MEDIA_TYPE, ImportReport, UnitResult, parse_xliff, read_xliff, write_xliff

__all__ = [
    "MAX_XLIFF_BYTES", "MEDIA_TYPE", "ImportReport", "Problem", "TranslatableText", "TranslationError", "UnitResult",
    "all_texts", "list_texts", "ordered_languages", "parse_xliff", "read_xliff", "set_texts", "write_xliff",
]
