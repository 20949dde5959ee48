"""Fuzzing every POST route (and the GET query strings of pages and the API) with Hypothesis: no server error,
and a refused request (status >= 400) saves nothing.

The routes come from the URL map, so a new route is fuzzed without an edit here. For each one the fields are
read from the view's source: the WTForms classes it builds (their field names and kinds) and the names it
reads from ``request.form``/``request.args``; then Hypothesis sends those fields with random Unicode, control
characters, huge strings, numbers out of range or not numbers at all, impossible dates, missing and duplicated
fields, wrong JSON, files where text is expected, and bytes that are not UTF-8. The person is the staff
account of the corpus world (every platform role, council secretary, debate moderator), so the forms are
reached rather than refused at the door; the sign-in and sign-up routes are fuzzed as a visitor.
"""

from __future__ import annotations

import ast
import inspect
import io
import json
import os
import textwrap
import time
from functools import cache

import pytest
import sqlalchemy as sa
from flask import current_app
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import fields as wtf
from wtforms.fields.core import UnboundField

from consult.core.forms import BaseForm
from consult.extensions import db as _db
from tests.conftest import CSRF_RE
from tests.security import corpus as corpus_module

#: examples per POST route, per page with a query string, per API resource: bounded so that the file stays
#: near 30 s in CI; ``CONSULT_FUZZ_SCALE=10`` multiplies them for a deeper run by hand
SCALE = max(1, int(os.environ.get("CONSULT_FUZZ_SCALE", "1") or 1))
POST_EXAMPLES = 2 * SCALE
GET_EXAMPLES = 1 * SCALE
API_EXAMPLES = 4 * SCALE
#: routes that would end the fuzzing person's session or account: fuzzed, but as the last ones
LAST = ("accounts.sign_out", "accounts.delete_account", "accounts.change_password")
#: routes a visitor uses (a success would sign the client in as someone else)
AS_VISITOR = ("accounts.sign_in", "accounts.sign_up", "accounts.reset_request", "accounts.reset_with_code",
              "accounts.reset_with_token")
#: fields whose names are built from ids, and the endpoints that read them
_BALLOTS = ("votes.confirm", "votes.vote", "debates.poll_vote", "debates.vote", "votes.paper_slip",
            "votes.paper_correct")
_QUOTAS = ("lotteries.quotas",)
DYNAMIC = {"score-": _BALLOTS, "rank-": _BALLOTS, "points-": _BALLOTS, "option": _BALLOTS, "min_": _QUOTAS,
           "max_": _QUOTAS}
#: routes whose URL argument names another object than the one ``_ids`` gives it: {endpoint: {argument: key
#: of _ids}} (an election with its results for appeals and seats, a drawn lottery for replies and seating)
OTHER_IDS = {
    "elections.appeal": {"election_id": "results_election_id"},
    "elections.seat_substitute": {"election_id": "results_election_id"},
    "elections.pass_over": {"election_id": "results_election_id"},
    **{endpoint: {"lottery_id": "drawn_lottery_id"}
       for endpoint in ("lotteries.reply", "lotteries.replace", "lotteries.seat")},
    # a budget's results: the counted one (its publication) and the published one (its page and .pb file)
    "budgets.publish_results": {"budget_id": "counted_budget_id"},
    "budgets.results": {"budget_id": "published_budget_id"},
    "budgets.ballots_pb": {"budget_id": "published_budget_id"},
}
#: lines sent for each table of inputs (a FieldList of FormField rows: the paper tally, the roll call)
ROWS = 3
#: the field of a row that says what it is about, and the real ids given to it (besides anything else)
ROW_KEYS = ("-option", "-seat")
#: endpoints with these words change what later routes need (they run after the others)
DESTRUCTIVE = ("delete", "remove", "close", "end", "withdraw", "revoke", "unregister", "block", "hide",
               "publish", "state", "step", "stop")


# -- what a route reads -------------------------------------------------------------------------------------


