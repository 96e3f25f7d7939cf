"""Author names as CSL-JSON name objects: ``{"family", "given"}`` for a person, ``{"literal"}``
for a group ("American Diabetes Association").

Every source spells names its own way; each reader turns them into this one shape:

- ``parse_nlm_list("Finnerup NB, Attal N, et al.")`` reads the NLM list the library stored before
  names were structured (and what people type): ``(names, more)`` where ``more`` says the list
  ended in "et al.", i.e. the source had more authors than were kept.
- ``parse_name("Smith, John A.")`` reads one name as RIS, BibTeX and MEDLINE ``FAU`` write it
  ("Family, Given"), or as NLM does ("Smith JA"), or a group name.
- ``initials("John Albert")`` is "JA", ``nlm_name(name)`` is "Smith JA" (Citing Medicine).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

Name = dict[str, str]

_ET_AL = re.compile(r"^(?:et\.?\s*al\.?|and others|others)$", re.IGNORECASE)
# "JA", "J", "J-P": NLM initials after a family name.
_INITIALS = re.compile(r"^[A-Z]{1,4}(?:-[A-Z])?$")
_GROUP_WORDS = re.compile(
    r"\b(association|society|college|group|committee|council|organi[sz]ation|institute|"
    r"foundation|academy|agency|board|network|consortium|collaboration|collaborators|"
    r"investigators|panel|department|ministry|centre|center|federation|working|task force|"
    r"national|world|international|university|trial)\b",
    re.IGNORECASE,
)


def clean_names(value: Any) -> list[Name]:
    """A list of name objects from whatever was stored or posted; unknown keys are dropped."""
    if isinstance(value, str):
        return parse_nlm_list(value)[0]
    names: list[Name] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            item = parse_name(item)
        if not isinstance(item, dict):
            continue
        name = {
            k: " ".join(str(item[k]).split())
            for k in ("family", "given", "literal")
            if isinstance(item.get(k), str | int) and str(item[k]).strip()
        }
        if "family" in name:
            names.append({k: name[k] for k in ("family", "given") if k in name})
        elif "literal" in name:
            names.append({"literal": name["literal"]})
        elif "given" in name:
            names.append({"literal": name["given"]})
    return names


def parse_nlm_list(text: str) -> tuple[list[Name], bool]:
    """ "Smith J, Jones AB, et al." → ([Smith J, Jones AB], True)."""
    parts = [p.strip() for p in re.split(r"[;,]", text or "") if p.strip()]
    more = False
    names = []
    for part in parts:
        if _ET_AL.match(part.rstrip(".") + ".") or _ET_AL.match(part):
            more = True
            continue
        names.append(_nlm_name(part.rstrip(".")))
    return names, more


def _nlm_name(text: str) -> Name:
    words = text.split()
    if len(words) >= 2 and _INITIALS.match(words[-1]) and not _GROUP_WORDS.search(text):
        return {"family": " ".join(words[:-1]), "given": words[-1]}
    if len(words) == 1 and not _GROUP_WORDS.search(text):
        return {"family": text}
    return {"literal": text}


def parse_name(text: str) -> Name:
    """One name as an export writes it: "Family, Given", "Family, Given, Jr", NLM, or a group."""
    text = " ".join((text or "").split()).strip().rstrip(",")
    if "," in text:
        family, _, given = text.partition(",")
        given = given.strip().strip(",").strip()
        family = family.strip()
        if family and given:
            return {"family": family, "given": given}
        return (
            {"literal": family or given}
            if _GROUP_WORDS.search(text)
            else {"family": family or given}
        )
    return _nlm_name(text)


def parse_given_family(text: str) -> Name:
    """ "John A. Smith" (BibTeX's and Crossref's other order) → Smith, John A."""
    text = " ".join((text or "").split())
    if "," in text or _GROUP_WORDS.search(text):
        return parse_name(text)
    words = text.split()
    if len(words) < 2:
        return {"family": text} if text else {}
    particles = {
        "van",
        "von",
        "de",
        "der",
        "den",
        "da",
        "di",
        "del",
        "la",
        "le",
        "du",
        "dos",
        "ten",
    }
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in particles:
        start -= 1
    return {"family": " ".join(words[start:]), "given": " ".join(words[:start])}


def initials(given: str) -> str:
    """ "John Albert" → "JA"; "J.-P." → "JP"; "JA" stays "JA"."""
    given = given.strip()
    if _INITIALS.match(given.replace("-", "")) and given.replace("-", "").isupper():
        return given.replace("-", "")
    return "".join(
        part[0].upper() for part in re.split(r"[\s.\-]+", given) if part and part[0].isalpha()
    )


def nlm_name(name: Name) -> str:
    """Citing Medicine: family name, then initials without punctuation; a group as written."""
    if name.get("literal"):
        return name["literal"]
    family = name.get("family", "")
    given = initials(name.get("given", ""))
    return f"{family} {given}".strip()


def display_names(names: Iterable[Name]) -> str:
    """All names, NLM style, for a list or a search result."""
    return ", ".join(nlm_name(n) for n in names)


def first_family(names: list[Name]) -> str:
    """The first author's family (or group) name, lower-case, for duplicate detection."""
    if not names:
        return ""
    first = names[0]
    return (first.get("family") or first.get("literal") or "").strip().lower()
