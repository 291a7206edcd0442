"""The runner's state of one interview in one statement: the hottest read of the site.

Every question page needs the same four things: the interview (if it belongs
to the person asking), how far it has gone (its length, how many are scored,
the position on screen) and that position's question with its level and its
answer, if any. Through the ORM that is three queries whose building costs
more than their running (docs/performance.md has the profile); here it is one
statement, written once, whose columns come from the models' metadata and
whose rows become model instances exactly as a queryset makes them
(:mod:`prepsite.sqlrows`). The result is the same as
``get_owned_or_404(owner, pk)``, ``.progress()`` and ``.item(progress.current)``
(tests/sessions/test_runner_state.py holds the two to the same answers).
"""

from __future__ import annotations

from functools import cache

from django.db import connections
from django.http import Http404

from prepsite.sqlrows import Columns
from questions.models import Level, Question

from .models import Answer, InterviewQuestion, InterviewSession, Owner, Progress


@cache
def _statement(vendor: str, by_user: bool) -> tuple[str, tuple[Columns, ...]]:
    """The SELECT (owner by user, or by anonymous token) and the column groups in its row."""
    connection = connections["default"]
    q = connection.ops.quote_name
    s, i, qu, lv, a = (
        Columns(InterviewSession, "s"),
        Columns(InterviewQuestion, "i"),
        Columns(Question, "q"),
        Columns(Level, "lv"),
        Columns(Answer, "a"),
    )
    items, answers = q(InterviewQuestion._meta.db_table), q(Answer._meta.db_table)
    owner = "s.user_id = %s" if by_user else "s.user_id IS NULL AND s.anon_token = %s"
    # Only names from the models' metadata are formatted in; the values are parameters.
    sql = f"""
        SELECT {s.sql()},
            (SELECT COUNT(*) FROM {items} t WHERE t.session_id = s.id),
            (SELECT COUNT(*) FROM {items} t INNER JOIN {answers} ta ON ta.item_id = t.id
              WHERE t.session_id = s.id AND ta.score IS NOT NULL),
            {i.sql()}, {qu.sql()}, {lv.sql()}, {a.sql()}
        FROM {q(InterviewSession._meta.db_table)} s
        LEFT JOIN {items} i ON i.session_id = s.id AND i.position = (
            SELECT MIN(t.position) FROM {items} t LEFT JOIN {answers} ta ON ta.item_id = t.id
             WHERE t.session_id = s.id AND ta.score IS NULL)
        LEFT JOIN {q(Question._meta.db_table)} q ON q.id = i.question_id
        LEFT JOIN {q(Level._meta.db_table)} lv ON lv.id = q.level_id
        LEFT JOIN {answers} a ON a.item_id = i.id
        WHERE s.id = %s AND {owner}
    """
    return " ".join(sql.split()), (s, i, qu, lv, a)


def current(owner: Owner, pk) -> tuple[InterviewSession, Progress, InterviewQuestion | None]:
    """The interview ``pk`` of ``owner`` (else 404), its progress, and the question it is on
    (None once every question is scored), with that question's level and answer loaded."""
    if owner.user is None and not owner.token:
        raise Http404("No such interview")
    connection = connections["default"]
    sql, (s, i, qu, lv, a) = _statement(connection.vendor, owner.user is not None)
    key = InterviewSession._meta.pk.get_db_prep_value(pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, owner.user.pk if owner.user is not None else owner.token])
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such interview")
    session = s.build(row, 0)
    at = len(s)
    total, scored = row[at], row[at + 1]
    at += 2
    item = i.build(row, at)
    at += len(i)
    progress = Progress(total=total, scored=scored, current=item.position if item is not None else None)
    if item is None:
        return session, progress, None
    question = qu.build(row, at)
    at += len(qu)
    question.level = lv.build(row, at)
    at += len(lv)
    answer = a.build(row, at)
    # As select_related would leave them: no further query for any of these relations.
    item.session = session
    item.question = question
    InterviewQuestion.answer.related.set_cached_value(item, answer)
    if answer is not None:
        answer.item = item
    return session, progress, item
