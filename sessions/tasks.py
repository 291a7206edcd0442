"""Background work for interviews: transcribing a spoken answer (django-tasks; never in a web request)."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from .forms import RECORDING_MAX_SECONDS
from .models import Answer

log = logging.getLogger(__name__)

# A failed transcription is tried this many times in all before the reveal offers a manual retry.
TRIES = 3


@task(queue_name="speech")
def transcribe_answer(answer_id: int) -> None:
    """Transcribe one spoken answer and store what was heard. Idempotent: a second run changes nothing."""
    from speech.audio import NotAudio, TooLong
    from speech.service import analyse

    answer = Answer.objects.select_related("item__question", "item__session").filter(pk=answer_id).first()
    if answer is None or not answer.recording or answer.transcription != Answer.Transcription.PENDING:
        return
    key_points = [(kp.position, kp.text, kp.cues) for kp in answer.item.question.key_points.all()]
    tries = answer.transcription_tries + 1
    try:
        analysis = analyse(
            answer.recording.name,
            key_points=key_points,
            seconds=answer.item.session.seconds_per_answer,
            max_seconds=RECORDING_MAX_SECONDS,
        )
    except (NotAudio, TooLong, OSError) as error:
        # The file itself is the problem (it was probed on upload, so this is rare): trying again won't help.
        log.warning("answer %s cannot be transcribed: %s", answer_id, error)
        Answer.objects.filter(pk=answer_id).update(transcription_tries=tries, transcription="failed")
        return
    except Exception:
        log.exception("transcription of answer %s failed (try %s of %s)", answer_id, tries, TRIES)
        again = tries < TRIES
        Answer.objects.filter(pk=answer_id).update(
            transcription_tries=tries, transcription="pending" if again else "failed"
        )
        if again:
            transaction.on_commit(lambda: transcribe_answer.enqueue(answer_id))
        return
    heard = {str(position): phrase for position, phrase in analysis.key_points.items()}
    Answer.objects.filter(pk=answer_id, transcription=Answer.Transcription.PENDING).update(
        transcription=Answer.Transcription.DONE,
        transcription_tries=tries,
        transcript=analysis.transcript.text,
        delivery={**analysis.delivery.to_dict(), "summary": analysis.delivery.summary()},
        # What the typed text matched stays; what was heard is added.
        detected={**heard, **answer.detected},
    )
