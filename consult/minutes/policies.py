"""Who may do what with minutes.

* Published minutes are public; the other states are seen by the officers who write and approve them.
* The council's secretary edits, submits, publishes and starts corrections and translations.
* The council's president approves (``approval_mode="president"``); when the council approves by a motion,
  the secretary or the president records the adopted motion (``approval_mode="motion"``).
* Translators write translations of published minutes (which are then approved like any minutes).
* Debate minutes (no council): the debate's moderators write them, platform moderators approve them.
* Platform administrators can always act.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core.policy import Predicate, is_admin, is_signed_in, policies, predicate
from consult.minutes.models import APPROVED, DRAFT, PUBLISHED, SUBMITTED
from consult.minutes.permissions import holds_council_office


def _writer(person, minutes) -> bool:
    if minutes is None or not getattr(person, "is_authenticated", False):
        return False
    if minutes.kind == "translation" and person.has_role("translator"):
        return True  # translators write the translations they start
    if minutes.council_id is not None:
        return holds_council_office(person, minutes.council_id, "secretary")
    return (person.has_role("moderator", minutes.source_type, minutes.source_id)
            or person.has_role("moderator"))


def _president(person, minutes) -> bool:
    if minutes is None or not getattr(person, "is_authenticated", False):
        return False
    if minutes.council_id is not None:
        return holds_council_office(person, minutes.council_id, "president")
    return person.has_role("moderator")


is_writer = Predicate(_writer, "is_minutes_writer",
                      _l("Only the secretary of this council can write these minutes."))
is_president = Predicate(_president, "is_minutes_president",
                         _l("Only the president of this council can approve these minutes."))
is_officer = Predicate(lambda p, m: _writer(p, m) or _president(p, m), "is_minutes_officer",
                       _l("Only the secretary or the president of this council can do this."))


def in_state(*states, reason) -> Predicate:
    return Predicate(lambda person, minutes: minutes is not None and minutes.status in states,
                     f"minutes_in({','.join(states)})", reason)


@predicate(_l("These minutes are not public yet."))
def is_published(person, minutes):
    return minutes is not None and minutes.status == PUBLISHED


only_drafts = in_state(DRAFT, reason=_l("Only a draft can be changed. These minutes are no longer a draft."))

policies.register("minutes.view", is_published | (is_signed_in & (is_admin | is_officer)))
policies.register("minutes.view_revisions", is_signed_in & (is_admin | is_officer))
policies.register("minutes.edit", is_signed_in & (is_admin | is_writer) & only_drafts)
policies.register("minutes.submit", is_signed_in & (is_admin | is_writer) & only_drafts)
policies.register("minutes.return", is_signed_in & (is_admin | is_officer) & in_state(
    SUBMITTED, reason=_l("Only submitted minutes can be sent back to the writer.")))
_submitted = in_state(SUBMITTED, reason=_l("Only submitted minutes can be approved."))
_by_motion_recorder = Predicate(
    lambda p, m: _writer(p, m) or _president(p, m), "is_minutes_officer",
    _l("Only the secretary or the president of this council can record the motion that approved these "
       "minutes."))


def _may_approve(person, minutes):
    """President mode: the president decides. Motion mode: an officer records the council's adopted motion."""
    if minutes.approval_mode == "motion":
        return (is_admin | _by_motion_recorder)(person, minutes)
    return (is_admin | is_president)(person, minutes)


policies.register("minutes.approve",
                  is_signed_in & _submitted & Predicate(_may_approve, "may_approve_minutes"))
policies.register("minutes.publish", is_signed_in & (is_admin | is_officer) & in_state(
    APPROVED, reason=_l("Only approved minutes can be published.")))
policies.register("minutes.correct", is_signed_in & (is_admin | is_writer) & in_state(
    PUBLISHED, reason=_l("Only published minutes can be corrected.")))


def _translator(person, minutes) -> bool:
    return getattr(person, "is_authenticated", False) and (person.has_role("translator")
                                                           or _writer(person, minutes))


policies.register("minutes.translate", is_signed_in & (is_admin | Predicate(
    _translator, "is_translator", _l("Only translators and the council's secretary can translate minutes.")))
    & in_state(PUBLISHED, reason=_l("Only published minutes can be translated.")))
policies.register("minutes.set_approval_mode", is_signed_in & (is_admin | is_officer) & in_state(
    DRAFT, SUBMITTED, reason=_l("The approval rule can only change before approval.")))
