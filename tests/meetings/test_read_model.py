"""The session page's read model (``consult.meetings.queries``): the same names, tallies, quorum and voting
answers as the models and services give, in as many queries with many members and motions as with few; the
roll call's GET writes nothing; the cheaper date, number and translation helpers of the templates give
Flask-Babel's output."""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from consult.core.models import utcnow
from consult.core.policy import policies
from consult.councils import services as councils
from consult.meetings import queries
from consult.meetings import services as meetings
from consult.meetings.models import Attachment, Attendance, CouncilSession
from tests.helpers import QueryCounter, count, text_of
from tests.meetings.conftest import roll_call_data, running_session


def _seat(setup, db, username, role="member"):
    user = setup.users.get(username)
    if user is None:
        from consult.accounts import services as accounts

        user = accounts.sign_up(username, username.title(), "correct horse battery", "en")
        setup.users[username] = user
    setup.seats[username] = councils.add_membership(setup.council, user, role=role,
                                                    starts_on=date.today() - timedelta(days=30))
    return user


def _fill(setup, db, session, first_item, n: int) -> None:
    """``n`` more of everything the page shows: seats in the room, items and sub-items with speakers,
    documents and proposals, motions of every mode (decided and open) with votes."""
    for k in range(n):
        _seat(setup, db, f"extra{session.id}x{k}{secrets.token_hex(2)}")
    meetings.ensure_roll(session)
    meetings.record_attendance(session, [{"attendance_id": a.id, "status": "present", "arrived_at": None,
                                          "left_at": None} for a in session.attendance])
    voters = [a.membership.user for a in session.attendance if a.membership.role != "observer"]
    for k in range(n):
        item = meetings.add_item(session, title=f"Item {k}", description=f"Text *{k}*", kind="decision",
                                 duration_minutes=10 + k, presenter=f"Presenter {k}",
                                 parent=first_item if k % 2 else None, proposal_ids=[k + 1, 900 + k])
        meetings.add_speaker(item, f"Speaker {k}")
        meetings.record_item_progress(item, notes=f"Notes **{k}**")
        db.session.add(Attachment(item_id=item.id, filename=f"doc{k}.pdf", stored_name=secrets.token_hex(10),
                                  content_type="application/pdf", size=2048 + k))
        for mode in ("named", "secret", "hands"):
            motion = meetings.add_motion(item, text=f"Motion {mode} {k}", mode=mode, rule="simple")
            meetings.open_motion(motion)
            if mode != "hands":
                for voter in voters[: 2 + k]:
                    meetings.cast_vote(motion, voter, "yes" if k % 2 else "no")
            if k % 2 == 0:  # every other one is decided, the others stay open
                meetings.close_motion(motion, hands={"yes": 1, "no": 0, "abstain": 0})
    db.session.flush()


def _count_page(client, url) -> tuple[int, str]:
    with QueryCounter() as queries_run:
        response = client.get(url)
    assert response.status_code == 200
    return queries_run.count, response.get_data(as_text=True)


def test_session_page_runs_as_many_queries_with_many_members_and_motions(client, running, db):
    setup, session, item = running
    _fill(setup, db, session, item, 2)  # decided and open motions of every mode already
    db.session.commit()
    url = f"/sessions/{session.id}"
    readers = (None, "member1", "secr")  # a visitor, a member who votes, the secretary who runs the sitting
    small = {}
    for reader in readers:
        if reader:
            client.sign_in(reader)
        small[reader] = _count_page(client, url)[0]
        if reader:
            client.sign_out()
    _fill(setup, db, session, item, 6)
    db.session.commit()
    for reader in readers:
        if reader:
            client.sign_in(reader)
        queries_run, html = _count_page(client, url)
        assert queries_run == small[reader], reader
        # the secretary's page also lists the council's minutes a motion may approve (one query)
        assert queries_run <= (13 if reader == "secr" else 12), reader
        assert "Motion hands 5" in html and "Speaker 5" in html and "doc5.pdf" in html
        if reader:
            client.sign_out()


def _motion_facts(motion):
    return (motion.id, motion.text, motion.status, motion.yes, motion.no, motion.abstain,
            motion.verdict_label, motion.rule_label, motion.mode_label,
            [(v.membership.user.public_name, v.choice) for v in motion.named_votes] if motion.mode == "named"
            else [])


