"""consult.core.time and LocalDateTimeField: typed wall-clock times and the UTC the database keeps.

The expected UTC values are worked out by hand from the published offsets, not by the code under test:

* Europe/Rome: UTC+1 in winter, UTC+2 in summer; the clocks change at 01:00 UTC on the last Sunday of March
  (2026-03-29: 02:00 -> 03:00) and of October (2026-10-25: 03:00 -> 02:00, so 02:00-02:59 comes twice).
* America/New_York: UTC-5 / UTC-4; 2026-03-08 02:00 -> 03:00 and 2026-11-01 02:00 -> 01:00 (01:00-01:59
twice).
* Asia/Kolkata: UTC+5:30 all year, no clock change.
* Australia/Lord_Howe: UTC+10:30 in winter, UTC+11 in summer, a half-hour change: 2026-04-05 02:00 -> 01:30
  (01:30-01:59 twice) and 2026-10-04 02:00 -> 02:30 (02:00-02:29 never shows).
* Pacific/Chatham: UTC+12:45 / UTC+13:45; 2026-04-05 03:45 -> 02:45 (02:45-03:44 twice) and
  2026-09-27 02:45 -> 03:45 (02:45-03:44 never shows).
"""

from __future__ import annotations

from datetime import datetime as D
from datetime import timedelta

import pytest
from werkzeug.datastructures import MultiDict
from wtforms.validators import DataRequired, Optional

from consult.core import time
from consult.core.forms import BaseForm, LocalDateTimeField

# (zone, typed wall-clock time, UTC it stands for)
ONE_READING = [
    # the report: 18:00 in Rome in December is 17:00 UTC (pytz's replace(tzinfo=) gave 17:10, local mean time)
    ("Europe/Rome", D(2026, 12, 17, 18, 0), D(2026, 12, 17, 17, 0)),
    ("Europe/Rome", D(2026, 12, 17, 11, 49), D(2026, 12, 17, 10, 49)),
    ("Europe/Rome", D(2026, 1, 15, 9, 0), D(2026, 1, 15, 8, 0)),
    ("Europe/Rome", D(2026, 7, 1, 9, 0), D(2026, 7, 1, 7, 0)),
    ("Europe/Rome", D(2026, 3, 29, 1, 59), D(2026, 3, 29, 0, 59)),  # just before the spring change
    ("Europe/Rome", D(2026, 3, 29, 3, 0), D(2026, 3, 29, 1, 0)),  # just after it
    ("Europe/Rome", D(2026, 10, 25, 1, 59), D(2026, 10, 24, 23, 59)),  # before the repeated hour (summer)
    ("Europe/Rome", D(2026, 10, 25, 3, 0), D(2026, 10, 25, 2, 0)),  # after it (winter)
    ("America/New_York", D(2026, 1, 15, 9, 0), D(2026, 1, 15, 14, 0)),
    ("America/New_York", D(2026, 7, 4, 21, 0), D(2026, 7, 5, 1, 0)),
    ("America/New_York", D(2026, 3, 8, 3, 30), D(2026, 3, 8, 7, 30)),
    ("America/New_York", D(2026, 11, 1, 2, 30), D(2026, 11, 1, 7, 30)),
    ("Asia/Kolkata", D(2026, 6, 1, 10, 0), D(2026, 6, 1, 4, 30)),
    ("Asia/Kolkata", D(2026, 12, 31, 23, 45), D(2026, 12, 31, 18, 15)),
    ("Asia/Kolkata", D(2026, 3, 29, 2, 30), D(2026, 3, 28, 21, 0)),  # Rome's missing time exists in India
    ("Australia/Lord_Howe", D(2026, 7, 1, 12, 0), D(2026, 7, 1, 1, 30)),
    ("Australia/Lord_Howe", D(2026, 1, 1, 12, 0), D(2026, 1, 1, 1, 0)),
    ("Australia/Lord_Howe", D(2026, 10, 4, 2, 30), D(2026, 10, 3, 15, 30)),
    ("Australia/Lord_Howe", D(2026, 10, 4, 1, 59), D(2026, 10, 3, 15, 29)),
    ("Pacific/Chatham", D(2026, 7, 1, 12, 0), D(2026, 6, 30, 23, 15)),
    ("Pacific/Chatham", D(2026, 12, 1, 12, 0), D(2026, 11, 30, 22, 15)),
    ("Pacific/Chatham", D(2026, 9, 27, 3, 45), D(2026, 9, 26, 14, 0)),
]

