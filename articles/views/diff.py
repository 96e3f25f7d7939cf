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
    """Every token escaped; removed runs in <del>, added runs in <ins>.

    A space between two changed words joins them into one change, so "every day" →
    "most days" reads as one replacement rather than two.
    """
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    chunks = [
        (op == "equal", "".join(a[a1:a2]), "".join(b[b1:b2]))
        for op, a1, a2, b1, b2 in matcher.get_opcodes()
    ]
    merged: list[list] = []
    for index, (same, removed, added) in enumerate(chunks):
        between_changes = (
            same
            and not removed.strip()
            and 0 < index < len(chunks) - 1
            and not chunks[index - 1][0]
            and not chunks[index + 1][0]
        )
        if same and not between_changes:
            merged.append([True, removed, added])
        elif merged and not merged[-1][0]:
            merged[-1][1] += removed
            merged[-1][2] += added
        else:
            merged.append([False, removed, added])
    parts: list[str] = []
    for same, removed, added in merged:
        if same:
            parts.append(escape(removed))
            continue
        if removed:
            parts.append(f"<del>{escape(removed)}</del>")
        if added:
            parts.append(f"<ins>{escape(added)}</ins>")
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