def _form_fields(cls) -> dict[str, type]:
    found = {}
    for name in dir(cls):
        value = getattr(cls, name, None)
        if not isinstance(value, UnboundField):
            continue
        row = value.args[0] if value.args and issubclass(value.field_class, wtf.FieldList) else None
        if isinstance(row, UnboundField) and issubclass(row.field_class, wtf.FormField):
            for n in range(ROWS):  # a table of rows: <name>-<n>-<field>
                found.update({f"{name}-{n}-{sub}": kind for sub, kind in _form_fields(row.args[0]).items()})
        else:
            found[name] = value.field_class
    return found


def _source_names(func, seen: set) -> tuple[dict[str, type], set[str]]:
    """Form fields and literal request.form/args names used by ``func`` (and the module's helpers it
    calls)."""
    func = inspect.unwrap(func)
    if func in seen:
        return {}, set()
    seen.add(func)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return {}, set()
    fields: dict[str, type] = {}
    names: set[str] = set()
    module_globals = func.__globals__
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            target = module_globals.get(node.id)
            if inspect.isclass(target) and issubclass(target, BaseForm):
                fields.update(_form_fields(target))
            elif (inspect.isfunction(target) and target.__module__ == func.__module__
                  and node.id.startswith("_")):
                more_fields, more_names = _source_names(target, seen)
                fields.update(more_fields)
                names |= more_names
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("get", "getlist") and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value)
    return fields, names


@cache
def route_inputs(endpoint: str) -> tuple[dict[str, type], frozenset[str]]:
    fields, names = _source_names(current_app.view_functions[endpoint], set())
    return fields, frozenset(names)


# -- values
# ---------------------------------------------------------------------------------------------------

_nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), max_size=300),
    st.text(st.characters(max_codepoint=0x1F), max_size=20),  # control characters, NUL included
    st.sampled_from(["", " ", "\t\n", "\x00", "\u202e", "\ufeff", "\U0001F600" * 3, "0", "-1", "null", "None",
                     "true", "[]", "{}", "%s%s%n", "../../etc/passwd", "' OR 1=1 --", "<b>x</b>",
                     "\r\nX-Header: y"]),
    st.integers(1000, 30_000).map(lambda n: "é" * n),  # huge, beyond every length limit
)
_numbers = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1e400", "-0", "0x10", "1_000", "٣", "١٢", "２", "9" * 40, "1.5", " 7 ", "+3"]),
)
_dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    st.sampled_from(["2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31T23:59", "0001-01-01T00:00",
                     "2026-01-01T25:61", "31/12/2026", "yesterday", "2026-03-29T02:30"]),
)


def _for_field(kind) -> st.SearchStrategy:
    if kind is not None and issubclass(kind, (wtf.IntegerField, wtf.DecimalField, wtf.FloatField)):
        return st.one_of(_numbers, _nasty_text)
    if kind is not None and issubclass(kind, (wtf.DateField, wtf.DateTimeField, wtf.DateTimeLocalField)):
        return st.one_of(_dates, _nasty_text)
    if kind is not None and issubclass(kind, wtf.BooleanField):
        return st.sampled_from(["y", "on", "", "false", "0", "\x00"])
    return st.one_of(_nasty_text, _numbers)


def _json_choice() -> st.SearchStrategy:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**64), 2**64), st.floats(),
                        st.text(max_size=8))
    values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=6), inner,
                                                                            max_size=4)),
                          max_leaves=8)
    return st.one_of(values.map(json.dumps), st.text(max_size=20), st.sampled_from(["1e999", "[1,", "NaN"]))


