"""Demo: amendments to two open proposals. Chen opened "Map the places that welcome newcomers" for amendment:
he accepted Yusuf's (the map in every language spoken in the city: "Amended by Yusuf") and rejected Lucía's
with a reason; Ana supports the rejected one. The moderators opened Adama's proposal on the borders for
amendment; Lucía's amendment waits for his decision, supported by Yusuf."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from consult.accounts.services import get_user_by_username as _user
from consult.core.models import utcnow
from consult.extensions import db
from consult.proposals import amendments
from consult.proposals.models import Proposal


def _proposal(title_start: str) -> Proposal | None:
    return db.session.scalar(sa.select(Proposal).where(Proposal.title.startswith(title_start),
                                                       Proposal.state != "draft"))


def load() -> None:
    welcome_map = _proposal("Map the places that welcome newcomers")
    borders = _proposal("Refuser les centres de tri")
    if welcome_map is None or borders is None:
        return
    chen, yusuf, lucia = _user("member"), _user("resident"), _user("translator")
    amendments.set_window(welcome_map, chen, utcnow() + timedelta(days=14))
    accepted = amendments.propose(
        welcome_map, yusuf, title=welcome_map.title,
        body=welcome_map.body + "\n\nThe map should be readable in every language spoken in the city, and on "
                                "paper at the help desks for people without a phone.",
        explanation="Newcomers often do not read Italian yet, and not everyone has a smartphone.")
    rejected = amendments.propose(
        welcome_map, lucia, title="Map the places that welcome newcomers",
        body="A public map of the associations, help desks and city offices that welcome newcomers.",
        explanation="A sign at the entrance of the city is a different question: it deserves its own "
                    "proposal.")
    amendments.accept(accepted, chen)
    amendments.reject(rejected, chen, "The sign and the map go together: the sign tells people the map "
                                      "exists. Lucía may propose the map alone as a proposal of its own.")
    amendments.support(rejected, _user("observer"))

    amendments.set_window(borders, _user("moderator"), utcnow() + timedelta(days=21))
    pending = amendments.propose(
        borders, lucia, title=borders.title,
        body=borders.body + "\n\nLa ville rendra compte chaque année, en conseil municipal, de ces alertes.",
        explanation="Sans compte rendu public, l'engagement risque de rester lettre morte.")
    amendments.support(pending, yusuf)
    db.session.flush()
