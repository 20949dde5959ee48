"""The structured record of a debate: the raw material of minutes (shape in docs/DEVELOPING.md)."""

from __future__ import annotations

import sqlalchemy as sa

from consult.debates import polls
from consult.debates.models import Debate, DebatePoll, Question, SpeakerRequest
from consult.debates.speakers import speaking_totals
from consult.extensions import db


def _iso(value):
    return value.isoformat() if value is not None else None


def debate_record(debate: Debate) -> dict:
    """One JSON-able dict of what happened in ``debate`` (keys that do not apply are empty or None)."""
    requests = list(db.session.scalars(sa.select(SpeakerRequest).where(SpeakerRequest.debate_id == debate.id)
                                       .order_by(SpeakerRequest.started_at, SpeakerRequest.id)))
    questions = list(db.session.scalars(sa.select(Question).where(Question.debate_id == debate.id)
                                        .order_by(Question.likes.desc(), Question.created_at)))
    links = list(db.session.scalars(sa.select(DebatePoll).where(DebatePoll.debate_id == debate.id)
                                    .order_by(DebatePoll.id)))
    moderators = [p.name for p in debate.panelists if p.role == "moderator"]
    present = [{"name": p.name, "role": p.role, "arrived_at": None, "left_at": None}
               for p in debate.panelists]

    items = []
    for number, segment in enumerate(debate.segments, start=1):
        spoken = [r for r in requests if r.segment_id == segment.id and r.status == "done"]
        notes = "; ".join(f"{r.name}: {r.note}" if r.note else r.name
                          for r in spoken if r.kind == "point_of_order")
        items.append({
            "number": str(number), "title": segment.title, "kind": "segment", "description": "",
            "started_at": _iso(segment.started_at), "ended_at": _iso(segment.ended_at), "notes": notes,
            "speakers": [{"name": r.name, "order": n} for n, r in enumerate(
                (r for r in spoken if r.kind == "speech"), start=1)],
            "motions": [], "decisions": [], "actions": [], "proposals": [],
        })

    poll_rows = []
    for link in links:
        results = polls.safe_counts(link)
        poll_rows.append({"question": link.question, "method": link.method,
                          "results": [{"label": r["label"], "count": r["count"]} for r in results],
                          "turnout": polls.turnout(link)})

    return {
        "kind": "debate",
        "id": debate.id,
        "title": debate.title,
        "body": debate.format,
        "starts_at": _iso(debate.started_at or debate.starts_at),
        "ends_at": _iso(debate.ended_at or debate.ends_at),
        "place": debate.place,
        "online_link": debate.stream_url,
        "language": "en",
        "chaired_by": moderators,
        "written_by": [],
        "attendance": {"present": present, "excused": [], "absent": []},
        "quorum": None,
        "items": items,
        "segments": [{"title": s.title, "planned_minutes": s.planned_minutes,
                      "started_at": _iso(s.started_at), "ended_at": _iso(s.ended_at)}
                     for s in debate.segments],
        "speakers": [{"name": t["name"], "role": t["role"], "speeches": t["speeches"],
                      "seconds": t["seconds"]}
                     for t in speaking_totals(requests)],
        "questions": [{"text": q.text, "likes": q.likes, "status": q.status}
                      for q in questions if q.status != "hidden"],
        "polls": poll_rows,
    }
