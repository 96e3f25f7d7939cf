"""The public page's MedicalWebPage JSON-LD, validated against schema.org's vocabulary
(tests/fixtures/schemaorg: every type and property, no network), and the basics browsers and
crawlers ask for: favicon, robots.txt, compressed anonymous pages (issue 13)."""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from articles import workflow
from articles.models import Article, Audience

pytestmark = pytest.mark.django_db

VOCABULARY = Path(__file__).parent / "fixtures" / "schemaorg" / "schemaorg.json"


@cache
def vocabulary() -> dict[str, Any]:
    return json.loads(VOCABULARY.read_text())


def properties_of(schema_type: str) -> set[str]:
    data = vocabulary()
    found: set[str] = set()
    stack = [data["types"][schema_type]]
    while stack:
        base = data["bases"][stack.pop()]
        found |= set(base["properties"])
        stack.extend(base["parents"])
    return found


def schema_problems(node: Any, where: str = "$") -> list[str]:
    """Every unknown type, and every property its type (or a parent) does not declare."""
    if isinstance(node, list):
        return [p for i, item in enumerate(node) for p in schema_problems(item, f"{where}[{i}]")]
    if not isinstance(node, dict):
        return []
    problems = []
    schema_type = node.get("@type")
    if schema_type not in vocabulary()["types"]:
        return [f"{where}: unknown type {schema_type!r}"]
    allowed = properties_of(schema_type)
    for name, value in node.items():
        if name.startswith("@"):
            continue
        if name not in allowed:
            problems.append(f"{where}: {schema_type} has no property {name!r}")
        problems.extend(schema_problems(value, f"{where}.{name}"))
    return problems


def json_ld(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


@pytest.fixture
def live(policy, make_article, author, reviewer, editor) -> Article:
    article = make_article("draft")
    workflow.save_content(
        article=article,
        by=author,
        expected_revision=article.revision,
        title=article.title,
        summary=article.summary,
        body=article.body,
        audience=Audience.CLINICIAN,
        subject="Peripheral neuropathy",
    )
    workflow.submit(article=article, by=author)
    workflow.start_review(article=article, by=reviewer)
    workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    workflow.publish(article=article, by=editor)
    article.refresh_from_db()
    return article


def test_the_validator_catches_unknown_types_and_properties():
    assert schema_problems({"@type": "MedicalWebPage", "jobTitle": "x"}) == [
        "$: MedicalWebPage has no property 'jobTitle'"
    ]
    assert schema_problems({"@type": "MedicalPage"}) == ["$: unknown type 'MedicalPage'"]
    assert schema_problems({"@type": "Person", "knowsAbout": "Neurology"}) == []


def test_the_json_ld_uses_only_schema_org_types_and_properties(client, live):
    data = json_ld(client.get(live.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org"
    assert schema_problems(data) == []


def test_the_json_ld_says_who_it_is_for_what_it_is_about_and_where_it_belongs(client, live):
    data = json_ld(client.get(live.get_absolute_url()).content.decode())
    url = f"http://testserver/articles/{live.slug}/"
    assert data["@type"] == "MedicalWebPage"
    assert data["audience"] == {"@type": "MedicalAudience", "audienceType": "Clinician"}
    assert data["about"] == {"@type": "MedicalCondition", "name": "Peripheral neuropathy"}
    assert data["author"] == [{"@type": "Person", "name": "Alice Tester"}]
    assert data["mainEntityOfPage"] == url and data["url"] == url
    assert data["inLanguage"] == "en"
    assert data["isPartOf"]["@type"] == "WebSite"
    [reviewer] = data["reviewedBy"]
    assert "jobTitle" not in reviewer
    assert reviewer["knowsAbout"] == "Neurology" and reviewer["honorificSuffix"] == "MD"


def test_a_subject_left_empty_leaves_about_out(client, policy, make_article):
    article = make_article("published")
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert "about" not in data
    assert data["audience"]["audienceType"] == "Patient"
    assert schema_problems(data) == []


# --- favicon, robots.txt, compression -------------------------------------------------------


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_off_working_pages(client):
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in text
    for path in ("/admin/", "/review/", "/drafts/", "/reports/"):
        assert f"Disallow: {path}" in text
    assert "Disallow: /articles/\n" not in text


def test_anonymous_public_pages_are_compressed(client, live):
    response = client.get(live.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert live.title in html
    assert client.get("/", HTTP_ACCEPT_ENCODING="gzip")["Content-Encoding"] == "gzip"


def test_pages_carrying_a_csrf_token_are_never_compressed(client, live, outsider):
    sign_in = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert "csrfmiddlewaretoken" in sign_in.content.decode()
    assert "Content-Encoding" not in sign_in
    client.force_login(outsider)
    signed_in = client.get(live.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in signed_in
    assert b"Sign out" in signed_in.content


def test_a_compressed_page_still_answers_not_modified(client, live):
    first = client.get(live.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert first["ETag"].startswith('W/"')
    again = client.get(
        live.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304
