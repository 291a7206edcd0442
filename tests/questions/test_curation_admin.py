"""The curators' admin: stats, filters, bulk edits, YAML in and out, duplicates, preview, permissions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from questions.models import Company, Level, Question, Topic
from sessions.models import Answer, InterviewQuestion, InterviewSession
from tests.conftest import QUESTIONS, TAXONOMY

from .test_admin import make_questions

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/questions/question/"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def use(question: Question, answers: list[tuple[int, bool]], *, unanswered: int = 0) -> None:
    """Put ``question`` into interviews: one answered per (score, overtime), plus some never answered."""
    for score, overtime in answers:
        session = InterviewSession.objects.create(anon_token="someone")
        item = InterviewQuestion.objects.create(session=session, position=1, question=question, served_at=T0)
        Answer.objects.create(item=item, text="x", elapsed_ms=1000, score=score, overtime=overtime)
    for _ in range(unanswered):
        session = InterviewSession.objects.create(anon_token="someone")
        InterviewQuestion.objects.create(session=session, position=1, question=question, served_at=T0)


def rows(response) -> list[str]:
    return [q.slug for q in response.context["cl"].result_list]


def post_action(client, action: str, slugs: list[str], **extra):
    ids = list(Question.objects.filter(slug__in=slugs).values_list("pk", flat=True))
    return client.post(CHANGELIST, {"action": action, "_selected_action": ids, **extra})


# --- stats --------------------------------------------------------------------------------


def test_each_question_shows_how_candidates_do(admin_client, small_bank):
    use(Question.objects.get(slug="pooling"), [(2, True), (3, False), (1, True), (2, False)], unanswered=1)
    response = admin_client.get(CHANGELIST)
    pooling = next(q for q in response.context["cl"].result_list if q.slug == "pooling")
    assert (pooling.times_asked, pooling.times_answered, pooling.seen_count) == (5, 4, 1)
    assert pooling.avg_score == pytest.approx(2.0)
    assert pooling.overtime_rate == pytest.approx(0.5)
    assert pooling.last_asked == T0
    html = response.text
    for header in ["Asked", "Answered", "Avg score", "Overtime", "Last asked"]:
        assert header in html
    assert "50%" in html and "2.0" in html

    change = admin_client.get(
        f"/admin/questions/question/{Question.objects.get(slug='pooling').pk}/change/"
    ).text
    assert "How candidates do" in change and "50%" in change


def test_stats_columns_sort(admin_client, small_bank):
    use(Question.objects.get(slug="pooling"), [(1, False)])
    use(Question.objects.get(slug="backpropagation"), [(5, False)])
    avg_column = 1 + ["prompt", "level", "topic_list", "company_list", "status", "seen_in", "times_asked",
                      "times_answered", "average_score"].index("average_score")  # fmt: skip
    assert rows(admin_client.get(f"{CHANGELIST}?o={avg_column}")) == ["pooling", "backpropagation"]
    assert rows(admin_client.get(f"{CHANGELIST}?o=-{avg_column}")) == ["backpropagation", "pooling"]


def test_the_changelist_query_count_stays_fixed_with_1000_questions(admin_client):
    make_questions(5)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(CHANGELIST)
    Question.objects.all().delete()
    Level.objects.all().delete()
    Topic.objects.all().delete()
    Company.objects.all().delete()
    make_questions(1000)
    use(Question.objects.first(), [(3, False)] * 3)
    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


# --- filters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("usage=never", ["backpropagation"]),
        ("usage=asked", ["pooling"]),
        ("score=low", ["pooling"]),
        ("overtime=high", ["pooling"]),
        ("tagged=none", ["pooling"]),
        ("status__exact=draft", []),
    ],
)
def test_curation_filters(admin_client, small_bank, query, expected):
    use(Question.objects.get(slug="pooling"), [(1, True), (2, True), (3, False)])
    assert sorted(rows(admin_client.get(f"{CHANGELIST}?{query}"))) == expected


# --- bulk actions ------------------------------------------------------------------------------


def test_set_level_asks_for_the_level_then_applies_and_logs(admin_client, small_bank):
    both = ["backpropagation", "pooling"]
    page = post_action(admin_client, "set_level", both)
    assert page.status_code == 200
    assert "New level" in page.text and "What is backpropagation?" in page.text
    senior = Level.objects.get(slug="senior")
    post_action(admin_client, "set_level", both, level=senior.pk, apply="Apply")
    assert set(Question.objects.values_list("level__slug", flat=True)) == {"senior"}
    assert LogEntry.objects.filter(action_flag=CHANGE).count() == 1  # pooling already was senior


@pytest.mark.parametrize(
    ("action", "field", "model", "slug", "relation"),
    [
        ("add_topic", "topic", Topic, "cnn", "topics"),
        ("add_company", "company", Company, "google", "companies"),
    ],
)
def test_add_and_remove_a_topic_or_company(admin_client, small_bank, action, field, model, slug, relation):
    target = model.objects.get(slug=slug)
    post_action(admin_client, action, ["backpropagation", "pooling"], **{field: target.pk, "apply": "Apply"})
    for q in Question.objects.all():
        assert slug in [x.slug for x in getattr(q, relation).all()]
    remove = action.replace("add", "remove")
    post_action(admin_client, remove, ["pooling"], **{field: target.pk, "apply": "Apply"})
    assert slug not in [x.slug for x in getattr(Question.objects.get(slug="pooling"), relation).all()]
    assert LogEntry.objects.count() == 2  # one question already had it; one removal


def test_publish_and_unpublish_in_bulk(admin_client, small_bank):
    post_action(admin_client, "unpublish", ["pooling"])
    assert Question.objects.get(slug="pooling").status == "draft"
    post_action(admin_client, "publish", ["pooling"])
    assert Question.objects.get(slug="pooling").status == "published"


def test_export_selected_to_yaml(admin_client, small_bank):
    response = post_action(admin_client, "export_yaml", ["pooling"])
    data = yaml.safe_load(response.content)
    assert [q["slug"] for q in data["questions"]] == ["pooling"]
    assert {lvl["slug"] for lvl in data["levels"]} >= {"senior"}


# --- import from the admin ------------------------------------------------------------------------


def upload(client, name: str, text: str):
    return client.post(
        "/admin/questions/question/import/",
        {"file": SimpleUploadedFile(name, text.encode(), "application/x-yaml")},
    )


def test_import_previews_then_writes_on_confirm(admin_client, small_bank):
    edited = QUESTIONS.replace("What is backpropagation?", "Explain backpropagation.")
    new = (
        "\n  - slug: stride\n    prompt: What does stride do?\n    level: entry\n    topics: [cnn]\n"
        "    answer: Step size.\n    key_points: [Step of the filter]\n"
    )
    preview = upload(admin_client, "bank.yaml", TAXONOMY + edited + new)
    html = preview.text
    assert "Questions: 1 created, 1 updated, 1 unchanged" in html
    assert "stride" in html and "Confirm import" in html
    assert not Question.objects.filter(slug="stride").exists()  # nothing written yet

    token = preview.context["token"]
    response = admin_client.post("/admin/questions/question/import/", {"token": token, "confirm": "1"})
    assert response.status_code == 302
    assert Question.objects.get(slug="stride").prompt == "What does stride do?"
    assert Question.objects.get(slug="backpropagation").prompt == "Explain backpropagation."
    assert LogEntry.objects.filter(action_flag=ADDITION).count() == 1
    assert LogEntry.objects.filter(action_flag=CHANGE).count() == 1


def test_import_shows_every_error_with_its_line_and_writes_nothing(admin_client, small_bank):
    bad = QUESTIONS.replace("level: senior", "level: nope").replace("why_asked:", "why:")
    html = upload(admin_client, "bad.yaml", bad).text
    assert "bad.yaml:17: question &#x27;pooling&#x27;: unknown level &#x27;nope&#x27;" in html
    assert "bad.yaml:12:" in html and "unknown key" in html
    assert "Nothing was imported" in html
    assert "Confirm import" not in html


def test_import_warns_about_near_duplicates(admin_client, small_bank):
    twin = (
        "questions:\n  - slug: backprop-again\n    prompt: What is back propagation?\n    level: entry\n"
        "    topics: [training]\n    answer: x\n    key_points: [y]\n"
    )
    html = upload(admin_client, "twin.yaml", twin).text
    assert "Possible duplicates" in html
    assert "What is backpropagation?" in html


def test_saving_a_near_duplicate_in_the_admin_warns_with_a_link(admin_client, small_bank):
    level = Level.objects.get(slug="entry")
    topic = Topic.objects.get(slug="training")
    response = admin_client.post(
        "/admin/questions/question/add/",
        {
            "slug": "backprop-twin",
            "prompt": "What is backpropagation??",
            "status": "draft",
            "level": level.pk,
            "topics": [topic.pk],
            "answer": "x",
            "key_points-TOTAL_FORMS": "1",
            "key_points-INITIAL_FORMS": "0",
            "key_points-0-position": "1",
            "key_points-0-text": "y",
            "follow_ups-TOTAL_FORMS": "0",
            "follow_ups-INITIAL_FORMS": "0",
            "sightings-TOTAL_FORMS": "0",
            "sightings-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    assert Question.objects.filter(slug="backprop-twin").exists()
    original = Question.objects.get(slug="backpropagation")
    assert "Possible duplicates" in response.text
    assert f"/admin/questions/question/{original.pk}/change/" in response.text


def test_only_staff_with_the_import_permission_can_import(client, django_user_model, small_bank):
    curator = django_user_model.objects.create_user("curator", password="x" * 12, is_staff=True)
    client.force_login(curator)
    assert client.get("/admin/questions/question/import/").status_code == 403
    curator.user_permissions.add(Permission.objects.get(codename="import_questions"))
    curator = django_user_model.objects.get(pk=curator.pk)
    assert client.get("/admin/questions/question/import/").status_code == 200

    member = django_user_model.objects.create_user("member", password="x" * 12)
    other = Client()
    other.force_login(member)
    response = other.get("/admin/questions/question/import/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- preview as a candidate ---------------------------------------------------------------------


def test_staff_preview_a_question_in_the_runner_and_the_reveal(admin_client, small_bank):
    Question.objects.filter(slug="pooling").update(status="draft")
    runner = admin_client.get("/interviews/preview/pooling/").text
    assert "What does pooling do in a CNN?" in runner
    assert 'role="timer"' in runner and "Preview as a candidate" in runner
    assert "Pooling downsamples" not in runner
    reveal = admin_client.get("/interviews/preview/pooling/?stage=reveal").text
    assert "Pooling downsamples feature maps." in reveal and "Self-score" in reveal
    change = admin_client.get(
        f"/admin/questions/question/{Question.objects.get(slug='pooling').pk}/change/"
    ).text
    assert "/interviews/preview/pooling/" in change


def test_candidates_cannot_use_the_preview(client, django_user_model, small_bank):
    member = django_user_model.objects.create_user("member", password="x" * 12)
    client.force_login(member)
    response = client.get("/interviews/preview/pooling/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