# (zone, typed time in the spring-forward gap)
MISSING = [
    ("Europe/Rome", D(2026, 3, 29, 2, 30)),
    ("Europe/Rome", D(2026, 3, 29, 2, 0)),
    ("America/New_York", D(2026, 3, 8, 2, 30)),
    ("Australia/Lord_Howe", D(2026, 10, 4, 2, 15)),
    ("Pacific/Chatham", D(2026, 9, 27, 3, 0)),
]

# (zone, typed time that comes twice, UTC of the first, UTC of the second)
TWICE = [
    ("Europe/Rome", D(2026, 10, 25, 2, 30), D(2026, 10, 25, 0, 30), D(2026, 10, 25, 1, 30)),
    ("Europe/Rome", D(2026, 10, 25, 2, 0), D(2026, 10, 25, 0, 0), D(2026, 10, 25, 1, 0)),
    ("America/New_York", D(2026, 11, 1, 1, 30), D(2026, 11, 1, 5, 30), D(2026, 11, 1, 6, 30)),
    ("Australia/Lord_Howe", D(2026, 4, 5, 1, 45), D(2026, 4, 4, 14, 45), D(2026, 4, 4, 15, 15)),
    ("Pacific/Chatham", D(2026, 4, 5, 3, 0), D(2026, 4, 4, 13, 15), D(2026, 4, 4, 14, 15)),
]


@pytest.mark.parametrize(("zone", "typed", "utc"), ONE_READING)
def test_a_typed_time_is_stored_as_the_published_offset_says_and_comes_back_as_typed(zone, typed, utc):
    assert time.readings(typed, zone) == [utc]
    assert time.to_utc(typed, zone) == utc
    assert time.to_utc(typed, zone, fold=1) == utc  # a choice that is not needed changes nothing
    assert time.to_local(utc, zone) == typed
    assert time.localized(utc, zone).replace(tzinfo=None) == typed


def test_the_old_pytz_way_was_ten_minutes_off_in_rome():
    """What ``value.replace(tzinfo=pytz zone)`` gave (local mean time, UTC+0:50): 17:10 for 18:00."""
    import pytz

    old = D(2026, 12, 17, 18, 0).replace(tzinfo=pytz.timezone("Europe/Rome")).astimezone(pytz.utc)
    assert old.replace(tzinfo=None) == D(2026, 12, 17, 17, 10)
    assert time.to_utc(D(2026, 12, 17, 18, 0), "Europe/Rome") == D(2026, 12, 17, 17, 0)
    assert time.to_utc(D(2026, 12, 17, 18, 0), pytz.timezone("Europe/Rome")) == D(2026, 12, 17, 17, 0)


@pytest.mark.parametrize(("zone", "typed"), MISSING)
def test_a_time_the_clocks_skip_is_refused(zone, typed):
    assert time.readings(typed, zone) == []
    with pytest.raises(time.NonexistentTime):
        time.to_utc(typed, zone)
    with pytest.raises(time.NonexistentTime):  # no choice makes it exist
        time.to_utc(typed, zone, fold=1)


@pytest.mark.parametrize(("zone", "typed", "first", "second"), TWICE)
def test_a_time_that_comes_twice_needs_a_choice(zone, typed, first, second):
    assert time.readings(typed, zone) == [first, second]
    with pytest.raises(time.AmbiguousTime) as asked:
        time.to_utc(typed, zone)
    assert asked.value.found == [first, second]
    assert time.to_utc(typed, zone, fold=0) == first
    assert time.to_utc(typed, zone, fold=1) == second
    # both come back as the time typed, the second one marked as such (PEP 495 fold)
    assert time.to_local(first, zone) == typed and time.to_local(first, zone).fold == 0
    assert time.to_local(second, zone) == typed and time.to_local(second, zone).fold == 1
    assert second - first == (timedelta(minutes=30) if zone == "Australia/Lord_Howe" else timedelta(hours=1))


