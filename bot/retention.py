"""Retention, Rasa's trackers included: an expired conversation's tracker is erased first (SQL
tracker store: its events deleted; in-memory store: replaced with none through Rasa's API), and
only then its rows; a tracker that cannot be erased now keeps its rows for the next hourly run,
so nothing is left behind unseen. Run hourly by the gateway (bot/jobs.py)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from bot.rasa_client import RasaClient
from lotse import insights, privacy
from lotse.db import in_session
from lotse.models import utcnow
from lotse.settings import Settings

log = logging.getLogger(__name__)


async def erase_tracker(rasa: RasaClient, settings: Settings, conversation_id: str) -> None:
    """Every event of one conversation, from whichever store Rasa uses; raises if it cannot."""
    if settings.tracker_store_url:  # Rasa's SQL tracker store: its API can only append
        await asyncio.to_thread(
            privacy.erase_tracker_events, settings.tracker_store_url, conversation_id
        )
    else:
        await rasa.erase_tracker(conversation_id)


async def purge(
    settings: Settings, rasa: RasaClient, now: datetime | None = None
) -> dict[str, int]:
    now = now or utcnow()
    days = settings.retention_days
    expired = await in_session(lambda s: privacy.expired_conversations(s, now, days))
    erased = []
    for conversation_id in expired:
        try:
            await erase_tracker(rasa, settings, conversation_id)
        except Exception:
            log.warning("retention: a tracker could not be erased now; tried again next hour")
            continue
        erased.append(conversation_id)

    def purge_database(session) -> dict[str, int]:  # type: ignore[no-untyped-def]
        done = privacy.purge_expired(session, now, days, erased)
        done["question_texts"] = insights.purge_texts(session, now, days)
        return done

    done = await in_session(purge_database)
    done["trackers"] = len(erased)
    if settings.tracker_store_url:  # events of conversations still going, older than `days`
        done["tracker_events"] = await asyncio.to_thread(
            privacy.purge_tracker_events, settings.tracker_store_url, now, days
        )
    return done
