"""OpenStreetMap opening hours (``horaires_accueil``): validation with French messages, the
weekly grid of the partner editor (composed into, and read back from, an OSM value), and the
description in words."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import opening_hours
from babel.dates import format_time, get_day_names
from flask_babel import get_locale
from flask_babel import gettext as _

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
RANGES_PER_DAY = 2
HOLIDAYS_OFF = "PH off"
_HOLIDAYS_OFF_RULE = re.compile(r"PH\s+(off|closed)")

# -- validation ---------------------------------------------------------------------------

# Where the parser stopped ("--> line:column") and what it wanted there ("= expected a, b").
_ERROR_AT = re.compile(r"-->\s*(\d+):(\d+)")
_ERROR_WANTED = re.compile(r"=\s*(expected|unexpected)\s+(.*)")
_TIME_RULES = {"extended_time", "hour", "minute", "time", "timespan", "timespan_plus"}
_RULE_START = {"always_open", "small_range_selectors", "week_selector"}
_VALUE_SHOWN = 80


def _offset(value: str, line: int, column: int) -> int:
    """The 0-based index in ``value`` of the parser's 1-based line and column."""
    return sum(len(text) + 1 for text in value.split("\n")[: line - 1]) + column - 1


def _problem(value: str, offset: int, kind: str, rules: set[str]) -> tuple[str, str | None]:
    """What is wrong at ``offset``, naming the text found there, and what would fit."""
    word = re.match(r"\s*([^\s;,]*)", value[offset:]).group(1) or value[offset : offset + 1]
    if not word.strip():
        return _("valeur incomplète"), None
    if kind == "unexpected" and "normal_rule_separator" in rules:
        return _("« ; » en trop"), None
    if "wday" in rules:
        return _("jour inconnu « %(word)s »", word=word), _("jours : Mo Tu We Th Fr Sa Su")
    if rules & _RULE_START:
        return _("début de règle inconnu « %(word)s »", word=word), _(
            "une règle commence par des jours, Mo Tu We Th Fr Sa Su, ou par PH, jours fériés"
        )
    if rules & _TIME_RULES and re.search(r"\d", word):
        return _("horaire illisible « %(word)s »", word=word), _("format attendu : 09:00-12:00")
    return _("« %(word)s » inattendu", word=word), _(
        "séparez les règles par « ; », écrivez « off » pour fermé"
    )


def parse_error(value: str) -> str | None:
    """Why ``value`` is not valid OSM opening_hours syntax, in words naming the wrong part
    and its position; None when it is valid."""
    try:
        opening_hours.OpeningHours(value)
    except (opening_hours.ParserError, ValueError) as error:
        message = str(error)
    else:
        return None
    shown = value if len(value) <= _VALUE_SHOWN else value[: _VALUE_SHOWN - 1] + "…"
    where, wanted = _ERROR_AT.search(message), _ERROR_WANTED.search(message)
    if not where:
        return _("« %(value)s » — syntaxe non reconnue", value=shown)
    offset = _offset(value, int(where.group(1)), int(where.group(2)))
    kind, rules = (wanted.group(1), wanted.group(2)) if wanted else ("expected", "")
    names = {name for name in re.split(r",\s*(?:or\s+)?|\s+or\s+", rules) if name}
    problem, fitting = _problem(value, offset, kind, names)
    if fitting:
        return _(
            "« %(value)s » — %(problem)s à la position %(position)s (%(fitting)s)",
            value=shown,
            problem=problem,
            position=offset + 1,
            fitting=fitting,
        )
    return _(
        "« %(value)s » — %(problem)s à la position %(position)s",
        value=shown,
        problem=problem,
        position=offset + 1,
    )


# -- the weekly grid ----------------------------------------------------------------------

Range = tuple[time, time]


@dataclass(frozen=True)
class Week:
    """What the editor's grid holds: each weekday's opening ranges (Monday first, in order,
    at most RANGES_PER_DAY) and whether public holidays are closed."""

    days: tuple[tuple[Range, ...], ...] = ((),) * 7
    holidays_closed: bool = False


@dataclass(frozen=True)
class GridError:
    weekday: int  # 0 = Monday
    index: int  # which range of the day, from 0
    message: str


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def _day_selector(weekdays: list[int]) -> str:
    """[0, 1, 2, 3, 5] -> 'Mo-Th,Sa'; two days in a row are written 'Sa,Su'."""
    runs: list[list[int]] = []
    for weekday in weekdays:
        if runs and runs[-1][-1] == weekday - 1:
            runs[-1].append(weekday)
        else:
            runs.append([weekday])
    return ",".join(
        WEEKDAYS[run[0]]
        if len(run) == 1
        else WEEKDAYS[run[0]] + ("-" if len(run) > 2 else ",") + WEEKDAYS[run[-1]]
        for run in runs
    )


def compose(week: Week) -> str:
    """The OSM value of a grid: days with the same ranges share a rule, in the order of
    their first day, then "PH off"; "" when nothing is open nor closed."""
    days_of_ranges: dict[tuple[Range, ...], list[int]] = {}
    for weekday, ranges in enumerate(week.days):
        if ranges:
            days_of_ranges.setdefault(ranges, []).append(weekday)
    rules = [
        _day_selector(weekdays) + " " + ",".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in ranges)
        for ranges, weekdays in days_of_ranges.items()
    ]
    if week.holidays_closed:
        rules.append(HOLIDAYS_OFF)
    return "; ".join(rules)


