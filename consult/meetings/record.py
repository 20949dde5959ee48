"""The raw material of minutes: everything that happened in a council session, as one JSON-able dict.

The shape is the one in docs/DEVELOPING.md ("Session records"). Secret motions give their tally only;
``named_votes`` is filled for named motions alone.
"""

from __future__ import annotations

from datetime import datetime

from consult.councils.models import OFFICER_ROLES, PRESIDENT, SECRETARY
from consult.meetings import services
from consult.meetings.models import ABSENT, EXCUSED, PRESENT, CouncilSession


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def session_record(session: CouncilSession) -> dict:
    """Every attendee, item, speaker, motion and tally of the session (see the module docstring)."""
    attendance = {PRESENT: [], EXCUSED: [], ABSENT: []}
    roll = services.roll(session) if session.attendance else []
    for row in roll:
        entry = {"name": row.membership.user.public_name, "role": row.membership.role}
        if row.status == PRESENT:
            entry.update(arrived_at=_iso(row.arrived_at), left_at=_iso(row.left_at))
        attendance[row.status].append(entry)
    seats = [a.membership for a in roll] or [m for m in services.memberships_for(session)
                                            if m.role in OFFICER_ROLES]
    chaired = [m.user.public_name for m in seats if m.role == PRESIDENT]
    written = [m.user.public_name for m in seats if m.role == SECRETARY]
    numbered = services.numbered_items(session)
    titles = services.proposal_titles([link.proposal_id for _, item in numbered
                                       for link in item.proposal_links])
    items = []
    for number, item in numbered:
        motions = []
        for motion in item.motions:
            motions.append({
                "text": motion.text, "rule": motion.rule, "mode": motion.mode,
                "yes": motion.yes or 0, "no": motion.no or 0, "abstain": motion.abstain or 0,
                "verdict": motion.verdict,
                "named_votes": ([{"name": v.membership.user.public_name, "choice": v.choice}
                                 for v in motion.named_votes] if motion.mode == "named" else []),
            })
        items.append({
            "number": number, "title": item.title, "kind": item.kind, "description": item.description,
            "started_at": _iso(item.started_at), "ended_at": _iso(item.ended_at), "notes": item.notes,
            "speakers": [{"name": s.name, "order": s.position} for s in item.speakers],
            "motions": motions,
            "decisions": [m.text for m in item.motions if m.verdict == "adopted"],
            "actions": [],
            "proposals": [{"id": link.proposal_id,
                           "title": titles.get(link.proposal_id, f"#{link.proposal_id}")}
                          for link in item.proposal_links],
        })
    q = services.quorum(session) if session.attendance else None
    speakers: dict[str, int] = {}
    for item in items:
        for s in item["speakers"]:
            speakers[s["name"]] = speakers.get(s["name"], 0) + 1
    return {
        "kind": "council_session",
        "id": session.id, "title": session.title, "body": session.council.name,
        "starts_at": _iso(session.started_at or session.starts_at), "ends_at": _iso(session.ended_at),
        "place": session.place or None, "online_link": session.online_link or None,
        "language": "en",
        "chaired_by": chaired, "written_by": written,
        "attendance": {"present": attendance[PRESENT], "excused": attendance[EXCUSED],
                       "absent": attendance[ABSENT]},
        "quorum": ({"required": q["required"], "present": q["present"], "reached": q["reached"]}
                   if q else None),
        "items": items,
        "segments": [],
        "speakers": [{"name": name, "role": "", "speeches": n, "seconds": 0} for name, n in speakers.items()],
        "questions": [],
        "polls": [],
    }