def test_every_quarter_hour_of_a_year_round_trips_in_every_zone():
    for zone in ("Europe/Rome", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"):
        utc = D(2026, 1, 1)
        while utc < D(2027, 1, 1):
            local = time.to_local(utc, zone)
            assert time.to_utc(local, zone, fold=local.fold) == utc
            utc += timedelta(minutes=15)


def test_the_reader_zone_is_flask_babels_choice_as_a_zoneinfo(app):
    from zoneinfo import ZoneInfo

    with app.test_request_context("/"):
        assert time.zone() == ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"]) == time.platform_zone()
        assert isinstance(time.zone(), ZoneInfo)
        assert time.to_utc(D(2026, 12, 17, 18, 0)) == D(2026, 12, 17, 17, 0)  # the platform's zone: Rome
    babel = app.extensions["babel"]
    babel.timezone_selector = lambda: "Asia/Kolkata"
    try:
        with app.test_request_context("/"):
            assert time.zone() == ZoneInfo("Asia/Kolkata")
            assert time.to_utc(D(2026, 12, 17, 18, 0)) == D(2026, 12, 17, 12, 30)
    finally:
        babel.timezone_selector = None


def test_messages_and_choices_are_clear(app):
    with app.test_request_context("/"):
        missing = pytest.raises(time.NonexistentTime, time.to_utc, D(2026, 3, 29, 2, 30), "Europe/Rome").value
        assert missing.message == ("There is no 2:30\u202fAM on March 29, 2026 in Europe/Rome: the clocks go "
                                   "forward past it that night. Please choose another time.")
        twice = pytest.raises(time.AmbiguousTime, time.to_utc, D(2026, 10, 25, 2, 30), "Europe/Rome").value
        assert "comes twice on October 25, 2026 in Europe/Rome" in twice.message
        assert twice.choices == [
            (0, "The first 2:30\u202fAM (UTC+02:00, before the clocks go back)"),
            (1, "The second 2:30\u202fAM (UTC+01:00, after the clocks go back)")]
        half = time.ambiguity(D(2026, 4, 5, 1, 45), "Australia/Lord_Howe")
        assert [label.split("(")[1] for _, label in half.choices] == [
            "UTC+11:00, before the clocks go back)", "UTC+10:30, after the clocks go back)"]


# ------------------------------------------------------------------------------------------------ the field


class _Form(BaseForm):
    starts_at = LocalDateTimeField("Starts", validators=[DataRequired()])
    ends_at = LocalDateTimeField("Ends", validators=[Optional()], zone="America/New_York")


def _form(**data):
    return _Form(formdata=MultiDict(data))


def test_field_gives_utc_and_shows_the_local_time_again(app):
    with app.test_request_context("/", method="POST"):
        form = _form(starts_at="2026-12-17T18:00", ends_at="2026-11-01T03:00")
        assert form.validate(), form.errors
        assert form.starts_at.data == form.starts_at.utc == D(2026, 12, 17, 17, 0)
        assert form.ends_at.data == D(2026, 11, 1, 8, 0)  # a zone of its own
        assert form.starts_at.local == D(2026, 12, 17, 18, 0)
        # stored UTC given as object data is shown on the reader's clock
        shown = _Form(formdata=None,
                      obj=type("Row", (), {"starts_at": D(2026, 7, 1, 7, 0), "ends_at": None})())
        assert shown.starts_at._value() == "2026-07-01T09:00"
        assert 'value="2026-07-01T09:00"' in str(shown.starts_at())
        assert "fold" not in str(shown.starts_at())
        empty = _form(starts_at="2026-12-17T18:00", ends_at="")
        assert empty.validate() and empty.ends_at.data is None


def test_field_refuses_a_skipped_time_with_a_clear_error(app):
    with app.test_request_context("/", method="POST"):
        form = _form(starts_at="2026-03-29T02:30")
        assert not form.validate()
        assert form.starts_at.data is None
        assert form.starts_at.errors == ["There is no 2:30\u202fAM on March 29, 2026 in Europe/Rome: the "
                                         "clocks go forward past it that night. Please choose another time."]
        assert 'value="2026-03-29T02:30"' in str(form.starts_at())  # what was typed stays in the box


def test_field_asks_which_of_two_equal_times_and_takes_the_answer(app):
    with app.test_request_context("/", method="POST"):
        form = _form(starts_at="2026-10-25T02:30")
        assert not form.validate()
        assert "comes twice" in form.starts_at.errors[0] and form.starts_at.data is None
        html = str(form.starts_at())
        assert '<fieldset class="fold-choice"><legend>Which 2:30\u202fAM?</legend>' in html
        assert 'name="starts_at-fold" value="0"' in html and 'name="starts_at-fold" value="1"' in html
        assert "checked" not in html
        for fold, utc in (("0", D(2026, 10, 25, 0, 30)), ("1", D(2026, 10, 25, 1, 30))):
            answered = _form(starts_at="2026-10-25T02:30", **{"starts_at-fold": fold})
            assert answered.validate(), answered.errors
            assert answered.starts_at.data == utc
            assert f'value="{fold}" checked' in str(answered.starts_at())
        # a stored time in the repeated hour shows the choice already made, so saving again keeps it
        again = _Form(formdata=None,
                      obj=type("Row", (), {"starts_at": D(2026, 10, 25, 1, 30), "ends_at": None})())
        assert ('value="2026-10-25T02:30"' in str(again.starts_at())
                and 'value="1" checked' in str(again.starts_at()))
        # an answer left over for a time that is not repeated is ignored
        plain = _form(starts_at="2026-12-17T18:00", **{"starts_at-fold": "0"})
        assert plain.validate() and plain.starts_at.data == D(2026, 12, 17, 17, 0)


# ------------------------------------------------------------------------------------------------ intervals


def test_interval_filter_writes_a_start_and_an_end_the_locales_way(app):
    from consult.core.templating import format_interval

    start, end, next_day = D(2026, 12, 17, 17, 30), D(2026, 12, 17, 19, 0), D(2026, 12, 18, 9, 0)  # UTC
    expected = {  # Rome is UTC+1 in December: 18:30 to 20:00, and to 10:00 the next morning
        "en": ("Dec 17, 2026, 6:30\u2009–\u20098:00\u202fPM",
               "Dec 17, 2026, 6:30\u202fPM\u2009–\u2009Dec 18, 2026, 10:00\u202fAM",
               "Dec 17, 2026, 6:30\u202fPM"),
        "fr": ("17 déc. 2026, 18:30\u2009–\u200920:00",
               "17 déc. 2026, 18:30\u2009–\u200918 déc. 2026, 10:00", "17 déc. 2026, 18:30"),
        "it": ("17 dic 2026, 18:30–20:00", "17 dic 2026, 18:30\u2009–\u200918 dic 2026, 10:00",
               "17 dic 2026, 18:30"),
    }
    for lang, (same_day, two_days, alone) in expected.items():
        with app.test_request_context("/", headers={"Accept-Language": lang}):
            app.preprocess_request()
            assert format_interval(start, end) == same_day
            assert format_interval(start, next_day) == two_days
            assert format_interval(start) == format_interval(start, start) == alone
            assert format_interval(None) == ""
            rendered = app.jinja_env.from_string("{{ s|interval(e) }}").render(s=start, e=end)
            assert rendered == same_day
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        app.preprocess_request()
        arabic = format_interval(start, end)
        assert arabic.count("2026") == 1 and "6:30" in arabic and "8:00" in arabic


def test_today_is_the_city_s_date_not_the_utc_date(app):
    """At 23:30 UTC on 7 December it is already 8 December in Rome (and still the 7th in Lima): terms of
    office and seats are counted on the city's calendar."""
    from datetime import date

    late = D(2026, 12, 7, 23, 30)
    with app.app_context():
        assert time.today(at=late) == date(2026, 12, 8)  # the platform's zone: Europe/Rome
        assert time.today("America/Lima", at=late) == date(2026, 12, 7)
        assert time.today(at=D(2026, 12, 7, 22, 59)) == date(2026, 12, 7)
