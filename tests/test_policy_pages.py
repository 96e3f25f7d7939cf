"""The editorial policy pages and the board page."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group

from editorial import roles
from editorial.models import BoardProfile, EditorialPolicy
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy_v2(policy):
    return EditorialPolicy.objects.create(
        version=2,
        effective_date=datetime.date(2025, 6, 1),
        body="## Two approvals\n\nEvery article needs **two** board members. <script>x()</script>",
        required_approvals=2,
        review_interval_months=6,
    )


def test_policy_page_shows_the_current_version_with_its_facts(client, policy, policy_v2):
    response = client.get("/editorial-policy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "June 1, 2025" in html
    assert "2 board members" in html
    assert "every 6 months" in html
    assert "<h2>Two approvals</h2>" in html
    assert "<strong>two</strong>" in html
    assert "<script>x()" not in html
    assert "This is the policy in effect now." in html


def test_each_version_has_its_own_page_and_says_when_superseded(client, policy, policy_v2):
    html = client.get("/editorial-policy/1/").content.decode()
    assert "January 1, 2025" in html
    assert "How we review" in html
    assert "This is an earlier version" in html
    assert 'href="/editorial-policy/2/">Version 2</a>' in html


def test_a_future_version_says_when_it_takes_effect(client, policy):
    EditorialPolicy.objects.create(
        version=3, effective_date=datetime.date(2999, 1, 1), body="Later."
    )
    assert client.get("/editorial-policy/").context["policy"].version == 1
    html = client.get("/editorial-policy/3/").content.decode()
    assert "takes effect on January 1, 2999" in html


def test_unknown_policy_version_is_404(client, policy):
    assert client.get("/editorial-policy/9/").status_code == 404


def test_no_policy_yet_is_404(client, db):
    assert client.get("/editorial-policy/").status_code == 404


def test_policy_page_is_the_same_for_signed_in_people(client, policy, author):
    client.force_login(author)
    response = client.get("/editorial-policy/")
    assert response.status_code == 200
    assert "How we review" in response.content.decode()


def test_board_page_lists_members_with_credentials_and_disclosures(
    client, reviewer, second_reviewer
):
    BoardProfile.objects.filter(user=second_reviewer).update(
        conflict_of_interest_disclosure="Speaker fees from a device maker (2024)."
    )
    html = client.get("/board/").content.decode()
    assert '<li id="rosa-lind" class="board-member">' in html
    assert "Rosa Lind, MD" in html
    assert "Neurology" in html
    assert "No conflicts of interest declared." in html
    assert '<li id="ravi-shah" class="board-member">' in html
    assert "Ravi Shah, PharmD" in html
    assert "Speaker fees from a device maker (2024)." in html


def test_board_page_leaves_out_people_who_left_the_board(client, reviewer):
    former = make_user("fay", roles.BOARD, first_name="Fay", last_name="Former")
    BoardProfile.objects.create(user=former, credentials="MD")
    former.groups.remove(Group.objects.get(name=roles.BOARD))
    inactive = make_user("ike", roles.BOARD, first_name="Ike", last_name="Inactive")
    BoardProfile.objects.create(user=inactive, credentials="MD")
    inactive.is_active = False
    inactive.save()
    html = client.get("/board/").content.decode()
    assert "Rosa Lind, MD" in html
    assert "Fay Former" not in html
    assert "Ike Inactive" not in html


def test_board_page_escapes_what_members_wrote(client, reviewer):
    BoardProfile.objects.filter(user=reviewer).update(bio="<img src=x onerror=alert(1)>")
    html = client.get("/board/").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_board_page_is_the_same_for_signed_in_people(client, reviewer, outsider):
    client.force_login(outsider)
    assert "Rosa Lind, MD" in client.get("/board/").content.decode()
