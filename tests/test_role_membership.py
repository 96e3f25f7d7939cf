"""Board and Editors membership is for site administrators (superusers) only, and logged.

No one takes an article live alone: an editor who could add themselves to the Board could
approve and publish alone. So on every admin path (the user form, a crafted POST, the group
admin, password and account changes of board members) only a superuser changes these roles,
and each change leaves a RoleChange row saying who changed whose role, and when.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.forms import SplitDateTimeField
from django.urls import reverse
from django.utils import timezone

from editorial import roles
from editorial.models import RoleChange
from tests.conftest import make_user

User = get_user_model()


@pytest.fixture
def superuser(db: Any) -> Any:
    return User.objects.create_superuser(
        "sasha", "sasha@example.org", "test-password", first_name="Sasha", last_name="Admin"
    )


def user_form_data(client: Any, user: Any, **changes: Any) -> dict[str, Any]:
    """What the admin's change form for `user` posts back, with `changes` applied."""
    response = client.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = changes.get(name, form.initial.get(name, field.initial))
        if value is None or value is False:
            continue
        if isinstance(field, SplitDateTimeField):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
        elif isinstance(value, list | tuple) or hasattr(value, "all"):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = "on" if value is True else value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


def group(name: str) -> Group:
    return Group.objects.get_or_create(name=name)[0]


def change_url(user: Any) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def test_an_editor_is_not_offered_board_or_editors_membership(
    client: Any, editor: Any, author: Any
) -> None:
    client.force_login(editor)
    form = client.get(change_url(author)).context["adminform"].form
    offered = set(form.fields["groups"].queryset.values_list("name", flat=True))
    assert roles.AUTHORS in offered
    assert not offered & {roles.BOARD, roles.EDITORS}
    assert "is_staff" not in form.fields and "is_superuser" not in form.fields


@pytest.mark.parametrize("role", [roles.BOARD, roles.EDITORS])
def test_a_crafted_post_adding_board_or_editors_is_refused(
    client: Any, editor: Any, author: Any, role: str
) -> None:
    client.force_login(editor)
    data = user_form_data(client, author)
    data["groups"] = [group(roles.AUTHORS).pk, group(role).pk]
    data["is_staff"] = "on"

    response = client.post(change_url(author), data)

    assert response.status_code == 200  # the form again, with the error
    assert "is not one of the available choices" in response.text
    author.refresh_from_db()
    assert set(author.groups.values_list("name", flat=True)) == {roles.AUTHORS}
    assert not author.is_staff
    assert not RoleChange.objects.exists()


def test_an_editor_cannot_add_themselves_to_the_board(client: Any, editor: Any) -> None:
    client.force_login(editor)
    data = {"username": editor.username, "groups": [group(roles.BOARD).pk]}
    response = client.post(change_url(editor), data)
    assert response.status_code == 403
    assert not editor.groups.filter(name=roles.BOARD).exists()


@pytest.mark.parametrize("target", ["reviewer", "editor_colleague"])
def test_an_editor_cannot_change_a_board_member_or_editors_account(
    request: pytest.FixtureRequest, client: Any, editor: Any, target: str
) -> None:
    person = (
        request.getfixturevalue("reviewer")
        if target == "reviewer"
        else make_user("eli", roles.EDITORS, staff=True)
    )
    client.force_login(editor)

    # Viewing is fine; changing the account (email, password, roles) is not.
    assert client.get(change_url(person)).status_code == 200
    response = client.post(
        change_url(person), {"username": person.username, "email": "editor@example.org"}
    )
    assert response.status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[person.pk])
    assert client.get(password_url).status_code == 403
    response = client.post(
        password_url, {"password1": "A-takeover-passphrase", "password2": "A-takeover-passphrase"}
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.email.endswith("@example.org") and person.email != "editor@example.org"
    assert person.check_password("test-password")
    assert person.groups.filter(name__in=roles.SUPERUSER_ONLY_GROUPS).exists()


def test_an_editor_cannot_delete_a_board_member_even_with_the_delete_permission(
    client: Any, editor: Any, reviewer: Any
) -> None:
    editor.user_permissions.add(Permission.objects.get(codename="delete_user"))
    client.force_login(editor)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [reviewer.pk], "post": "yes"},
    )
    assert response.status_code in (200, 403)
    assert User.objects.filter(pk=reviewer.pk).exists()
    assert client.post(reverse("admin:auth_user_delete", args=[reviewer.pk])).status_code == 403
    assert User.objects.filter(pk=reviewer.pk).exists()


