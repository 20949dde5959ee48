"""The civic half of ``flask demo generate``: councils with years of sessions and minutes (``councils``,
``sessions``, ``minutes``), polls with their ballots and results (``polls``, ``ballots``), and citizen debates
(``debates``); ``civic_texts`` holds the words.

Where there are tens or hundreds of objects (councils, sessions, motions, minutes, polls' opening and closing,
debates) the real services are called, on a clock set back to the day the thing happened (the meetings
services take ``now=``; the debate services read a clock ``debates`` sets, as ``consult/demo/debates.py``
does). Where there are many rows, they are bulk-inserted, keeping every invariant of the services:

* ballots carry no voter and no time; voters and ballots are drawn independently and ballots are shuffled
  before insertion, so neither the rows nor their order link a ballot to a person; one participation row per
  voter and poll, and as many ballots as participations in every poll; every ballot's choice is the method's
  canonical text (``validate`` then ``encode``) and its tracker hash is the hash of a well-formed tracker;
* closed polls are counted by the engine's own ``close_poll`` after their ballots are in, so the stored result
  is what a fresh tally gives;
* named motion votes are rows of voting members present in the room; secret motions go through the votes
  engine's participation/ballot tables like any secret poll; show-of-hands counts never exceed the room;
* question likes are one row per participant and question, never the author's, and the ``likes`` counter
  equals the rows.

Past things are dated in the past: timestamps the services set to "now" (minutes published, polls closed) are
set back to the day they happened, before the object is locked where a rule locks it, or with one plain UPDATE
of the timestamps only afterwards (published minutes: their text and record are never touched).
"""

from __future__ import annotations

import time

from consult.demo.generate.councils import make_councils
from consult.demo.generate.debates import make_debates
from consult.demo.generate.polls import make_polls
from consult.extensions import db


def generate(ctx) -> dict[str, int | float]:
    """Councils (memberships, sessions, minutes, outcomes), polls with ballots, debates; counts and
    seconds."""
    result: dict[str, int | float] = {}
    for name, step in (("councils", make_councils), ("polls", make_polls), ("debates", make_debates)):
        started = time.perf_counter()
        result.update(step(ctx))
        db.session.commit()
        result[f"seconds_{name}"] = round(time.perf_counter() - started, 2)
    return result
