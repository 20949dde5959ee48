"""Who may do what with outcomes.

* Everyone reads outcomes, their actions, updates and follow-up comments.
* The council's secretary and president (and admins) manage actions and post updates.
* Members of the council's monitoring committee (role ``monitor`` scoped to the council) post follow-up
comments.
* The council's president (and admins) name the monitoring committee.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from consult.core.policy import Predicate, always, is_admin, is_signed_in, policies
from consult.minutes.permissions import holds_council_office


@dataclass(frozen=True)
class CouncilRef:
    """A council known only by its id (councils is another module)."""

    id: int


def _council_id(obj):
    return getattr(obj, "council_id", None) if not isinstance(obj, CouncilRef) else obj.id


is_council_officer = Predicate(
    lambda p, o: holds_council_office(p, _council_id(o), "secretary")
    or holds_council_office(p, _council_id(o), "president"), "is_council_officer",
    _l("Only the secretary or the president of this council can do this."))
is_council_president = Predicate(
    lambda p, o: holds_council_office(p, _council_id(o), "president"),
    "is_council_president", _l("Only the president of this council can do this."))
is_monitor = Predicate(
    lambda p, o: holds_council_office(p, _council_id(o), "monitor"),
    "is_monitor", _l("Only members of this council's monitoring committee can post follow-up comments."))

policies.register("outcome.view", always)
policies.register("outcome.manage", is_signed_in & (is_admin | is_council_officer))
policies.register("outcome.follow_up", is_signed_in & (is_admin | is_monitor))
policies.register("outcome.appoint_monitors", is_signed_in & (is_admin | is_council_president))
