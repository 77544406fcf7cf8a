"""The edge where the wall clock is read. Only the UI and the CLI import this module."""

from __future__ import annotations

from datetime import UTC, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pztraining.core import settings


def utc_now() -> datetime:
    """The current moment, timezone-aware in UTC."""
    return datetime.now(UTC)


def local_zone() -> ZoneInfo | timezone:
    """The zone clock times are shown in: the ``timezone`` setting, default Europe/Amsterdam."""
    try:
        return ZoneInfo(settings.current().timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local(moment: datetime) -> datetime:
    """``moment`` converted to the local zone (for display)."""
    return moment.astimezone(local_zone())
