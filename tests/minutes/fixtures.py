"""A fixture record in the shape of docs/DEVELOPING.md ("Session records"), and helpers to make minutes."""

from __future__ import annotations

import copy

RECORD = {
    "kind": "council_session",
    "id": 7,
    "title": "Ordinary session",
    "body": "Council of Cultures",
    "starts_at": "2026-03-12T17:30:00",
    "ends_at": "2026-03-12T19:45:00",
    "place": "Town hall, Sala Rossa",
    "online_link": None,
    "language": "en",
    "chaired_by": ["Adama"],
    "written_by": ["Mariam"],
    "attendance": {
        "present": [
            {"name": "Adama", "role": "president", "arrived_at": None, "left_at": None},
            {"name": "Mariam", "role": "secretary", "arrived_at": None, "left_at": None},
            {"name": "Chen", "role": "member", "arrived_at": "2026-03-12T17:55:00", "left_at": None},
            {"name": "Ana", "role": "observer", "arrived_at": None, "left_at": "2026-03-12T19:00:00"},
        ],
        "excused": [{"name": "Oksana", "role": "member"}],
        "absent": [{"name": "Rahim", "role": "member"}],
    },
    "quorum": {"required": 3, "present": 3, "reached": True},
    "items": [
        {
            "number": "1", "title": "Resident cards", "kind": "decision",
            "description": "A local resident card for everyone who lives in the city.",
            "started_at": "2026-03-12T17:40:00", "ended_at": "2026-03-12T18:30:00",
            "notes": "The registrar explained the pilot.\n\nQuestions on privacy were raised.",
            "speakers": [{"name": "Chen", "order": 2}, {"name": "Adama", "order": 1}],
            "motions": [
                {"text": "Ask the mayor to issue local resident cards in 2027.", "rule": "simple majority",
                 "mode": "named", "yes": 11, "no": 2, "abstain": 1, "verdict": "adopted",
                 "named_votes": [{"name": "Chen", "choice": "yes"}, {"name": "Adama", "choice": "abstain"}]},
                {"text": "Postpone the pilot by one year.", "rule": "absolute majority", "mode": "secret",
                 "yes": 3, "no": 9, "abstain": 2, "verdict": "rejected", "named_votes": []},
            ],
            "decisions": ["The council supports local resident cards."],
            "actions": [{"text": "Write to the mayor", "owner": "President", "due": "2026-04-01"}],
            "proposals": [{"id": 5, "title": "Local resident cards for all"}],
        },
        {
            "number": "2", "title": "International Migrants Day", "kind": "discussion",
            "description": "", "started_at": None, "ended_at": None, "notes": "",
            "speakers": [], "motions": [
                {"text": "Celebrate 18 December at the municipal council.", "rule": "two-thirds majority",
                 "mode": "hands", "yes": 13, "no": 0, "abstain": 1, "verdict": "adopted", "named_votes": []},
            ],
            "decisions": [], "actions": [], "proposals": [],
        },
    ],
    "segments": [],
    "speakers": [],
    "questions": [],
    "polls": [],
}

DEBATE_RECORD = {
    "kind": "debate", "id": 3, "title": "Welcoming city debate", "body": "moderator / expert / public",
    "starts_at": "2026-05-02T18:00:00", "ends_at": "2026-05-02T20:00:00", "place": "Library",
    "online_link": None, "language": "en", "chaired_by": ["Karim"], "written_by": [],
    "attendance": {"present": [], "excused": [], "absent": []}, "quorum": None, "items": [],
    "segments": [{"title": "Expert input", "planned_minutes": 20, "started_at": "2026-05-02T18:05:00",
                  "ended_at": "2026-05-02T18:27:00"}],
    "speakers": [{"name": "Dr. Rossi", "role": "expert", "speeches": 2, "seconds": 754}],
    "questions": [{"text": "How do I get a resident card?", "likes": 14, "status": "answered"},
                  {"text": "Unanswered question", "likes": 1, "status": "open"}],
    "polls": [{"question": "Should the city celebrate 18 December?", "method": "single",
               "results": [{"label": "Yes", "count": 40}, {"label": "No", "count": 4}], "turnout": 44}],
}


def record(**changes) -> dict:
    data = copy.deepcopy(RECORD)
    data.update(changes)
    return data
