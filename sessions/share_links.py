"""Creating a share link: one live link per interview, even when requests race.

The database holds the rule: at most one unrevoked link per interview (the
partial unique constraint ``share_link_one_unrevoked_per_session``). A new
link revokes the previous one, expired-but-never-revoked ones included, in
the same transaction as it is inserted. When simultaneous requests collide
on the constraint, the losers hand back the link that won.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from .models import InterviewSession, ShareLink

ATTEMPTS = 3


def replace_live_link(
    *,
    session: InterviewSession,
    include_answers: bool,
    include_recordings: bool = False,
    show_name: bool,
    expires_at: datetime | None,
    now: datetime,
) -> ShareLink:
    """Revoke the interview's unrevoked link (if any) and create a new one; or return the one that won."""
    for _ in range(ATTEMPTS):
        try:
            with transaction.atomic():
                ShareLink.objects.filter(session=session, revoked_at__isnull=True).update(revoked_at=now)
                return ShareLink.objects.create(
                    session=session,
                    include_answers=include_answers,
                    include_recordings=include_recordings,
                    show_name=show_name,
                    expires_at=expires_at,
                    created=now,
                )
        except IntegrityError:
            # A simultaneous request inserted its link after our UPDATE looked: that one stands.
            winner = ShareLink.objects.filter(session=session, revoked_at__isnull=True).first()
            if winner is not None:
                return winner
            # The winner was itself revoked in between: try again.
    raise RuntimeError(f"could not create a share link for {session.pk} in {ATTEMPTS} attempts")
