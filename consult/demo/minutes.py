"""Demo minutes: the closed sessions and debates of the earlier demo steps get their minutes drafted, edited
by the secretary, approved by the president and published (through the same services as the pages).

When no closed session exists (the meetings demo is not installed), one session record in the seed's story is
drafted instead, so the demo still shows published minutes.
"""

from __future__ import annotations

import importlib.util

import sqlalchemy as sa

from consult.accounts.models import User
from consult.extensions import db
from consult.minutes import draft_for_debate, draft_for_session, services
from consult.minutes.models import DRAFT, ORIGINAL, Minutes

SEED_RECORD = {
    "kind": "council_session", "id": 1, "title": "Ordinary session of the Council of Cultures",
    "body": "Council of Cultures", "starts_at": "2026-10-15T16:00:00", "ends_at": "2026-10-15T18:30:00",
    "place": "Town hall, Sala delle Culture", "online_link": None, "language": "en",
    "chaired_by": ["Adama"], "written_by": ["Mariam"],
    "attendance": {
        "present": [{"name": "Adama", "role": "president", "arrived_at": None, "left_at": None},
                    {"name": "Mariam", "role": "secretary", "arrived_at": None, "left_at": None},
                    {"name": "Chen", "role": "member", "arrived_at": "2026-10-15T16:20:00", "left_at": None},
                    {"name": "Ana", "role": "observer", "arrived_at": None, "left_at": None}],
        "excused": [{"name": "Oksana", "role": "member"}], "absent": [],
    },
    "quorum": {"required": 3, "present": 3, "reached": True},
    "items": [
        {"number": "1", "title": "Local resident cards", "kind": "decision",
         "description": "A city resident card for everyone who lives in Porto Aperto, whatever their papers.",
         "started_at": "2026-10-15T16:10:00", "ended_at": "2026-10-15T17:00:00",
         "notes": "The registry office presented the pilot. Members asked that the card never becomes a new "
                  "monitoring tool.",
         "speakers": [{"name": "Adama", "order": 1}, {"name": "Chen", "order": 2}],
         "motions": [{"text": "Ask the city to issue local resident cards, starting with a pilot in two districts.",
                      "rule": "simple majority", "mode": "named", "yes": 3, "no": 0, "abstain": 0,
                      "verdict": "adopted", "named_votes": [{"name": "Adama", "choice": "yes"},
                                                            {"name": "Mariam", "choice": "yes"},
                                                            {"name": "Chen", "choice": "yes"}]}],
         "decisions": ["The council supports local resident cards and will follow the pilot."],
         "actions": [{"text": "Pilot of the resident card in two districts", "owner": "Registry office",
                      "due": "2027-06-30"}],
         "proposals": []},
        {"number": "2", "title": "International Migrants Day", "kind": "decision",
         "description": "Celebrate 18 December at the municipal council.", "started_at": None, "ended_at": None,
         "notes": "", "speakers": [{"name": "Mariam", "order": 1}],
         "motions": [{"text": "Celebrate International Migrants Day on 18 December at the municipal council.",
                      "rule": "simple majority", "mode": "hands", "yes": 3, "no": 0, "abstain": 0,
                      "verdict": "adopted", "named_votes": []}],
         "decisions": [], "actions": [{"text": "Ceremony at the municipal council", "owner": "Mayor's office",
                                       "due": "2026-12-18"}], "proposals": []},
    ],
    "segments": [], "speakers": [], "questions": [], "polls": [],
}


def _user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _draft_missing() -> None:
    """Closed sessions and debates whose minutes were not drafted by the signals get them now."""
    if _installed("consult.meetings.models"):
        from consult.meetings.models import CLOSED, CouncilSession

        for session in db.session.scalars(sa.select(CouncilSession).where(CouncilSession.status == CLOSED)):
            if services.original_for("council_session", session.id) is None:
                draft_for_session(session)
    if _installed("consult.debates.models"):
        from consult.debates.models import Debate

        for debate in db.session.scalars(sa.select(Debate)):
            if getattr(debate, "status", None) in ("closed", "ended", "finished") and \
                    services.original_for("debate", debate.id) is None:
                draft_for_debate(debate)


def load() -> None:
    secretary, president, moderator = _user("secretary"), _user("president"), _user("moderator")
    _draft_missing()
    drafts = list(db.session.scalars(sa.select(Minutes).where(Minutes.kind == ORIGINAL, Minutes.status == DRAFT)))
    if not drafts and not db.session.scalar(sa.select(sa.func.count()).select_from(Minutes)):
        council_id = None
        if _installed("consult.councils.models"):
            from consult.councils.models import Council

            council_id = db.session.scalar(sa.select(Council.id).order_by(Council.id).limit(1))
        drafts = [services.create_draft(SEED_RECORD, source_type="council_session", source_id=0,
                                        council_id=council_id)]
    for minutes in drafts:
        # council minutes: the secretary writes, the president approves; debate minutes: the moderator does both
        writer, approver = (secretary, president) if minutes.council_id is not None else (moderator, moderator)
        services.save_revision(minutes, minutes.body.rstrip() + "\n\n*" + "The meeting ended with thanks to the "
                               "interpreters who made every speech understood in four languages.*\n",
                               author=writer, note="Closing sentence")
        services.submit(minutes, actor=writer)
        services.approve(minutes, actor=approver)
        services.publish(minutes, actor=writer)
    db.session.flush()
