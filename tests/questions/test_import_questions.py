"""`manage.py import_questions`: validate everything, then write everything or nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from questions.models import Company, KeyPoint, Level, Question, Sighting, Source, Topic
from questions.yamlfile import MAX_FILE_BYTES
from tests.conftest import QUESTIONS, REPO, TAXONOMY

pytestmark = pytest.mark.django_db


def run_import(*paths, dry_run=False):
    out, err = StringIO(), StringIO()
    args = [str(p) for p in paths] + (["--dry-run"] if dry_run else [])
    call_command("import_questions", *args, stdout=out, stderr=err)
    return out.getvalue()


def failing_import(*paths):
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_questions", *[str(p) for p in paths], stdout=StringIO(), stderr=err)
    return err.getvalue(), str(excinfo.value)


def nothing_written():
    return not any(m.objects.exists() for m in (Level, Topic, Company, Source, Question, KeyPoint, Sighting))


# --- the good path ------------------------------------------------------------


def test_it_imports_questions_with_their_tags_key_points_and_sightings(write_yaml):
    out = run_import(write_yaml("a.yaml", TAXONOMY), write_yaml("b.yaml", QUESTIONS))

    assert "Questions: 2 created, 0 updated, 0 unchanged" in out
    q = Question.objects.get(slug="backpropagation")
    assert q.level.slug == "entry"
    assert {t.slug for t in q.topics.all()} == {"training"}
    assert {c.slug for c in q.companies.all()} == {"google", "meta"}
    assert [k.text for k in q.key_points.all()] == [
        "Chain rule from the loss backwards",
        "One backward pass costs about one forward pass",
    ]
    assert sorted((s.source.slug, s.number) for s in q.sightings.all()) == [
        ("guide-a", 8),
        ("guide-b", 3),
    ]
    assert q.status == "published"
    assert "<strong>chain rule</strong>" in q.answer_html


def test_it_reads_a_folder_of_files(write_yaml, tmp_path):
    write_yaml("00.yaml", TAXONOMY)
    write_yaml("10.yml", QUESTIONS)
    out = run_import(tmp_path)
    assert "Questions: 2 created" in out


def test_running_it_twice_changes_nothing(small_bank):
    before = dict(Question.objects.values_list("slug", "updated"))
    out = run_import(*small_bank)
    assert "Questions: 0 created, 0 updated, 2 unchanged" in out
    assert "Levels: 0 created, 0 updated, 2 unchanged" in out
    assert dict(Question.objects.values_list("slug", "updated")) == before


def test_an_edited_file_updates_only_what_changed(small_bank, write_yaml):
    pooling_before = Question.objects.get(slug="pooling").updated
    edited = QUESTIONS.replace("What is backpropagation?", "Explain backpropagation.").replace(
        "companies: [google, meta]", "companies: [meta]"
    )
    out = run_import(small_bank[0], write_yaml("10-questions.yaml", edited))

    assert "Questions: 0 created, 1 updated, 1 unchanged" in out
    q = Question.objects.get(slug="backpropagation")
    assert q.prompt == "Explain backpropagation."
    assert [c.slug for c in q.companies.all()] == ["meta"]
    assert Question.objects.get(slug="pooling").updated == pooling_before


def test_a_sighting_can_move_from_one_question_to_another(small_bank, write_yaml):
    moved = QUESTIONS.replace("      - {source: guide-b, number: 3}\n", "").replace(
        "      - {source: guide-a, number: 33}\n",
        "      - {source: guide-a, number: 33}\n      - {source: guide-b, number: 3}\n",
    )
    run_import(small_bank[0], write_yaml("10-questions.yaml", moved))
    assert Sighting.objects.get(source__slug="guide-b", number=3).question.slug == "pooling"


def test_dry_run_reports_and_writes_nothing(write_yaml):
    out = run_import(write_yaml("a.yaml", TAXONOMY), write_yaml("b.yaml", QUESTIONS), dry_run=True)
    assert "Dry run" in out
    assert "Questions: 2 created" in out
    assert nothing_written()


def test_status_draft_is_kept(write_yaml):
    run_import(
        write_yaml("a.yaml", TAXONOMY),
        write_yaml(
            "b.yaml",
            QUESTIONS.replace("    seen_in:\n      - {source: guide-a, number: 33}\n", "    status: draft\n"),
        ),
    )
    assert Question.objects.get(slug="pooling").status == "draft"


def test_levels_and_topics_may_come_from_the_database(small_bank, write_yaml):
    only_questions = QUESTIONS.replace("slug: pooling", "slug: pooling-2").replace("number: 33", "number: 34")
    only_questions = (
        only_questions.replace("slug: backpropagation", "slug: backprop-2")
        .replace("number: 8", "number: 9")
        .replace("number: 3}", "number: 4}")
    )
    out = run_import(write_yaml("more.yaml", only_questions))
    assert "Questions: 2 created" in out


def test_markdown_is_sanitised(write_yaml):
    hostile = QUESTIONS.replace(
        "Pooling downsamples feature maps.",
        '"<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"',
    )
    run_import(write_yaml("a.yaml", TAXONOMY), write_yaml("b.yaml", hostile))
    html = Question.objects.get(slug="pooling").answer_html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


# --- the bad paths: a clear message with file and line, and nothing written ----

BAD_CASES = {
    "invalid YAML": (
        "questions:\n  - slug: x\n    prompt: [unclosed\n",
        "invalid YAML",
        4,
    ),
    "misspelt key": (
        QUESTIONS.replace("    why_asked: It", "    why_askd: It"),
        "unknown key 'why_askd' (did you mean 'why_asked'?)",
        12,
    ),
    "missing required field": (
        QUESTIONS.replace("    prompt: What does pooling do in a CNN?\n", ""),
        "question 'pooling': missing required field 'prompt'",
        17,
    ),
    "unknown level": (
        QUESTIONS.replace("level: senior", "level: senoir"),
        "question 'pooling': unknown level 'senoir' (did you mean 'senior'?)",
        17,
    ),
    "unknown topic": (
        QUESTIONS.replace("topics: [cnn]", "topics: [cnns]"),
        "unknown topic 'cnns'",
        17,
    ),
    "unknown source": (
        QUESTIONS.replace("source: guide-a, number: 33", "source: guide-z, number: 33"),
        "unknown source 'guide-z'",
        17,
    ),
    "duplicate slug": (
        QUESTIONS.replace("slug: pooling", "slug: backpropagation"),
        "duplicate question slug 'backpropagation' (first at",
        17,
    ),
    "same guide question twice": (
        QUESTIONS.replace("number: 33", "number: 8"),
        "guide-a #8 is already listed by question 'backpropagation'",
        17,
    ),
    "wrong type": (
        QUESTIONS.replace("topics: [cnn]", "topics: cnn"),
        "question 'pooling': 'topics' must be a list, not text",
        20,
    ),
    "wrong type of number": (
        QUESTIONS.replace("number: 33", "number: thirty-three"),
        "'number' must be a whole number, not text",
        24,
    ),
    "empty list": (
        QUESTIONS.replace(
            "key_points: [Downsamples, Adds a little translation invariance]", "key_points: []"
        ),
        "question 'pooling': 'key_points' must list at least one item",
        22,
    ),
    "empty prompt": (
        QUESTIONS.replace("prompt: What does pooling do in a CNN?", 'prompt: "  "'),
        "question 'pooling': 'prompt' must not be empty",
        18,
    ),
    "bad status": (
        QUESTIONS.replace("    seen_in:\n      - {source: guide-a, number: 33}\n", "    status: live\n"),
        "'status' must be one of draft, published, not 'live'",
        23,
    ),
    "python tag": (
        "questions: !!python/object/apply:os.system ['echo pwned']\n",
        "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
        1,
    ),
    "top level not a mapping": ("- just\n- a list\n", "the top level must be a mapping", 1),
    "unknown section": (
        "question:\n  - slug: x\n",
        "unknown key 'question' (did you mean 'questions'?)",
        1,
    ),
}


@pytest.mark.parametrize("case", BAD_CASES, ids=list(BAD_CASES))
def test_bad_input_names_file_line_and_problem_and_writes_nothing(case, write_yaml):
    text, message, line = BAD_CASES[case]
    taxonomy = write_yaml("00-taxonomy.yaml", TAXONOMY)
    bad = write_yaml("10-questions.yaml", text)

    stderr, summary = failing_import(taxonomy, bad)

    assert f"{bad}:{line}: " in stderr
    assert message in stderr
    assert "nothing was imported" in summary
    assert nothing_written()


def test_it_reports_every_problem_not_only_the_first(write_yaml):
    text = QUESTIONS.replace("level: senior", "level: nope").replace("why_asked:", "why:")
    stderr, _ = failing_import(write_yaml("00.yaml", TAXONOMY), write_yaml("10.yaml", text))
    assert "unknown level 'nope'" in stderr
    assert "unknown key 'why'" in stderr


def test_a_duplicate_slug_across_files_is_refused(write_yaml):
    taxonomy = write_yaml("00.yaml", TAXONOMY)
    first = write_yaml("10.yaml", QUESTIONS)
    second = write_yaml(
        "20.yaml",
        QUESTIONS.replace("number: 8", "number: 80")
        .replace("number: 3}", "number: 30}")
        .replace("number: 33", "number: 330"),
    )
    stderr, _ = failing_import(taxonomy, first, second)
    assert f"{second}:2: duplicate question slug 'backpropagation' (first at {first}:2)" in stderr
    assert nothing_written()


def test_a_file_that_is_not_utf8_is_refused(write_yaml, tmp_path):
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("questions:\n  - slug: caf\xe9\n".encode("latin-1"))
    stderr, _ = failing_import(write_yaml("00.yaml", TAXONOMY), bad)
    assert f"{bad}:2: file is not UTF-8" in stderr
    assert nothing_written()


def test_an_alias_bomb_is_refused_at_once(write_yaml):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(
            f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]"
        )
    bomb = write_yaml("bomb.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    stderr, _ = failing_import(bomb)
    # Expanded, this file is a billion strings; refusing aliases means it is never expanded.
    assert time.perf_counter() - started < 5
    assert f"{bomb}:2: aliases (*name) are not allowed" in stderr


def test_a_huge_file_is_refused_before_parsing(tmp_path):
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    stderr, _ = failing_import(huge)
    assert "file is too large" in stderr
    assert nothing_written()


def test_deep_nesting_is_refused(write_yaml):
    stderr, _ = failing_import(write_yaml("deep.yaml", "questions: " + "[" * 10_000))
    assert "nested more than" in stderr


def test_a_missing_path_is_reported(tmp_path):
    stderr, _ = failing_import(tmp_path / "nope.yaml")
    assert "no such file or folder" in stderr


def test_the_command_exits_non_zero_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions:\n  - slug: [\n", encoding="utf-8")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        # Never touched: the file fails before any database work.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "import_questions", str(bad)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"{bad}:3: invalid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_one_question_with_several_problems_reports_them_all_at_once(write_yaml):
    # The same question: a bad field and an unknown level, an unknown topic and a source that does
    # not exist. Fixing the first must not be needed to see the others.
    text = (
        QUESTIONS.replace("level: entry", "level: beginner")
        .replace("topics: [training]", "topics: [trainin]")
        .replace("why_asked:", "why:")
        .replace("source: guide-b, number: 3", "source: guide-z, number: 3")
    )
    stderr, _ = failing_import(write_yaml("00.yaml", TAXONOMY), write_yaml("10.yaml", text))
    assert "question 'backpropagation': unknown key 'why'" in stderr
    assert "question 'backpropagation': unknown level 'beginner'" in stderr
    assert "question 'backpropagation': unknown topic 'trainin' (did you mean 'training'?)" in stderr
    assert "question 'backpropagation': unknown source 'guide-z'" in stderr
    assert nothing_written()


def test_a_question_naming_an_item_that_is_itself_faulty_is_not_also_called_unknown(write_yaml):
    taxonomy = TAXONOMY.replace("name: Entry level, rank: 1}", "name: Entry level}")
    stderr, _ = failing_import(write_yaml("00.yaml", taxonomy), write_yaml("10.yaml", QUESTIONS))
    assert "level 'entry': missing required field 'rank'" in stderr
    assert "unknown level 'entry'" not in stderr
