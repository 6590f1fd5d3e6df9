"""Looking up code lists by name and date.

Use `choices("ethnicity")` for a form's options and `label("ethnicity", "WBRI")` to show a code.
A practitioner sees the words first: `in_words("legal-status", "C2")` is "Full care order" with
the code after it as grey secondary text (`{{ code|code_words:"legal-status" }}` in a template).
Lists are cached per process for the day; `clear_cache()` after an administrator edits one.
"""

import datetime
from functools import lru_cache

from django.db.models import Q
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .models import Code

# (code, label) pairs.
Pairs = tuple[tuple[str, str], ...]


@lru_cache(maxsize=256)
def _codes(slug: str, on: datetime.date | None) -> Pairs:
    query = Code.objects.filter(code_list__slug=slug)
    if on is not None:
        query = query.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )
    return tuple(query.order_by("sort_order", "code").values_list("code", "label"))


def codes(slug: str, on: datetime.date | None = None) -> Pairs:
    """The (code, label) pairs of a list valid on a date (today by default)."""
    return _codes(slug, on or datetime.date.today())


def choices(slug: str, on: datetime.date | None = None, blank: str | None = None) -> list[tuple[str, str]]:
    options = [(code, f"{label}") for code, label in codes(slug, on)]
    if blank is not None:
        options.insert(0, ("", blank))
    return options


def is_valid(slug: str, code: str | None, on: datetime.date | None = None) -> bool:
    return any(c == code for c, _ in codes(slug, on))


def label(slug: str, code: str | None) -> str:
    """The label of a code whenever it was valid (for showing old records)."""
    if not code:
        return ""
    for c, text in _codes(slug, None):
        if c == code:
            return text
    return code


# The class of the secondary markup a code is shown in after its words (grey hint text); the
# plain-words tests look for codes only inside it.
CODE_CLASS = "app-secondary-code"


def in_words(slug: str, code: str | None) -> SafeString:
    """A code for a practitioner: its words, then the code in grey brackets ("Full care order
    (C2)"); a code the list does not know is shown as it is, and nothing as ""."""
    if not code:
        return SafeString("")
    text = label(slug, code)
    if text == code:
        return format_html("{}", code)
    return format_html('{} <span class="{}">({})</span>', text, CODE_CLASS, code)


def clear_cache() -> None:
    _codes.cache_clear()