def _row_facts(motion):
    return (motion.id, motion.text, motion.status, motion.yes, motion.no, motion.abstain,
            motion.verdict_label, motion.rule_label, motion.mode_label,
            [(v.name, v.choice) for v in motion.named_votes] if motion.mode == "named" else [])


def test_read_model_shows_what_the_models_show(app, running, db):
    setup, session, item = running
    _fill(setup, db, session, item, 3)
    gone = setup.users["member2"]
    gone.deleted_at = utcnow()  # an erased account: "Former participant", as everywhere else
    meetings.mark_presence(next(a for a in session.attendance if a.membership.user is setup.users["member3"]),
                           "leave")
    db.session.commit()
    with app.test_request_context("/"):
        app.preprocess_request()
        session = db.session.get(CouncilSession, session.id)
        member = setup.users["member1"]
        page = queries.session_page(session, member)
        # the agenda: numbers, titles, kinds, speakers, documents, proposals
        expected = [(number, i.id, i.title, i.kind_label, [s.name for s in i.speakers],
                     [(a.filename, a.size) for a in i.attachments], [p.proposal_id for p in i.proposal_links])
                    for number, i in meetings.numbered_items(session)]
        seen = [(number, i.id, i.title, i.kind_label, i.speakers,
                 [(a.filename, a.size) for a in i.attachments], i.proposal_ids)
                for top_number, top, subs in page.agenda for number, i in [(top_number, top), *subs]]
        assert seen == expected
        # motions: tallies, verdicts, labels and the names of named votes
        assert [_row_facts(m) for m in page.motions] == [_motion_facts(m) for _, i in
                                                        meetings.numbered_items(session) for m in i.motions]
        assert any(v.name == "Former participant" for m in page.motions for v in m.named_votes)
        # the roll call, in its order, and the quorum
        assert [(r.id, r.name, r.role_label, r.status, r.left_at) for r in page.roll] == [
            (a.id, a.membership.user.public_name, a.membership.role_label, a.status, a.left_at)
            for a in meetings.roll(session)]
        assert page.quorum == meetings.quorum(session)
        # what the reader may do on each open motion, with the same reasons
        open_motions = [m for _, i in meetings.numbered_items(session) for m in i.motions
                        if m.status == "open"]
        assert open_motions
        for reader in (member, setup.users["obs"], setup.users["member3"], setup.users["pres"]):
            page = queries.session_page(session, reader)
            for motion in open_motions:
                decision = policies.decide("motion.vote", reader, motion)
                assert (page.vote_decisions[motion.id].kind, page.vote_decisions[motion.id].message) == (
                    decision.kind, decision.message), (reader.username, motion.mode)
                if motion.mode != "hands":
                    assert page.voted[motion.id] == meetings.has_voted(motion, reader)
                    assert page.votes_cast[motion.id] == meetings.votes_cast(motion)


def test_roll_call_page_writes_nothing_and_lists_every_member(client, council_setup, db):
    setup = council_setup
    session = meetings.create_session(setup.council, title="Planned", starts_at=utcnow() + timedelta(days=10),
                                      place="Town hall")
    meetings.add_item(session, title="Budget")
    meetings.convene_session(session)
    db.session.commit()
    client.sign_in("secr")
    page = client.get(f"/sessions/{session.id}/roll-call")
    assert page.status_code == 200
    assert count(Attendance) == 0  # a GET writes nothing
    text = text_of(page)
    for name in ("Pres", "Secr", "Member1", "Member2", "Member3", "Obs"):
        assert name in text
    assert "0 of 5 voting members in the room" in text
    seats = setup.seats
    # the first roll call saved makes the rows (the form's lines are named after the seats)
    lines = {seats[u].id: {"status": "present"} for u in ("pres", "secr", "member1")}
    lines[seats["member2"].id] = {"status": "excused"}
    lines[seats["member1"].id]["arrived"] = "18:45"
    assert client.post_form(f"/sessions/{session.id}/roll-call", roll_call_data(lines)).status_code == 303
    rows = {a.membership_id: a for a in db.session.scalars(sa.select(Attendance))}
    assert len(rows) == 6
    assert {u: rows[seats[u].id].status for u in seats} == {
        "pres": "present", "secr": "present", "member1": "present", "member2": "excused", "member3": "absent",
        "obs": "absent"}
    assert rows[seats["member1"].id].arrived_at is not None
    # the page shows what was saved, a line per seat, and a GET still writes nothing
    page = client.get(f"/sessions/{session.id}/roll-call").get_data(as_text=True)
    assert re.search(rf'name="(lines-\d+)-seat" type="hidden" value="{seats["member3"].id}"', page)
    assert 'value="18:45"' in page
    assert count(Attendance) == 6


