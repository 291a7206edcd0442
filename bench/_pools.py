"""Prepared interviews for the wrk benchmarks (bench/peer.py), written straight into the database.

    DATABASE_URL=... python bench/_pools.py --rounds 3 --pool 3000 > pools.json

Run with the server's environment against a database that is migrated and has
the bank imported. Prints JSON: a logged-in user's session cookie and CSRF
token, the targets (a 20-question interview's first question page, the reveal
of an answered question), and for every round a list of answer URLs (each a
served, unanswered question of its own 20-question interview) and score URLs
(each an answered, unscored question of its own interview), so every POST
wrk sends is a first answer or a first score, never a repeat.

Rows are bulk-inserted like bench/history.py does: making 20,000 interviews
through HTTP would take longer than the benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prepsite.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from questions.models import Question  # noqa: E402
from sessions.models import Answer, InterviewQuestion, InterviewSession  # noqa: E402

COUNT = 20  # questions per interview


def interviews(user, questions: list[Question], n: int, *, answered: bool, offset: int) -> list[str]:
    """``n`` 20-question interviews with question 1 served (and, with ``answered``, answered)."""
    now = timezone.now()
    sessions = InterviewSession.objects.bulk_create(
        (InterviewSession(user=user, seconds_per_answer=300, created=now) for _ in range(n)), batch_size=2000
    )
    items = InterviewQuestion.objects.bulk_create(
        (
            InterviewQuestion(
                session=s,
                position=p,
                question=questions[(offset + i + p) % len(questions)],
                served_at=now if p == 1 else None,
            )
            for i, s in enumerate(sessions)
            for p in range(1, COUNT + 1)
        ),
        batch_size=5000,
    )
    if answered:
        Answer.objects.bulk_create(
            (
                Answer(
                    item=it,
                    text="prepared answer",
                    submitted_at=now + timedelta(seconds=20),
                    elapsed_ms=20_000,
                    key_point_count=4,
                )
                for it in items
                if it.position == 1
            ),
            batch_size=5000,
        )
    return [str(s.pk) for s in sessions]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pool", type=int, default=3000, help="interviews per round and per POST kind")
    args = parser.parse_args()

    user, _ = get_user_model().objects.get_or_create(username="bench")
    client = Client()
    client.force_login(user, backend="prepsite.auth.ModelBackend")  # as the log-in page does
    questions = list(Question.objects.order_by("id"))
    assert len(questions) >= COUNT, "the bank needs at least 20 questions"
    (page,) = interviews(user, questions, 1, answered=False, offset=0)
    (reveal,) = interviews(user, questions, 1, answered=True, offset=1)
    rounds = []
    for r in range(args.rounds):
        answer = interviews(user, questions, args.pool, answered=False, offset=r)
        score = interviews(user, questions, args.pool, answered=True, offset=r + 7)
        rounds.append(
            {
                "answer": [f"/interviews/{pk}/questions/1/answer" for pk in answer],
                "score": [f"/interviews/{pk}/questions/1/score" for pk in score],
            }
        )
    if connection.vendor == "postgresql":
        # What autovacuum would do soon after a bulk load like this one, done before measuring
        # instead of during it: statistics for the planner (without them PostgreSQL guesses
        # thousands of questions per interview) and the new rows' visibility set once.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    json.dump(
        {
            "sessionid": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "csrftoken": _get_new_csrf_string(),
            "page": f"/interviews/{page}/",
            "reveal": f"/interviews/{reveal}/questions/1/",
            "rounds": rounds,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
