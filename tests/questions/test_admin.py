"""Curating the bank in Django admin."""

from __future__ import annotations

import time

import pytest
from django.contrib.admin.models import LogEntry
from model_bakery import baker

from questions.models import Company, Level, Question, Topic

pytestmark = pytest.mark.django_db


def make_questions(n: int) -> None:
    level = Level.objects.create(slug="l", name="L", rank=1)
    topics = [Topic.objects.create(slug=f"t{i}", name=f"T{i}") for i in range(3)]
    company = Company.objects.create(slug="c", name="C")
    questions = Question.objects.bulk_create(
        Question(slug=f"q{i}", prompt=f"Question {i}?", answer="A", level=level) for i in range(n)
    )
    Question.topics.through.objects.bulk_create(
        Question.topics.through(question_id=q.pk, topic_id=topics[i % 3].pk) for i, q in enumerate(questions)
    )
    Question.companies.through.objects.bulk_create(
        Question.companies.through(question_id=q.pk, company_id=company.pk) for q in questions
    )


def test_every_model_is_registered(admin_client):
    for path in ["level", "topic", "company", "source", "question"]:
        assert admin_client.get(f"/admin/questions/{path}/").status_code == 200


def test_the_changelist_shows_prompt_level_topics_companies_status_and_seen_count(admin_client, small_bank):
    html = admin_client.get("/admin/questions/question/").text
    for text in [
        "What is backpropagation?",
        "Entry level",
        "Training",
        "Google, Meta",
        "Published",
    ]:
        assert text in html
    assert "seen in" in html.lower()


@pytest.mark.parametrize("size", [5, 200])
def test_the_changelist_query_count_does_not_grow_with_the_bank(
    admin_client, django_assert_max_num_queries, size
):
    make_questions(size)
    with django_assert_max_num_queries(14):
        response = admin_client.get("/admin/questions/question/")
    assert response.status_code == 200


def test_filters_and_search(admin_client, small_bank):
    assert (
        "pooling"
        not in admin_client.get("/admin/questions/question/?topics__slug__exact=training").text.lower()
    )
    assert "What does pooling" in admin_client.get("/admin/questions/question/?q=downsamples").text
    level = Level.objects.get(slug="senior")
    assert (
        "What is backprop"
        not in admin_client.get(f"/admin/questions/question/?level__id__exact={level.pk}").text
    )


def test_publish_and_unpublish_actions_are_logged(admin_client, small_bank):
    ids = list(Question.objects.values_list("pk", flat=True))
    admin_client.post("/admin/questions/question/", {"action": "unpublish", "_selected_action": ids})
    assert set(Question.objects.values_list("status", flat=True)) == {"draft"}
    admin_client.post("/admin/questions/question/", {"action": "publish", "_selected_action": ids[:1]})
    assert Question.objects.get(pk=ids[0]).status == "published"
    assert LogEntry.objects.count() == 3


def test_key_points_and_sightings_are_edited_inline(admin_client, small_bank):
    q = Question.objects.get(slug="pooling")
    html = admin_client.get(f"/admin/questions/question/{q.pk}/change/").text
    assert "key_points-0-text" in html
    assert "sightings-0-number" in html


def test_saving_in_the_admin_renders_the_markdown(admin_client, small_bank):
    q = baker.make(Question, slug="x", prompt="P?", answer="*hi*", level=Level.objects.first())
    assert q.answer_html == "<p><em>hi</em></p>"


def test_non_staff_are_sent_to_log_in(client, django_user_model, small_bank):
    user = django_user_model.objects.create_user("carol", password="x" * 12)
    client.force_login(user)
    response = client.get("/admin/questions/question/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- the change form checks text as the YAML format does ------------------------------------------


def add_question(admin_client, *, key_point: str = "y", **fields):
    level = Level.objects.get(slug="entry")
    topic = Topic.objects.get(slug="training")
    data = {
        "slug": "new-one",
        "prompt": "A new question?",
        "status": "draft",
        "level": level.pk,
        "topics": [topic.pk],
        "answer": "An answer.",
        "key_points-TOTAL_FORMS": "1",
        "key_points-INITIAL_FORMS": "0",
        "key_points-0-position": "1",
        "key_points-0-text": key_point,
        "follow_ups-TOTAL_FORMS": "0",
        "follow_ups-INITIAL_FORMS": "0",
        "sightings-TOTAL_FORMS": "0",
        "sightings-INITIAL_FORMS": "0",
        **fields,
    }
    return admin_client.post("/admin/questions/question/add/", data)


def field_errors(response, name: str) -> list[str]:
    form = response.context["adminform"].form
    return list(form.errors.get(name, []))


def test_a_good_question_saves_from_the_admin(admin_client, small_bank):
    assert add_question(admin_client).status_code == 302
    assert Question.objects.filter(slug="new-one").exists()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("answer", "[" * 12_000, "This text has a run of 12000 '[' characters"),
        ("answer", "- " * 5_000 + "x", "This text is nested more than 16 levels deep"),
        ("answer", "<b " * 5_000, "This text has too many '<' in one paragraph"),
        ("answer", "a " * 10_001, "This text is too long (20001 characters; at most 20000)."),
        ("prompt", "p" * 1_001, "This text is too long (1001 characters; at most 1000)."),
        ("why_asked", "Because\x01", "This text contains a control character (U+0001)."),
        ("pitfall", "x\x1b[31m", "This text contains a control character (U+001B)."),
    ],
    ids=[
        "12,000 [",
        "deep list",
        "many <",
        "long answer",
        "long prompt",
        "control in why",
        "escape in pitfall",
    ],
)
def test_the_change_form_refuses_what_the_yaml_format_refuses_quickly(
    admin_client, small_bank, field, value, error
):
    started = time.perf_counter()
    response = add_question(admin_client, **{field: value})
    assert time.perf_counter() - started < 5  # generous; the render that would be slow never starts
    assert response.status_code == 200
    assert any(message.startswith(error) for message in field_errors(response, field)), field_errors(
        response, field
    )
    assert not Question.objects.filter(slug="new-one").exists()


def test_a_key_point_with_a_control_character_is_refused_inline(admin_client, small_bank):
    response = add_question(admin_client, key_point="Chain\x07 rule")
    assert response.status_code == 200
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "key_points")
    assert "This text contains a control character (U+0007)." in str(formset.formset.errors)
    assert not Question.objects.filter(slug="new-one").exists()


def test_a_topic_name_with_a_control_character_is_refused(admin_client, small_bank):
    response = admin_client.post("/admin/questions/topic/add/", {"slug": "t", "name": "Bad\x02name"})
    assert response.status_code == 200
    assert "This text contains a control character (U+0002)." in response.text
