"""Background work for interviews: transcribing a spoken answer (django-tasks; never in a web request)."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from .models import Answer

log = logging.getLogger(__name__)

# A failed transcription is tried this many times in all before the reveal offers a manual retry.
TRIES = 3


@task(queue_name="speech")
def transcribe_answer(answer_id: int) -> None:
    """Transcribe one spoken answer and store what was heard. Idempotent: a second run changes nothing."""
    from speech.service import analyse

    answer = Answer.objects.select_related("item__question", "item__session").filter(pk=answer_id).first()
    if answer is None or not answer.recording or answer.transcription != Answer.Transcription.PENDING:
        return
    key_points = [(kp.position, kp.text, kp.cues) for kp in answer.item.question.key_points.all()]
    try:
        analysis = analyse(
            answer.recording.name, key_points=key_points, seconds=answer.item.session.seconds_per_answer
        )
    except Exception:
        log.exception("transcription of answer %s failed", answer_id)
        tries = answer.transcription_tries + 1
        state = Answer.Transcription.PENDING if tries < TRIES else Answer.Transcription.FAILED
        Answer.objects.filter(pk=answer_id).update(transcription_tries=tries, transcription=state)
        if state == Answer.Transcription.PENDING:
            transaction.on_commit(lambda: transcribe_answer.enqueue(answer_id))
        return
    Answer.objects.filter(pk=answer_id, transcription=Answer.Transcription.PENDING).update(
        transcription=Answer.Transcription.DONE,
        transcription_tries=answer.transcription_tries + 1,
        transcript=analysis.text,
        delivery=analysis.delivery,
        detected={**answer.detected, **{str(p): phrase for p, phrase in analysis.detected.items()}},
    )
