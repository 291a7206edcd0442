"""The runner's state of one interview in one statement: the hottest read of the site.

Every question page needs the same four things: the interview (if it belongs
to the person asking), how far it has gone (its length, how many are scored,
the position on screen) and that position's question with its level and its
answer, if any. Through the ORM that is three queries whose building costs
more than their running (docs/performance.md has the profile); here it is one
statement, written once, whose columns come from the models' metadata and
whose rows become model instances exactly as a queryset makes them
(:mod:`prepsite.sqlrows`). Every runner view reads through it;
tests/sessions/test_runner_state.py holds it to the ORM's answers for the same
reads.
"""

from __future__ import annotations

from functools import cache

from django.db import connections
from django.http import Http404

from prepsite.sqlrows import Columns, prefetched
from questions.models import KeyPoint, Level, Question

from .models import Answer, InterviewQuestion, InterviewSession, Owner, Progress


@cache
def _statement(by_user: bool, at_position: bool) -> tuple[str, tuple[Columns, ...]]:
    """The SELECT (owner by user or by anonymous token; the question on screen or one at a
    position) and the column groups in its row."""
    q = connections["default"].ops.quote_name
    s, i, qu, lv, a = (
        Columns(InterviewSession, "s"),
        Columns(InterviewQuestion, "i"),
        Columns(Question, "q"),
        Columns(Level, "lv"),
        Columns(Answer, "a"),
    )
    items, answers = q(InterviewQuestion._meta.db_table), q(Answer._meta.db_table)
    owner = "s.user_id = %s" if by_user else "s.user_id IS NULL AND s.anon_token = %s"
    # The interview row (by its key and owner: at most one row) and, in one pass over its
    # questions, its progress: how many, how many scored, and the question on screen, the first
    # not yet scored (questions are scored in order). Then that question (or the one at a given
    # position) by the unique (session, position) index, with its level and answer. Each
    # question's score is a correlated lookup by the answer's unique item index, so no plan ever
    # scans the whole answers table, however small its statistics say it is. Only names
    # from the models' metadata are formatted in; the values are parameters.
    sql = f"""
        SELECT {s.sql()}, p.total, p.scored, p.on_screen, {i.sql()}, {qu.sql()}, {lv.sql()}, {a.sql()}
        FROM {q(InterviewSession._meta.db_table)} s
        CROSS JOIN (
            SELECT COUNT(*) AS total, COUNT(t.score) AS scored,
                   MIN(CASE WHEN t.score IS NULL THEN t.position END) AS on_screen
            FROM (
                SELECT t.position, (SELECT ta.score FROM {answers} ta WHERE ta.item_id = t.id) AS score
                FROM {items} t WHERE t.session_id = %s
            ) t
        ) p
        LEFT JOIN {items} i ON i.session_id = s.id AND i.position = {"%s" if at_position else "p.on_screen"}
        LEFT JOIN {q(Question._meta.db_table)} q ON q.id = i.question_id
        LEFT JOIN {q(Level._meta.db_table)} lv ON lv.id = q.level_id
        LEFT JOIN {answers} a ON a.item_id = i.id
        WHERE s.id = %s AND {owner}
    """
    return " ".join(sql.split()), (s, i, qu, lv, a)


@cache
def _key_points_statement() -> tuple[str, Columns]:
    q = connections["default"].ops.quote_name
    k = Columns(KeyPoint, "k")
    sql = f"SELECT {k.sql()} FROM {q(KeyPoint._meta.db_table)} k WHERE k.question_id = %s ORDER BY k.position"
    return sql, k


def _read(owner: Owner, pk, position: int | None):
    if owner.user is None and not owner.token:
        raise Http404("No such interview")
    connection = connections["default"]
    sql, (s, i, qu, lv, a) = _statement(owner.user is not None, position is not None)
    key = InterviewSession._meta.pk.get_db_prep_value(pk, connection)
    who = owner.user.pk if owner.user is not None else owner.token
    params = [key, key, who] if position is None else [key, position, key, who]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such interview")
    session = s.build(row, 0)
    at = len(s)
    progress = Progress(total=row[at], scored=row[at + 1], current=row[at + 2])
    at += 3
    item = i.build(row, at)
    at += len(i)
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


class NoSuchPosition(Http404):
    """The interview is the asker's, but has no question at that position (a 404 unless caught)."""

    def __init__(self, session: InterviewSession) -> None:
        super().__init__("No such question in this interview")
        self.session = session


def current(owner: Owner, pk) -> tuple[InterviewSession, Progress, InterviewQuestion | None]:
    """The interview ``pk`` of ``owner`` (else 404), its progress, and the question it is on
    (None once every question is scored), with that question's level and answer loaded."""
    return _read(owner, pk, None)


def at(
    owner: Owner, pk, position: int, *, key_points: bool = False
) -> tuple[InterviewSession, Progress, InterviewQuestion]:
    """The interview ``pk`` of ``owner``, its progress and its question at ``position`` (else 404),
    loaded as :func:`current` loads it; with ``key_points``, the question's key points too."""
    session, progress, item = _read(owner, pk, position)
    if item is None:
        raise NoSuchPosition(session)
    if key_points:
        sql, k = _key_points_statement()
        with connections["default"].cursor() as cursor:
            cursor.execute(sql, [item.question_id])
            points = [k.build(row, 0) for row in cursor.fetchall()]
        for point in points:
            point.question = item.question
        prefetched(item.question, "key_points", points)
    return session, progress, item
