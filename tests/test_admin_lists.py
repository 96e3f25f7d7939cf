"""The admin's change lists read only what their rows show, 50 rows a page, newest first,
at a number of queries that does not grow with the site (editorial.admin_lists)."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Publication
from editorial.admin_lists import LIST_PER_PAGE
from references.models import Reference

LIST_ROW = re.compile(r'<th class="field-title"><a href="/admin/[a-z]+/[a-z]+/(\d+)/change/[^"]*">')


def listed(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return response.text, [q["sql"] for q in captured.captured_queries]


def reads_column(sqls, table, column):
    whole = re.compile(rf'(SELECT |, )"{table}"\."{column}"(,| FROM)')
    return any(whole.search(sql) for sql in sqls)


def test_the_publication_list_shows_the_newest_first_without_the_pages(
    client, make_article, editor, policy
):
    for n in range(4):
        make_article("published", title=f"Published question {n}?")
    client.force_login(editor)

    page, sqls = listed(client, "/admin/articles/publication/")

    newest_first = list(
        Publication.objects.order_by("-published_at", "-pk").values_list("pk", flat=True)
    )
    assert [int(pk) for pk in LIST_ROW.findall(page)] == newest_first
    assert not reads_column(sqls, "articles_publication", "body_html")
    assert not reads_column(sqls, "articles_publication", "references_html")
    # One count of the rows; no second count of an unfiltered total.
    assert sum("COUNT(*)" in sql for sql in sqls) == 1
    assert len(sqls) <= 10


def test_the_article_list_leaves_out_the_texts_and_pages_at_fifty(
    client, make_article, editor, policy
):
    for n in range(LIST_PER_PAGE + 2):
        make_article(title=f"Draft question {n}?")
    client.force_login(editor)

    page, sqls = listed(client, "/admin/articles/article/")

    assert len(LIST_ROW.findall(page)) == LIST_PER_PAGE
    assert "?p=2" in page
    assert not reads_column(sqls, "articles_article", "body")
    assert not reads_column(sqls, "articles_publication", "body_html")
    second, _ = listed(client, "/admin/articles/article/?p=2")
    assert len(LIST_ROW.findall(second)) == 2


def test_a_row_checkbox_is_djangos_own(client, editor, reference):
    Reference.objects.filter(pk=reference.pk).update(title="Is <this> escaped?", year=2017)
    client.force_login(editor)
    page, _ = listed(client, "/admin/references/reference/")
    assert (
        f'<input type="checkbox" name="_selected_action" value="{reference.pk}" '
        'class="action-select" aria-label="Select this object for an action - '
        'Is &lt;this&gt; escaped? (2017)">'
    ) in page


def test_an_action_is_given_whole_rows_while_the_list_shows_fewer_columns(rf, editor):
    """list_defer narrows the rows shown, never the queryset an admin action works on."""
    from django.contrib import admin

    model_admin = admin.site._registry[Publication]
    request = rf.get("/admin/articles/publication/")
    request.user = editor
    changelist = model_admin.get_changelist_instance(request)  # reads the rows shown
    assert changelist.queryset.query.deferred_loading == (set(model_admin.list_defer), True)
    # What changelist_view hands to an action: whole rows.
    assert changelist.get_queryset(request).query.deferred_loading == (frozenset(), True)
