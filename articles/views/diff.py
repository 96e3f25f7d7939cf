"""Word-level differences between two texts, as escaped HTML with <ins> and <del>."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Words, runs of whitespace, and single punctuation marks: a changed comma shows as one.
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class FieldDiff:
    label: str
    html: SafeString
    changed: bool


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def word_diff(old: str, new: str) -> SafeString:
    """Every token escaped; removed runs in <del>, added runs in <ins>."""
    a, b = tokens(old), tokens(new)
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[a1:a2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[b1:b2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def content_diff(old: dict[str, str], new: dict[str, str]) -> list[FieldDiff]:
    """Title, summary and body, each compared word by word."""
    return [
        FieldDiff(
            label=label,
            html=word_diff(old.get(name, ""), new.get(name, "")),
            changed=(old.get(name, "") or "") != (new.get(name, "") or ""),
        )
        for name, label in (("title", "Title"), ("summary", "Summary"), ("body", "Body"))
    ]
