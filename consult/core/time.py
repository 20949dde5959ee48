"""Local time and UTC: every conversion between the time people type or read and the time the database keeps.

The database keeps naive UTC (``consult.core.models.utcnow``). People type and read dates and times on the
wall clock of a time zone: :func:`zone`, the reader's zone as Flask-Babel chooses it (its
``timezone_selector`` when one is configured, otherwise ``BABEL_DEFAULT_TIMEZONE``, the platform's zone,
:func:`platform_zone`), always as a ``zoneinfo.ZoneInfo``. Nothing else in the code converts: forms use
``consult.core.forms.LocalDateTimeField`` (typed local time in, UTC ``.data`` out), templates the
``datetime``/``date``/``interval`` filters, other code :func:`to_utc`, :func:`to_local`, :func:`localized` and
:func:`aware_utc`. (Never ``replace(tzinfo=<pytz zone>)``: a pytz zone attached that way gives its first
historical offset, local mean time, 10 minutes off in Rome.)

Clock changes. A wall-clock time typed in a zone has one, none or two readings (:func:`readings`):

* none, in the spring-forward gap (02:30 on 29 March 2026 in Rome, where the clocks go from 02:00 to 03:00):
  the time is **refused** (:class:`NonexistentTime`, with a translated message asking for another time). It is
  never moved silently an hour on, as pytz's ``localize`` or a plain ``astimezone`` would: a session would be
  convened for a time nobody typed.
* two, in the repeated hour (02:30 on 25 October 2026 in Rome, first at UTC+2, then again at UTC+1):
  :class:`AmbiguousTime` unless the caller says which one with ``fold`` (PEP 495: 0 is the first, still on
  summer time; 1 the second, after the clocks went back). Forms **ask**: the field shows the error and a
  choice "the first 02:30 (UTC+02:00) / the second 02:30 (UTC+01:00)"; the person picks one and sends again.
  Where there is no room to ask (a clock time on the roll call), the caller applies a documented rule (see
  ``consult.meetings.views.sitting._time_on``).

Both are found the same way: the typed time is converted to UTC with ``fold=0`` and ``fold=1`` and back, and a
reading counts only when it comes back to the time typed.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _

FALLBACK_ZONE = "UTC"


# ------------------------------------------------------------------------------------------------ zones


@functools.lru_cache(maxsize=64)
def _zone_named(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(FALLBACK_ZONE)


def as_zoneinfo(zone) -> tzinfo:
    """A zone given as a name, a ``ZoneInfo`` or a pytz zone (what Flask-Babel hands out), as a
    ``ZoneInfo``."""
    if isinstance(zone, ZoneInfo):
        return zone
    if isinstance(zone, str):
        return _zone_named(zone)
    name = getattr(zone, "zone", None) or getattr(zone, "key", None)  # pytz / zoneinfo-like
    if name:
        return _zone_named(name)
    offset = zone.utcoffset(None) if zone is not None else None  # a fixed offset: keep it as it is
    return zone if offset is not None else _zone_named(FALLBACK_ZONE)


def platform_zone() -> tzinfo:
    """The platform's zone (``BABEL_DEFAULT_TIMEZONE``)."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return _zone_named(name or FALLBACK_ZONE)


def zone() -> tzinfo:
    """The reader's zone: Flask-Babel's choice for this request (selector, else the platform's), as a
    ZoneInfo."""
    if not has_app_context():
        return _zone_named(FALLBACK_ZONE)
    chosen = get_timezone()
    return as_zoneinfo(chosen) if chosen is not None else platform_zone()


def _zone(tz) -> tzinfo:
    return zone() if tz is None else as_zoneinfo(tz)


# ------------------------------------------------------------------------------------------------ conversions


def readings(local: datetime, tz=None) -> list[datetime]:
    """The UTC instants (naive) a wall-clock time ``local`` (naive) stands for in ``tz``, earliest first: one
    normally, none in a spring-forward gap, two in the repeated hour of a fall-back night."""
    tz = _zone(tz)
    local = local.replace(tzinfo=None, fold=0)
    found = []
    for fold in (0, 1):
        utc = local.replace(tzinfo=tz, fold=fold).astimezone(UTC)
        if utc.astimezone(tz).replace(tzinfo=None, fold=0) == local and utc.replace(tzinfo=None) not in found:
            found.append(utc.replace(tzinfo=None))
    return sorted(found)