@st.composite
def form_data(draw, endpoint: str, dynamic: dict[str, list[str]]):
    """A MultiDict of fields (some missing, some repeated, some unknown) and maybe a file."""
    fields, names = route_inputs(endpoint)
    inputs: dict[str, type | None] = {**{n: None for n in names}, **fields}
    # names built from ids (score-12, status-3...) where the route reads them
    for prefix, ids in dynamic.items():
        if endpoint in DYNAMIC.get(prefix, ()):
            for ident in ids:
                inputs[f"{prefix}{ident}"] = wtf.IntegerField if prefix != "status-" else None
    if endpoint in DYNAMIC["option"]:
        inputs["option"] = None
    pairs = []
    for name in sorted(inputs):
        if name in ("submit", "csrf_token") or draw(st.integers(0, 5)) == 0:
            continue  # a missing field
        kind = inputs[name]
        value = draw(_json_choice()) if name == "choice" else draw(_for_field(kind))
        key = next((k for k in ROW_KEYS if name.endswith(k) and dynamic.get(k)), None)
        if key and draw(st.booleans()):
            value = draw(st.sampled_from(dynamic[key]))  # a real option or seat, to reach the service
        pairs.append((name, value))
        if draw(st.integers(0, 7)) == 0:
            pairs.append((name, draw(_for_field(kind))))  # a duplicated field
    if draw(st.integers(0, 5)) == 0:
        pairs.append((draw(st.text(min_size=1, max_size=12)), draw(_nasty_text)))  # an unknown field
    data = MultiDict(pairs)
    upload = None
    file_fields = [n for n, k in fields.items() if k is not None and issubclass(k, wtf.FileField)]
    if draw(st.integers(0, 3)) == 0:
        name = draw(st.sampled_from(file_fields or sorted(inputs) or ["file"]))
        content = draw(st.one_of(st.binary(max_size=300), st.sampled_from([
            b"%PDF-1.4\n%broken", b"\x89PNG\r\n\x1a\n\x00\x00", b"document_type,document_number,birth_date\n"
            b"id,\x00\xff,2026-02-30\n", b"GIF89a" + b"\x00" * 10])))
        filename = draw(st.sampled_from(["x.pdf", "x.png", "register.csv", "../../x.csv", "",
                                         "\u202egpj.exe"]))
        upload = (name, content, filename)
    return data, upload


# -- the world
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    return corpus_module.build(light=True)


def _first(model, *where):
    return _db.session.scalar(sa.select(model.id).where(*where).order_by(model.id).limit(1))


