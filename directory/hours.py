"""OpenStreetMap opening hours (``horaires_accueil``): validation and description in words."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import opening_hours
from babel.dates import format_time, get_day_names
from flask_babel import get_locale
from flask_babel import gettext as _


def parse_error(value: str) -> str | None:
    """Return why ``value`` is not valid OSM opening_hours syntax, or None when it is."""
    try:
        opening_hours.OpeningHours(value)
    except (opening_hours.ParserError, ValueError) as error:
        return str(error).splitlines()[0]
    return None


@dataclass(frozen=True)
class DaySchedule:
    weekday: int  # 0 = Monday
    slots: tuple[tuple[time, time], ...]


def weekly_schedule(value: str, monday: date) -> list[DaySchedule]:
    """The opening slots of each day of the week starting on ``monday``."""
    parsed = opening_hours.OpeningHours(value)
    days = []
    for weekday in range(7):
        day_start = datetime.combine(monday, time()) + timedelta(days=weekday)
        day_end = day_start + timedelta(days=1)
        slots = tuple(
            (start.time(), time(23, 59) if end >= day_end else end.time())
            for start, end, state, _comment in parsed.intervals(day_start, day_end)
            if state == opening_hours.State.OPEN
        )
        days.append(DaySchedule(weekday, slots))
    return days


def _format_slot(slot: tuple[time, time], locale) -> str:
    start, end = (format_time(moment, "HH:mm", locale=locale) for moment in slot)
    return f"{start}–{end}"


def _upper_first(text: str) -> str:
    """Capitalised, leaving the rest as written (English day names keep their capitals)."""
    return text[:1].upper() + text[1:]


def _day_range(first: int, last: int, names) -> str:
    if first == last:
        return _upper_first(names[first])
    if last == first + 1:
        return _upper_first(_("%(first)s et %(last)s", first=names[first], last=names[last]))
    return _upper_first(_("du %(first)s au %(last)s", first=names[first], last=names[last]))


def describe(value: str | None, today: date | None = None) -> list[str]:
    """This week's hours in words ("Du lundi au vendredi : 09:00–12:30"); [] when unknown.

    Seasonal rules closed all this week are shown as written rather than as "closed".
    """
    if not value or parse_error(value):
        return []
    today = today or date.today()
    locale = get_locale()
    names = get_day_names("wide", locale=locale)
    schedule = weekly_schedule(value, today - timedelta(days=today.weekday()))
    if all(len(day.slots) == 1 and day.slots[0] == (time(0), time(23, 59)) for day in schedule):
        return [_("Ouvert 24 h/24, 7 j/7")]
    lines = []
    weekday = 0
    while weekday < 7:
        slots = schedule[weekday].slots
        last = weekday
        while last + 1 < 7 and schedule[last + 1].slots == slots:
            last += 1
        if slots:
            hours = ", ".join(_format_slot(slot, locale) for slot in slots)
            lines.append(
                _("%(days)s : %(hours)s", days=_day_range(weekday, last, names), hours=hours)
            )
        weekday = last + 1
    if lines:
        return lines
    return [_("Fermé au public")] if value.strip() in ("off", "closed") else [value]
