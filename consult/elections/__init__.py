"""Elections of council members by the residents they speak for.

An election belongs to a council and walks a calendar: call, nominations, campaign, voting, counting,
results, appeal window; then the elected members' memberships start with their term and the next candidates
are kept, in order, as substitutes. Ballots are the secret ballots of ``consult.votes`` (the election owns a
poll); the counts (single transferable vote, sequential Phragmén, equal shares) live in
``consult.elections.counting``, free of Flask and of the database.
"""

from flask import Blueprint

bp = Blueprint("elections", __name__)