def _ids() -> dict[str, object]:
    """A real value for each URL argument (the staff account is never the person acted upon)."""
    from consult.accounts.models import User
    from consult.comments.models import Comment
    from consult.councils.models import Council, Membership
    from consult.debates.models import Debate, DebatePoll, Panelist, Question, Segment, SpeakerRequest
    from consult.elections.models import Candidacy, Election, ElectionAppeal, ElectionSeat
    from consult.lotteries.models import Lottery
    from consult.meetings.models import AgendaItem, Attendance, CouncilSession, Motion
    from consult.minutes.models import Minutes
    from consult.moderation.models import FactCheckNote
    from consult.notifications.models import Notification
    from consult.outcomes.models import Outcome, OutcomeAction
    from consult.processes.models import Phase, Process
    from consult.proposals.models import Proposal
    from consult.residency.models import CardCodeBatch, EligibilityRule
    from consult.votes.models import Poll
    from consult.votes.paper_models import PaperBatch

    live_debate = _first(Debate, Debate.status == "live") or _first(Debate)
    called = _first(Election, Election.status == "called")
    results = _first(Election, Election.status == "results")
    return {
        # elections: the one whose nominations are open, a nomination waiting for review there (by a
        # resident); the one with its results: a seat left vacant, an appeal not decided
        "election_id": called, "results_election_id": results,
        "candidacy_id": _first(Candidacy, Candidacy.election_id == called, Candidacy.status == "submitted"),
        "seat_id": _db.session.scalar(sa.select(ElectionSeat.id).join(Membership, isouter=True)
                                      .where(ElectionSeat.election_id == results)
                                      .order_by(Membership.ends_on.is_(None), Membership.ends_on,
                                                ElectionSeat.id).limit(1)),
        "appeal_id": _first(ElectionAppeal, ElectionAppeal.status == "lodged"),
        # lotteries: a pool open (of the council), a panel drawn (the staff account drawn, not replied yet)
        "lottery_id": _first(Lottery, Lottery.status == "open"),
        "drawn_lottery_id": _first(Lottery, Lottery.status == "drawn"),
        "owner_id": _first(Council), "paper_batch_id": _first(PaperBatch, PaperBatch.status == "entering"),
        "action_id": _first(OutcomeAction), "attendance_id": _first(Attendance), "attachment_id": 1,
        "batch_id": _first(CardCodeBatch), "claim_id": 1, "code": "ABCD", "comment_id": _first(Comment),
        "council_id": _first(Council), "debate_id": live_debate, "ident": 1,
        "item_id": _db.session.scalar(sa.select(AgendaItem.id).join(CouncilSession)
                                      .where(CouncilSession.status != "closed").limit(1))
        or _first(AgendaItem), "lang": "fr", "link_id": _first(DebatePoll),
        "membership_id": _first(Membership), "minutes_id": _first(Minutes), "motion_id": _first(Motion),
        "name": "proposals", "note_id": _first(FactCheckNote), "notification_id": _first(Notification),
        "outcome_id": _first(Outcome), "panelist_id": _first(Panelist, Panelist.debate_id == live_debate),
        "phase_id": _first(Phase), "poll_id": _first(Poll),
        "process_id": _first(Process), "proposal_id": _first(Proposal),
        "question_id": _first(Question, Question.debate_id == live_debate),
        "request_id": _first(SpeakerRequest, SpeakerRequest.debate_id == live_debate), "role": "translator",
        "rule_id": _first(EligibilityRule), "segment_id": _first(Segment, Segment.debate_id == live_debate),
        "session_id": _db.session.scalar(sa.select(CouncilSession.id).where(CouncilSession.status != "closed")
     .limit(1)) or _first(CouncilSession),
        "slug": _db.session.scalar(sa.select(Council.slug).limit(1)), "target_type": "proposal",
        "target_id": _first(Proposal), "token": "not-a-token",
        "user_id": _first(User, User.username == "xperson2"),
        "amendment_id": _amendment_id(),
        **_budget_ids(),
        **_survey_ids(),
    }


def _survey_ids() -> dict:
    """The published survey of the corpus: its first section and question, a response."""
    from consult.surveys.models import Survey, SurveyQuestion, SurveyResponse, SurveySection

    survey = _first(Survey, Survey.status == "published")
    response = sa.select(SurveyResponse.id).where(SurveyResponse.survey_id == survey)
    return {"survey_id": survey,
            "survey_section_id": _first(SurveySection, SurveySection.survey_id == survey),
            "survey_question_id": _first(SurveyQuestion, SurveyQuestion.survey_id == survey),
            "response_id": _db.session.scalar(response.order_by(SurveyResponse.id).limit(1))}


def _budget_ids() -> dict:
    """The corpus's budget taking proposals, and a project waiting for review there; a budget counted and one
    whose results are published."""
    from consult.budgets.models import Budget, BudgetProject

    budget = _first(Budget, Budget.status == "proposing")
    return {"budget_id": budget, "project_id": _first(BudgetProject, BudgetProject.budget_id == budget,
                                                      BudgetProject.status == "submitted"),
            "counted_budget_id": _first(Budget, Budget.status == "counted"),
            "published_budget_id": _first(Budget, Budget.status == "closed")}


def _amendment_id():
    from consult.proposals.amendments_models import Amendment

    return _first(Amendment, Amendment.state == "pending")


