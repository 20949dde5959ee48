"""From a session's structured record to a complete Markdown draft, with nothing to type.

The record (docs/DEVELOPING.md, "Session records") is the only input; headings are written in the language of
the record, and so is the title (:func:`title_for`: a translation's title is made in its own language).
Tallies are written as lists (user Markdown has no tables) so the text survives any editor.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from babel import Locale
from flask_babel import force_locale, format_date, format_time, ngettext, pgettext
from flask_babel import gettext as _
from markupsafe import Markup, escape


def _parse(value) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None) if parsed.tzinfo else parsed


def _time(value) -> str:
    moment = _parse(value)
    return format_time(moment, "short") if moment else ""


def _md(text) -> str:
    """One line of record text, made safe to place inside Markdown (no accidental headings or lists)."""
    text = " ".join(str(text or "").split())
    for char in ("\\", "*", "_", "`", "[", "]", "<", ">", "#"):
        text = text.replace(char, "\\" + char)
    return text


def _block(text) -> str:
    """Descriptions and notes are Markdown already: kept as written (sanitised when shown), except that their
    own headings become plain lines, so they cannot break the structure of the minutes."""
    lines = []
    for line in str(text or "").replace("\r\n", "\n").strip().split("\n"):
        stripped = line.lstrip()
        lines.append("\\" + stripped if stripped.startswith("#") else line)
    return "\n".join(lines)


def _rule(value) -> str:
    return {"simple": _("simple majority"), "absolute": _("absolute majority"),
            "two_thirds": _("two-thirds majority"), "unanimity": _("unanimity")}.get(value, _md(value))


def _role(value) -> str:
    return {"president": _("president"), "vice_president": _("vice-president"), "secretary": _("secretary"),
            "member": _("member"), "observer": _("observer"), "moderator": _("moderator"),
            "expert": _("expert"), "public": _("public")}.get(value, _md(value))


def _verdict(value: str) -> str:
    labels = {"adopted": pgettext("motion verdict", "Adopted"),
              "rejected": pgettext("motion verdict", "Rejected"), "no_quorum": _("No quorum")}
    return labels.get(value, _md(value))


def _mode(value: str) -> str:
    labels = {"named": _("named vote"), "secret": _("secret ballot"), "hands": _("show of hands")}
    return labels.get(value, _md(value))


def _choice(value: str) -> str:
    return {"yes": _("in favour"), "no": _("against"), "abstain": _("abstention")}.get(value, _md(value))


#: Unicode's first-strong isolate and pop directional isolate: a name of the other direction kept whole in the
#: title as plain text (Markdown, JSON, feeds, the PDF); pages show the run as <bdi> (:func:`title_markup`)
FSI, PDI = "\u2068", "\u2069"
_ISOLATED = re.compile(FSI + "([^" + FSI + PDI + "]*)" + PDI)


def _direction_of(language: str) -> str:
    try:
        return Locale.parse(language).text_direction
    except (ValueError, TypeError):
        return "ltr"


def _isolated(text: str, language: str) -> str:
    """``text`` between FSI and PDI when it holds a letter written in the other direction than ``language``
    (a session named in English inside Arabic minutes, or in Arabic inside French ones), so that the text
    around it keeps its order: "المحضر: ⁨Extraordinary session⁩، 7 ديسمبر 2026"."""
    other = ("R", "AL") if _direction_of(language) == "ltr" else ("L",)
    if text and any(unicodedata.bidirectional(char) in other for char in text):
        return FSI + text.replace(FSI, "").replace(PDI, "") + PDI
    return text


def title_for(record: dict, language: str | None = None) -> str:
    """The title of minutes of ``record`` in ``language`` (the record's own by default): the word for minutes,
    the session's or debate's name as it was given (isolated when of the other direction), the date written
    as that language writes it."""
    language = language or record.get("language") or "en"
    with force_locale(language):
        start = _parse(record.get("starts_at"))
        when = format_date(start, "long") if start else ""
        name = _isolated(str(record.get("title") or ""), language)
        return _("Minutes: %(title)s, %(date)s", title=name, date=when).rstrip(", ،")


def display_title(minutes) -> str:
    """The title shown for ``minutes``: the stored one, except a translation that kept the original's title as
    the platform made it (translations started before titles were made in their language): that title is
    made again in the translation's language, from the record."""
    if minutes.kind != "translation":
        return minutes.title
    record = minutes.record or {}
    if (record.get("language") or "en") != minutes.language and minutes.title == title_for(record):
        return title_for(record, minutes.language)[:200]
    return minutes.title


def title_markup(title: str) -> Markup:
    """A title for a page: escaped, its isolated runs as ``<bdi>`` elements."""
    return Markup(_ISOLATED.sub(r"<bdi>\1</bdi>", str(escape(title))))


def draft_markdown(record: dict) -> str:
    """The complete draft: header, attendance and quorum, agenda with motions and decisions, debate parts."""
    with force_locale(record.get("language") or "en"):
        return "\n".join(_lines(record)).strip() + "\n"


def _lines(record: dict):
    start, end = _parse(record.get("starts_at")), _parse(record.get("ends_at"))
    yield _header_line(_("Body"), _md(record.get("body")))
    if start:
        yield _header_line(_("Date"), f"{format_date(start, 'full')}, {format_time(start, 'short')}")
    if end:
        yield _header_line(_("Ended at"), format_time(end, "short"))
    for key, label in (("place", _("Place")), ("online_link", _("Online"))):
        if record.get(key):
            yield _header_line(label, _md(record[key]))
    for key, label in (("chaired_by", _("Chaired by")), ("written_by", _("Minutes written by"))):
        if record.get(key):
            yield _header_line(label, ", ".join(_md(name) for name in record[key]))
    yield ""
    yield from _attendance(record, start)
    yield from _agenda(record)
    yield from _debate(record)


def _header_line(label, value) -> str:
    """A line of the minutes' header: the label in bold, the value, two spaces (a Markdown line break)."""
    return f"**{label}:** {value}  "


def _heading(label) -> tuple[str, str]:
    return f"### {label}", ""


def _person(entry: dict) -> str:
    role = f" ({_role(entry['role'])})" if entry.get("role") else ""
    return f"{_md(entry.get('name'))}{role}"


def _present(entry: dict, start) -> str:
    """A person present, with a late arrival (after ``start``) or an early departure."""
    notes = []
    arrived, left = _parse(entry.get("arrived_at")), _parse(entry.get("left_at"))
    if arrived and start and arrived > start:
        notes.append(_("arrived late at %(time)s", time=format_time(arrived, "short")))
    if left:
        notes.append(_("left at %(time)s", time=format_time(left, "short")))
    return _person(entry) + (f" — {', '.join(notes)}" if notes else "")


def _attendance(record: dict, start):
    attendance = record.get("attendance") or {}
    present = attendance.get("present") or []
    excused = attendance.get("excused") or []
    absent = attendance.get("absent") or []
    if not (present or excused or absent or record.get("quorum")):
        return
    yield from _heading(_("Attendance"))
    groups = ((ngettext("%(num)s present", "%(num)s present", len(present)),
               [_present(entry, start) for entry in present]),
              (ngettext("%(num)s excused", "%(num)s excused", len(excused)), [_person(e) for e in excused]),
              (ngettext("%(num)s absent", "%(num)s absent", len(absent)), [_person(e) for e in absent]))
    for label, people in groups:
        yield f"**{label}:**"
        yield ""
        for person in people or [_("Nobody")]:
            yield f"- {person}"
        yield ""
    quorum = record.get("quorum")
    if quorum:
        state = _("reached") if quorum.get("reached") else _("not reached")
        yield _("**Quorum:** %(present)s present, %(required)s required: quorum %(state)s.",
                present=quorum.get("present", 0), required=quorum.get("required", 0), state=state)
        yield ""


def _agenda(record: dict):
    items = record.get("items") or []
    if not items:
        return
    yield from _heading(_("Agenda"))
    for item in items:
        yield f"- {_md(item.get('number'))}\\. {_md(item.get('title'))}"
    yield ""
    for item in items:
        yield from _item(item)


def _item(item: dict):
    """One agenda item of the minutes: heading, times, text, speakers, motions, decisions, actions,
    proposals."""
    yield f"#### {_md(item.get('number'))}. {_md(item.get('title'))}"
    yield ""
    times = [t for t in (_time(item.get("started_at")), _time(item.get("ended_at"))) if t]
    if times:
        yield f"*{' – '.join(times)}*"
        yield ""
    if item.get("description"):
        yield _block(item["description"])
        yield ""
    if item.get("notes"):
        label = _("Notes")
        yield f"**{label}:**"
        yield ""
        yield _block(item["notes"])
        yield ""
    speakers = sorted(item.get("speakers") or [], key=lambda s: s.get("order") or 0)
    if speakers:
        label = _("Speakers")
        yield f"**{label}:** " + ", ".join(_md(s.get("name")) for s in speakers)
        yield ""
    for number, motion in enumerate(item.get("motions") or [], start=1):
        yield from _motion(number, motion)
    if item.get("decisions"):
        label = _("Decisions")
        yield f"**{label}:**"
        yield ""
        for decision in item["decisions"]:
            yield f"- {_md(decision)}"
        yield ""
    if item.get("actions"):
        yield from _actions(item["actions"])
    if item.get("proposals"):
        label = _("Proposals")
        yield f"**{label}:** " + ", ".join(
            f"{_md(p.get('title'))} (#{p.get('id')})" for p in item["proposals"])
        yield ""


def _actions(actions: list):
    label = _("Action items")
    yield f"**{label}:**"
    yield ""
    for action in actions:
        due = _parse(action.get("due"))
        owner = _("owner: %(owner)s", owner=_md(action.get("owner"))) if action.get("owner") else ""
        deadline = _("due %(date)s", date=format_date(due, "long")) if due else ""
        extra = "; ".join(x for x in (owner, deadline) if x)
        yield f"- {_md(action.get('text'))}" + (f" ({extra})" if extra else "")
    yield ""


def _motion(number: int, motion: dict):
    label = _("Motion %(number)s", number=number)
    yield f"**{label}:** {_md(motion.get('text'))}"
    yield ""
    label = _("Majority rule")
    yield f"- {label}: {_rule(motion.get('rule'))} ({_mode(motion.get('mode'))})"
    yield "- " + _("Votes: in favour %(yes)s, against %(no)s, abstaining %(abstain)s",
                   yes=motion.get("yes", 0), no=motion.get("no", 0), abstain=motion.get("abstain", 0))
    label = _("Verdict")
    yield f"- {label}: **{_verdict(motion.get('verdict'))}**"
    named = motion.get("named_votes") or []
    if named:
        label = _("Named vote")
        yield f"- {label}: " + ", ".join(
            f"{_md(v.get('name'))}: {_choice(v.get('choice'))}" for v in named)
    yield ""


def _debate(record: dict):
    segments = record.get("segments") or []
    if segments:
        yield from _heading(_("Parts of the debate"))
        for segment in segments:
            times = " – ".join(t for t in (_time(segment.get("started_at")), _time(segment.get("ended_at")))
                               if t)
            planned = ngettext("%(num)s minute planned", "%(num)s minutes planned",
                               segment.get("planned_minutes") or 0)
            yield f"- {_md(segment.get('title'))} ({planned}{'; ' + times if times else ''})"
        yield ""
    speakers = record.get("speakers") or []
    if speakers:
        yield from _heading(_("Speakers"))
        for speaker in speakers:
            seconds = int(speaker.get("seconds") or 0)
            minutes, rest = divmod(seconds, 60)
            role = f" ({_role(speaker['role'])})" if speaker.get("role") else ""
            line = "- " + _md(speaker.get("name")) + role + ": " + ngettext(
                "%(num)s speech", "%(num)s speeches", speaker.get("speeches") or 0)
            if seconds:  # speeches listed without a clock have no time to report
                line += ", " + _("speaking time %(minutes)s min %(seconds)s s", minutes=minutes, seconds=rest)
            yield line
        yield ""
    questions = [q for q in record.get("questions") or [] if q.get("status") in (None, "", "answered")]
    if questions:
        yield from _heading(_("Questions answered"))
        for question in questions:
            yield f"- {_md(question.get('text'))} (" + ngettext("%(num)s like", "%(num)s likes",
                                                                question.get("likes") or 0) + ")"
        yield ""
    polls = record.get("polls") or []
    if polls:
        yield from _heading(_("Poll results"))
        for poll in polls:
            yield f"**{_md(poll.get('question'))}** (" + ngettext(
                "%(num)s participant", "%(num)s participants", poll.get("turnout") or 0) + ")"
            yield ""
            for result in poll.get("results") or []:
                yield f"- {_md(result.get('label'))}: {result.get('count', 0)}"
            yield ""