def test_an_editor_gives_an_outsider_the_authors_role_and_it_is_logged(
    client: Any, editor: Any, outsider: Any
) -> None:
    client.force_login(editor)
    data = user_form_data(client, outsider, groups=[group(roles.AUTHORS)])
    response = client.post(change_url(outsider), data)
    assert response.status_code == 302
    assert outsider.groups.filter(name=roles.AUTHORS).exists()
    row = RoleChange.objects.get()
    assert (row.user, row.role, row.change, row.changed_by, row.via) == (
        outsider,
        roles.AUTHORS,
        "added",
        editor,
        "admin",
    )


def test_a_superuser_adds_a_board_member_and_the_log_says_who_and_when(
    client: Any, superuser: Any, author: Any
) -> None:
    client.force_login(superuser)
    before = timezone.now()
    data = user_form_data(
        client, author, groups=[group(roles.AUTHORS), group(roles.BOARD)], is_staff=True
    )

    response = client.post(change_url(author), data)

    assert response.status_code == 302
    author.refresh_from_db()
    assert author.is_staff and author.groups.filter(name=roles.BOARD).exists()
    rows = {(r.role, r.change): r for r in RoleChange.objects.all()}
    assert set(rows) == {(roles.BOARD, "added"), ("staff status", "added")}
    board = rows[(roles.BOARD, "added")]
    assert board.user == author and board.user_name == "Alice Tester (alice)"
    assert board.changed_by == superuser and board.changed_by_name == "Sasha Admin (sasha)"
    assert before <= board.changed_at <= timezone.now()


def test_a_superuser_removes_an_editor_and_the_log_keeps_it_after_the_account_goes(
    client: Any, superuser: Any
) -> None:
    colleague = make_user("eli", roles.EDITORS, staff=True)
    client.force_login(superuser)
    data = user_form_data(client, colleague, groups=[], is_staff=False)
    assert client.post(change_url(colleague), data).status_code == 302
    assert {(r.role, r.change) for r in RoleChange.objects.all()} == {
        (roles.EDITORS, "removed"),
        ("staff status", "removed"),
    }
    colleague.delete()
    row = RoleChange.objects.get(role=roles.EDITORS)
    assert row.user is None and row.user_name == "Eli Tester (eli)"


def test_the_role_groups_are_changed_by_superusers_only(
    client: Any, editor: Any, superuser: Any
) -> None:
    board = group(roles.BOARD)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_group", "delete_group"])
    )
    client.force_login(editor)
    url = reverse("admin:auth_group_change", args=[board.pk])
    assert client.post(url, {"name": "Renamed", "permissions": []}).status_code == 403
    assert client.post(reverse("admin:auth_group_delete", args=[board.pk])).status_code == 403
    client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [board.pk], "post": "yes"},
    )
    board.refresh_from_db()
    assert board.name == roles.BOARD

    client.force_login(superuser)
    assert client.get(url).status_code == 200


def test_the_role_log_is_read_only_for_everyone(
    client: Any, editor: Any, superuser: Any, author: Any
) -> None:
    row = RoleChange.objects.create(
        user=author,
        user_name="Alice",
        role=roles.BOARD,
        change="added",
        changed_by=superuser,
        changed_by_name="Sasha",
        changed_at=timezone.now() - datetime.timedelta(days=1),
        via="admin",
    )
    for person in (editor, superuser):
        client.force_login(person)
        assert client.get(reverse("admin:editorial_rolechange_changelist")).status_code == 200
        url = reverse("admin:editorial_rolechange_change", args=[row.pk])
        client.post(url, {"role": roles.AUTHORS, "change": "removed"})
        assert client.get(reverse("admin:editorial_rolechange_add")).status_code == 403
        assert (
            client.post(reverse("admin:editorial_rolechange_delete", args=[row.pk])).status_code
            == 403
        )
    row.refresh_from_db()
    assert (row.role, row.change) == (roles.BOARD, "added")


def test_the_admin_login_page_sends_people_to_the_sites_sign_in(client: Any) -> None:
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_role_log_lists_names_as_written_with_one_query_for_many_rows(
    client: Any, superuser: Any, django_assert_max_num_queries: Any
) -> None:
    RoleChange.objects.bulk_create(
        RoleChange(
            user_name=f"Person {n} (p{n})",
            role=roles.BOARD,
            change="added",
            changed_by_name="Sasha Admin (sasha)",
            via="admin",
        )
        for n in range(60)
    )
    client.force_login(superuser)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("admin:editorial_rolechange_changelist")).text
    assert "Person 59 (p59)" in page and "Sasha Admin (sasha)" in page
    assert "Changed by" in page