_GRID_TIME = re.compile(r"(\d{1,2})[:hH](\d{2})?(?::00)?")


def _grid_time(text: str) -> time | None:
    """'09:00', '9:00', '9h', '9h30' -> a time; None when unreadable."""
    match = _GRID_TIME.fullmatch(text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
        return None
    return time(int(match.group(1)), int(match.group(2) or 0))


def _weekdays_of(selector: str) -> list[int] | None:
    """'Mo-We,Fr' -> [0, 1, 2, 4]; wrapping ranges ('Sa-Mo') allowed; None if not days."""
    weekdays = []
    for part in selector.split(","):
        first, _dash, last = part.partition("-")
        if first not in WEEKDAYS or (last or first) not in WEEKDAYS:
            return None
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        weekdays += [(start + n) % 7 for n in range((end - start) % 7 + 1)]
    return weekdays


def _ranges_of(text: str) -> tuple[Range, ...] | None:
    """'09:00-12:30,13:30-17:00' -> two ranges; 'off' -> none; None if the grid cannot
    hold them (overnight, 24:00, more than RANGES_PER_DAY, out of order)."""
    if text in ("off", "closed"):
        return ()
    ranges = []
    for part in text.split(","):
        start, _dash, end = part.partition("-")
        start_time, end_time = _grid_time(start), _grid_time(end)
        if not start_time or not end_time or end_time <= start_time:
            return None
        if ranges and start_time < ranges[-1][1]:
            return None
        ranges.append((start_time, end_time))
    return tuple(ranges) if len(ranges) <= RANGES_PER_DAY else None


def week_of(value: str | None) -> Week | None:
    """The grid holding ``value`` (rules of weekdays and ranges, "PH off" last), the
    inverse of compose(); None when the value says more than the grid can show."""
    if not value or not value.strip():
        return Week()
    if parse_error(value) or '"' in value:
        return None
    days: list[tuple[Range, ...]] = [()] * 7
    rules = [rule.strip() for rule in value.split(";") if rule.strip()]
    holidays_closed = bool(rules) and bool(_HOLIDAYS_OFF_RULE.fullmatch(rules[-1]))
    for rule in rules[:-1] if holidays_closed else rules:
        selector, _space, text = rule.partition(" ")
        weekdays, ranges = _weekdays_of(selector), _ranges_of(text.strip())
        if weekdays is None or ranges is None:
            return None
        for weekday in weekdays:  # a later rule replaces an earlier one for its days
            days[weekday] = ranges
    return Week(tuple(days), holidays_closed)


def day_name(weekday: int) -> str:
    """'Lundi' for 0, in the interface's language."""
    return _upper_first(get_day_names("wide", locale=get_locale())[weekday])


def _range_of_texts(weekday: int, index: int, start: str, end: str) -> Range | GridError:
    day, number = day_name(weekday), index + 1
    if not start.strip() or not end.strip():
        message = _(
            "%(day)s, plage %(n)s : indiquez l'heure de début et l'heure de fin.",
            day=day,
            n=number,
        )
        return GridError(weekday, index, message)
    for text in (start, end):
        if _grid_time(text) is None:
            message = _(
                "%(day)s, plage %(n)s : heure « %(text)s » illisible (format attendu : 09:00).",
                day=day,
                n=number,
                text=text.strip(),
            )
            return GridError(weekday, index, message)
    start_time, end_time = _grid_time(start), _grid_time(end)
    if end_time <= start_time:
        message = _(
            "%(day)s, plage %(n)s : la fin (%(end)s) doit venir après le début (%(start)s).",
            day=day,
            n=number,
            start=_hhmm(start_time),
            end=_hhmm(end_time),
        )
        return GridError(weekday, index, message)
    return start_time, end_time


def read_week(
    texts: list[list[tuple[str, str]]], holidays_closed: bool
) -> tuple[Week, list[GridError]]:
    """The grid as typed (per weekday, per range: start and end texts) -> (Week, errors);
    every error names the day and the range."""
    days, errors = [], []
    for weekday, day_texts in enumerate(texts):
        ranges: list[Range] = []
        for index, (start, end) in enumerate(day_texts):
            if not start.strip() and not end.strip():
                continue
            found = _range_of_texts(weekday, index, start, end)
            if isinstance(found, GridError):
                errors.append(found)
            elif ranges and found[0] < ranges[-1][1]:
                message = _(
                    "%(day)s, plage %(n)s : elle doit commencer (%(start)s) après la fin de "
                    "la plage précédente (%(end)s).",
                    day=day_name(weekday),
                    n=index + 1,
                    start=_hhmm(found[0]),
                    end=_hhmm(ranges[-1][1]),
                )
                errors.append(GridError(weekday, index, message))
            else:
                ranges.append(found)
        days.append(tuple(ranges))
    return Week(tuple(days), holidays_closed), errors


# -- in words -----------------------------------------------------------------------------


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
    if closes_on_holidays(value):
        lines.append(_("Fermé les jours fériés"))
    if lines:
        return lines
    return [_("Fermé au public")] if value.strip() in ("off", "closed") else [value]


def closes_on_holidays(value: str) -> bool:
    """Whether a rule of its own closes public holidays ("PH off")."""
    return any(_HOLIDAYS_OFF_RULE.fullmatch(rule.strip()) for rule in value.split(";"))