def to_utc(local: datetime | None, tz=None, *, fold: int | None = None) -> datetime | None:
    """A wall-clock time typed in ``tz`` (the reader's zone by default), as naive UTC for storage.

    Raises :class:`NonexistentTime` in a spring-forward gap, and :class:`AmbiguousTime` in the repeated hour
    unless ``fold`` (0: the first, 1: the second) says which. An aware ``local`` is simply converted."""
    if local is None:
        return None
    if local.tzinfo is not None:
        return local.astimezone(UTC).replace(tzinfo=None)
    tz = _zone(tz)
    found = readings(local, tz)
    if not found:
        raise NonexistentTime(local, tz)
    if len(found) == 1:
        return found[0]
    if fold not in (0, 1):
        raise AmbiguousTime(local, tz, found)
    return found[fold]


def localized(utc: datetime | None, tz=None) -> datetime | None:
    """Stored naive UTC (or any aware time) as an aware time in ``tz`` (the reader's zone by default)."""
    if utc is None:
        return None
    if utc.tzinfo is None:
        utc = utc.replace(tzinfo=UTC)
    return utc.astimezone(_zone(tz))


def to_local(utc: datetime | None, tz=None) -> datetime | None:
    """Stored naive UTC as the naive wall-clock time of ``tz`` (what a form shows); ``fold`` is 1 for the
    second of two equal wall-clock times."""
    moment = localized(utc, tz)
    return moment.replace(tzinfo=None) if moment is not None else None


def today(tz=None, *, at: datetime | None = None) -> date:
    """The date on the city's calendar (the platform's zone unless ``tz`` says otherwise) now, or at the naive
    UTC instant ``at``: the day terms of office and seats are counted in. Not the UTC date, which is a day
    behind the city's for an hour or two after its midnight east of Greenwich."""
    moment = at.replace(tzinfo=UTC) if at is not None else datetime.now(UTC)
    return moment.astimezone(platform_zone() if tz is None else as_zoneinfo(tz)).date()


def aware_utc(utc: datetime | None) -> datetime | None:
    """Stored naive UTC marked as UTC (feeds, calendars, timestamps)."""
    if utc is None:
        return None
    return utc.replace(tzinfo=UTC) if utc.tzinfo is None else utc.astimezone(UTC)


def naive_utc(moment: datetime | None) -> datetime | None:
    """Naive UTC as stored: a naive value is taken as UTC already, an aware one is converted."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def offset_text(offset: timedelta) -> str:
    """``+02:00``, ``+05:30``, ``-04:00``."""
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


# ------------------------------------------------------------------------------------------------ refusals


def _when(local: datetime) -> dict:
    from babel import dates

    locale = get_locale() or "en"
    return {"time": dates.format_time(local.time(), "short", locale=locale),
            "date": dates.format_date(local.date(), "long", locale=locale)}


class LocalTimeError(ValueError):
    """A typed wall-clock time that cannot be stored as it is; ``message`` says why, translated."""

    def __init__(self, local: datetime, tz):
        super().__init__(f"{local.isoformat()} in {tz}")
        self.local, self.tz = local.replace(tzinfo=None, fold=0), tz

    @property
    def zone_name(self) -> str:
        return getattr(self.tz, "key", None) or str(self.tz)


class NonexistentTime(LocalTimeError):
    """The time falls in the gap when the clocks go forward: it never shows on a clock in that zone."""

    @property
    def message(self) -> str:
        return _("There is no %(time)s on %(date)s in %(zone)s: the clocks go forward past it that night. "
                 "Please choose another time.", zone=self.zone_name, **_when(self.local))


class AmbiguousTime(LocalTimeError):
    """The time comes twice when the clocks go back; ``choices`` describes both for the person to pick."""

    def __init__(self, local: datetime, tz, found: list[datetime]):
        super().__init__(local, tz)
        self.found = found

    @property
    def message(self) -> str:
        return _("%(time)s comes twice on %(date)s in %(zone)s, because the clocks go back that night. "
                 "Choose which one you mean.", zone=self.zone_name, **_when(self.local))

    @property
    def question(self) -> str:
        return _("Which %(time)s?", **_when(self.local))

    @property
    def choices(self) -> list[tuple[int, str]]:
        """``[(0, "The first 2:30 AM (UTC+02:00, before the clocks go back)"), (1, "The second ...")]``."""
        time = _when(self.local)["time"]
        first, second = (localized(utc, self.tz).utcoffset() for utc in self.found)
        return [(0, _("The first %(time)s (UTC%(offset)s, before the clocks go back)", time=time,
                      offset=offset_text(first))),
                (1, _("The second %(time)s (UTC%(offset)s, after the clocks go back)", time=time,
                      offset=offset_text(second)))]


def ambiguity(local: datetime | None, tz=None) -> AmbiguousTime | None:
    """The question to ask about ``local`` (naive wall-clock time) if it comes twice in ``tz``, else None."""
    if local is None:
        return None
    tz = _zone(tz)
    found = readings(local, tz)
    return AmbiguousTime(local, tz, found) if len(found) == 2 else None