def _dynamic() -> dict[str, list[str]]:
    from consult.lotteries.models import Lottery, LotteryCategory, LotteryValue
    from consult.meetings.models import Attendance
    from consult.votes.models import PollOption
    from consult.votes.paper_models import PaperBatch

    options = [str(i) for i in _db.session.scalars(sa.select(PollOption.id).order_by(PollOption.id).limit(4))]
    # the options of the ranked poll whose paper slips are being typed
    typed = _first(PaperBatch, PaperBatch.status == "entering")
    options += [str(i) for i in _db.session.scalars(
        sa.select(PollOption.id).join(PaperBatch, PaperBatch.poll_id == PollOption.poll_id)
        .where(PaperBatch.id == typed).order_by(PollOption.id).limit(4))]
    seats = [str(i) for i in _db.session.scalars(sa.select(Attendance.membership_id).limit(3))]
    # the values of the open lottery's categories (its quota fields are min_<id> and max_<id>)
    values = [str(i) for i in _db.session.scalars(
        sa.select(LotteryValue.id).join(LotteryCategory).join(Lottery).where(Lottery.status == "open")
        .order_by(LotteryValue.id).limit(12))]
    return {"score-": options, "rank-": options, "points-": options, "-option": options, "-seat": seats,
            "min_": values, "max_": values}


def _url(rule, ids) -> str | None:
    values = {}
    for arg, converter in rule._converters.items():
        if hasattr(converter, "items"):  # any(...)
            values[arg] = sorted(converter.items)[0]
        elif ids.get(arg) is None:
            return None
        else:
            values[arg] = ids[arg]
    return rule.build(values, append_unknown=False)[1]


def _row_counts() -> tuple:
    tables = [t for t in _db.metadata.sorted_tables]
    query = sa.select(*[sa.select(sa.func.count()).select_from(t).scalar_subquery().label(t.name)
                        for t in tables])
    _db.session.commit()
    return tuple(_db.session.execute(query).one())


def _crash(error: BaseException) -> str:
    import traceback

    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/consult/" in f.filename]
    where = f"{frames[-1].filename.split('/consult/')[-1]}:{frames[-1].lineno}" if frames else "?"
    return f"{type(error).__name__}: {str(error)[:120]} at {where}"


def _show(data) -> str:
    return repr([(k, v if not isinstance(v, str) or len(v) < 60 else v[:60] + "…")
                 for k, v in data.items(multi=True) if k != "csrf_token"])[:600]


def _csrf(client) -> str:
    match = CSRF_RE.search(client.get("/privacy").get_data(as_text=True))
    return match.group(1) or match.group(2)


def _post_rules(app):
    rules = [r for r in app.url_map.iter_rules() if "POST" in r.methods and r.endpoint != "static"
             and not r.rule.startswith("/_test/")]

    def order(rule):
        return (rule.endpoint in LAST, any(word in rule.endpoint for word in DESTRUCTIVE), rule.rule)

    return sorted(rules, key=order)


_fuzz_settings = settings(deadline=None, database=None, phases=[Phase.generate], derandomize=True,
                          suppress_health_check=list(HealthCheck))


def _fuzz_post(rule, url: str, who, token: str, dynamic, problems: list, statuses: dict) -> None:
    @settings(_fuzz_settings, max_examples=POST_EXAMPLES)
    @given(payload=form_data(rule.endpoint, dynamic), htmx=st.booleans())
    def run(payload, htmx):
        data, upload = payload
        data = MultiDict(data)
        data.setdefault("csrf_token", token)
        headers = {"HX-Request": "true"} if htmx else {}
        before = _row_counts()
        if upload is not None:
            name, content, filename = upload
            data.add(name, (io.BytesIO(content), filename))
        try:
            response = who.post(url, data=data, headers=headers,
                                content_type="multipart/form-data" if upload else None)
        except Exception as error:  # the testing app propagates what would be a 500
            problems.append(f"{rule.endpoint} {url}: {_crash(error)} with {_show(data)}")
            _db.session.rollback()
            return
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            problems.append(f"{rule.endpoint} {url}: {response.status_code} with {_show(data)}")
        elif response.status_code >= 400 and _row_counts() != before:
            problems.append(f"{rule.endpoint} {url}: {response.status_code} but rows changed")

    run()