def test_a_refused_first_roll_call_saves_nothing(client, council_setup, db):
    setup = council_setup
    session = meetings.create_session(setup.council, title="Planned", starts_at=utcnow() + timedelta(days=10),
                                      place="Town hall")
    meetings.add_item(session, title="Budget")
    meetings.convene_session(session)
    db.session.commit()
    client.sign_in("secr")
    seat = setup.seats["member1"].id
    response = client.post_form(f"/sessions/{session.id}/roll-call",
                                roll_call_data({seat: {"status": "present", "arrived": "25:99"}}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write times as hours:minutes" in text_of(response)
    # the form can be sent again as it is: the line of the seat, with what was typed
    line = re.search(rf'name="(lines-\d+)-seat" type="hidden" value="{seat}"', html).group(1)
    assert f'name="{line}-arrived" value="25:99"' in html
    assert re.search(rf'name="{line}-status" value="present" checked', html)
    assert count(Attendance) == 0


def test_running_session_page_is_unchanged_by_the_read_model(client, council_setup, db):
    """The names, roles and results a visitor reads on a sitting with decided and open motions."""
    setup = council_setup
    session, item = running_session(setup, db, present=("pres", "secr", "member1", "member2", "obs"))
    motion = meetings.add_motion(item, text="Adopt the card", mode="named")
    meetings.open_motion(motion)
    for username, choice in (("pres", "yes"), ("member1", "yes"), ("member2", "no")):
        meetings.cast_vote(motion, setup.users[username], choice)
    meetings.close_motion(motion)
    db.session.commit()
    text = text_of(client.get(f"/sessions/{session.id}"))
    assert "Pres President Present" in text and "Member3 Member Absent" in text
    assert "Obs Observer (no vote) Present" in text
    assert "Adopted" in text and "Yes 2, no 1, abstain 0." in text
    assert "4 of 5 voting members in the room; 3 needed." in text
    assert "Pres: Yes" in text and "Member1: Yes" in text and "Member2: No" in text


def test_template_helpers_give_flask_babels_output(app):
    from flask_babel import format_date, format_datetime, format_decimal, gettext, ngettext
    from markupsafe import Markup

    from consult.core import templating

    when = datetime(2026, 3, 29, 0, 30)  # the night the clocks change in Europe
    template = app.jinja_env.from_string('{{ _("Presented by %(name)s", name="<b>") }}|'
                                         '{{ gettext("Presented by %(name)s", name="<b>") }}|'
                                         '{{ _("100%%") }}')
    plural = app.jinja_env.from_string('{{ ngettext("%(num)s minute", "%(num)s minutes", n) }}')
    languages = list(app.config["LANGUAGES"])
    assert len(languages) > 1
    for language in languages:
        with app.test_request_context("/", headers={"Accept-Language": language}):
            app.preprocess_request()
            for _ in range(2):  # the second time from the cache
                for fmt in (None, "short", "medium", "long", "full", "yyyy-MM-dd HH:mm"):
                    assert templating.cached_format_datetime(when, fmt) == format_datetime(when, fmt)
                    assert templating.cached_format_datetime(when, fmt, rebase=False) == format_datetime(
                        when, fmt, rebase=False)
                for fmt in (None, "short", "medium", "long", "full", "yyyy-MM-dd"):
                    assert templating.cached_format_date(when, fmt) == format_date(when, fmt)
                    assert templating.cached_format_date(when.date(), fmt) == format_date(when.date(), fmt)
                for number in (0, 7, 1234567, 1234.5, 0.125, -0.0, 0.0, Decimal("1.50"), Decimal("1.5")):
                    assert templating.cached_format_decimal(number) == format_decimal(number)
                assert templating.translations().ugettext("Agenda") == gettext("Agenda")
                # ``_()`` as the i18n extension's newstyle gettext: translated, escaped variables, always
                # formatted
                presented = Markup(gettext("Presented by %(name)s")) % {"name": "<b>"}
                assert template.render() == f"{presented}|{presented}|100%"
                # ``ngettext``: the plural form of the language, the number written in it
                for number in (1, 2, 5, 1500):
                    expected = ngettext("%(num)s minute", "%(num)s minutes", number) % {}
                    assert plural.render(n=number) == expected.replace(str(number), format_decimal(number))
