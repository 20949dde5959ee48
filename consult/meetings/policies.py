"""Who may do what in council sessions. Council roles are the seats held today (``councils.offices``).

* ``session.view``: everyone for convened, running and closed sessions; drafts only for the officers.
* ``session.manage``: admins and the president or secretary of this council (prepare, convene, run, roll call,
  motions, close).
* ``motion.vote``: a person signed in, on an open motion voted by ballot (a show of hands is counted in the
  room), holding a voting seat in the council today (observers never vote), marked in the room, who has not
  voted yet ("already done": 409). Asked about a motion (the view, the service, the votes engine for a secret
  motion's poll) or about the :class:`~consult.meetings.motions.Standing` the session page has read.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core.policy import CONFLICT, about, is_admin, is_signed_in, policies, predicate
from consult.councils.policies import is_council_officer
from consult.meetings.motions import ALREADY_VOTED, standing


@predicate(_l("This session is still being prepared."))
def is_published(person, session):
    return session is not None and session.status != "draft"


@predicate(_l("This vote is not open."))
def motion_is_open(person, facts):
    return facts is not None and facts.is_open


@predicate(_l("This vote is counted by show of hands in the room."))
def by_ballot(person, facts):
    return facts.mode != "hands"


@predicate(_l("Only voting members of this council can vote. Observers attend without a vote."))
def holds_voting_seat(person, facts):
    return facts.seat_id is not None


@predicate(_l("Only members marked present in the room can vote. Ask the secretary to record your arrival."))
def is_in_the_room(person, facts):
    return facts.in_room


@predicate(ALREADY_VOTED, kind=CONFLICT)
def has_not_voted(person, facts):
    return not facts.voted


policies.register("session.view", is_published | (is_signed_in & (is_admin | is_council_officer)))
policies.register("session.manage", is_signed_in & (is_admin | is_council_officer))
policies.register("motion.vote", about(standing, is_signed_in & motion_is_open & by_ballot & holds_voting_seat
                                       & is_in_the_room & has_not_voted, "motion.vote"))