def test_every_post_route_survives_fuzzing(app, client, world):
    started = time.monotonic()
    visitor = app.test_client()
    client.sign_in(corpus_module.STAFF)
    tokens = {id(client): _csrf(client), id(visitor): _csrf(visitor)}
    ids, dynamic = _ids(), _dynamic()
    problems, statuses, routes = [], {}, 0
    for rule in _post_rules(app):
        url = _url(rule, {**ids, **{arg: ids[key] for arg, key in OTHER_IDS.get(rule.endpoint, {}).items()}})
        if url is None:
            problems.append(f"{rule.rule}: no value for its URL arguments (add one to _ids)")
            continue
        routes += 1
        who = visitor if rule.endpoint in AS_VISITOR else client
        if rule.endpoint not in LAST:
            _not_utf8(rule, url, who, tokens[id(who)], problems)
        _fuzz_post(rule, url, who, tokens[id(who)], dynamic, problems, statuses)
    assert routes >= 100, routes
    assert not problems, "\n".join(problems)
    print(f"fuzzed {routes} POST routes in {time.monotonic() - started:.1f} s: statuses "
          f"{sorted(statuses.items())}")


def _not_utf8(rule, url: str, client, token: str, problems: list) -> None:
    """Every field the route reads, as bytes that are not UTF-8: refused with a message, nothing saved."""
    fields, names = route_inputs(rule.endpoint)
    if not (fields or names):
        return
    body = "&".join(f"{name}=%FF%FE%00x" for name in sorted(set(fields) | names) if name != "csrf_token")
    before = _row_counts()
    try:
        response = client.post(url, data=f"csrf_token={token}&{body}".encode(),
                               content_type="application/x-www-form-urlencoded")
    except Exception as error:  # the testing app propagates what would be a 500
        problems.append(f"{rule.endpoint} (not UTF-8): {_crash(error)}")
        _db.session.rollback()
        return
    if response.status_code >= 500 or (response.status_code >= 400 and _row_counts() != before):
        problems.append(f"{rule.endpoint} (not UTF-8): {response.status_code}")


_keys = st.sampled_from(["page", "per_page", "q", "sort", "state", "process_id", "theme", "district",
                         "status", "since", "until", "format", "from", "to", "view", "part", "lang", "next",
                         "code", "last_event_id", "limit", "council_id", "kind", "year"])
_query = st.lists(st.tuples(st.one_of(_keys, st.text(max_size=6)),
                            st.one_of(_numbers, _dates, _nasty_text.map(lambda t: t[:300]))), max_size=5)


def _fuzz_get(client, urls: list[str], examples: int, problems: list) -> None:
    @settings(_fuzz_settings, max_examples=examples)
    @given(pairs=_query)
    def run(pairs):
        for url in urls:
            try:
                response = client.get(url, query_string=MultiDict(pairs))
            except Exception as error:  # the testing app propagates what would be a 500
                problems.append(f"{url}: {_crash(error)} with {pairs!r:.300}")
                _db.session.rollback()
                continue
            if response.status_code >= 500:
                problems.append(f"{url}?{pairs!r:.200}: {response.status_code}")

    run()


def test_page_and_api_query_strings_survive_fuzzing(app, client, world):
    """GET pages (lists, filters, search, pagination) and the API with random query strings: never a 5xx."""
    client.sign_in(corpus_module.STAFF)
    ids = _ids()
    problems = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" \
                or rule.endpoint.endswith(("events", "stream")):
            continue
        url = _url(rule, ids)
        if url is not None:
            _fuzz_get(client, [url], GET_EXAMPLES, problems)
    for name in ("proposals", "minutes", "outcomes", "polls", "debates", "councils", "nothing", "..", "%00"):
        urls = [f"/api/v1/{name}", f"/api/v1/{name}/1", f"/api/v1/{name}/99999999999"]
        _fuzz_get(client, urls, API_EXAMPLES, problems)
    assert not problems, "\n".join(problems)
