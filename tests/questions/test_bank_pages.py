"""The public question bank: filter, search, and one question's page."""

from __future__ import annotations

import pytest

from questions.models import Question

pytestmark = pytest.mark.django_db


def prompts(response) -> list[str]:
    return [q.prompt for q in response.context["page"].object_list]


def test_it_lists_published_questions(client, small_bank):
    response = client.get("/questions/")
    assert response.status_code == 200
    assert sorted(prompts(response)) == [
        "What does pooling do in a CNN?",
        "What is backpropagation?",
    ]
    assert "2 questions" in response.text


def test_it_hides_drafts(client, small_bank):
    Question.objects.filter(slug="pooling").update(status="draft")
    assert prompts(client.get("/questions/")) == ["What is backpropagation?"]
    assert client.get("/questions/pooling/").status_code == 404


def test_staff_can_preview_a_draft(admin_client, small_bank):
    Question.objects.filter(slug="pooling").update(status="draft")
    response = admin_client.get("/questions/pooling/")
    assert response.status_code == 200
    assert "Draft" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("topic=cnn", ["What does pooling do in a CNN?"]),
        ("level=entry", ["What is backpropagation?"]),
        ("company=meta", ["What is backpropagation?"]),
        ("company=meta&topic=cnn", []),
        ("q=downsamples", ["What does pooling do in a CNN?"]),
        ("q=chain+RULE", ["What is backpropagation?"]),
        ("topic=no-such-topic", ["What does pooling do in a CNN?", "What is backpropagation?"]),
    ],
)
def test_filters_combine_through_the_url(client, small_bank, query, expected):
    assert sorted(prompts(client.get(f"/questions/?{query}"))) == expected


def test_no_match_says_so(client, small_bank):
    response = client.get("/questions/?company=meta&topic=cnn")
    assert "No published question matches these filters" in response.text


def test_htmx_gets_only_the_results(client, small_bank):
    response = client.get("/questions/?topic=cnn", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="results"' in response.text
    assert "<html" not in response.text
    assert "What does pooling do in a CNN?" in response.text
    assert "HX-Request" in response["Vary"]


def test_the_list_costs_a_fixed_number_of_queries(client, small_bank, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        client.get("/questions/")


def test_a_question_page_shows_prompt_tags_answer_and_how_common_it_is(client, small_bank):
    response = client.get("/questions/backpropagation/")
    html = response.text
    assert "<h1>What is backpropagation?</h1>" in html
    for tag in ("Entry level", "Training", "Google", "Meta"):
        assert tag in html
    assert "<strong>chain rule</strong>" in html
    assert "Asked in <strong>2 of the source guides</strong>" in html
    assert "Guide A, question 8" in html
    assert "Chain rule from the loss backwards" in html
    assert "Confusing it with the optimiser step." in html


def test_an_unknown_question_is_404(client, small_bank):
    assert client.get("/questions/nope/").status_code == 404


def test_the_home_page_counts_the_bank(client, small_bank):
    response = client.get("/")
    assert response.status_code == 200
    assert "2 published questions match" in response.text


# --- hostile query strings: the page still works, on SQLite and PostgreSQL alike ----------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=down%00samples", ["What does pooling do in a CNN?"]),
        ("q=%00", ["What does pooling do in a CNN?", "What is backpropagation?"]),
        ("q=chain%01%1f+rule", ["What is backpropagation?"]),
    ],
)
def test_control_characters_in_the_search_are_ignored(client, small_bank, query, expected):
    response = client.get(f"/questions/?{query}")
    assert response.status_code == 200
    assert sorted(prompts(response)) == expected


@pytest.mark.parametrize(
    "query",
    [
        "topic=cnn%00",
        "level=%00",
        "company=meta%00x",
        "page=%00",
        "page=%C2%B2",  # ²: a digit to str.isdigit, not to int()
        "page=%D9%A3",  # ٣, an Arabic-Indic three, which int() does read
        "page=99999999999999999999999",
        "page=-1",
        "q=%00&topic=%00&level=%00&company=%00&page=%00",
    ],
)
def test_odd_filters_and_page_numbers_never_fail(client, small_bank, query):
    response = client.get(f"/questions/?{query}")
    assert response.status_code == 200
    htmx = client.get(f"/questions/?{query}", headers={"HX-Request": "true"})
    assert htmx.status_code == 200


def test_a_question_slug_with_a_control_character_is_not_found(client, small_bank):
    assert client.get("/questions/pooling%00/").status_code == 404
