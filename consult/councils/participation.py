"""What a council says about who takes part in its processes: whether accounts whose residence is not
verified may comment on the proposals of the processes that feed it, and report content there
(``Council.allow_unverified``; yes by default, as everywhere else on the platform).

The comments and moderation rules (``comment.post``, ``moderation.report``) ask it through
``consult.core.policy.place_allows``: :func:`unverified_rule` is registered as a place rule. Content belongs
to a council when it is a proposal of a process that feeds the council (``Process.council_id``), or a
comment on one (a comment, or a row of a comment thread, names its item). Everything else keeps the
platform's rule.
A refusal asks the person to verify their residence, and links to it.
"""

from __future__ import annotations

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l

from consult.core import targets
from consult.core.policy import VERIFY, Decision, register_place_rule
from consult.councils.models import Council
from consult.extensions import db
from consult.residency.policies import is_verified_resident

#: the capabilities the setting covers, and the reason a refusal gives
REASONS = {
    "comment": _l("This council asks for a verified residence to comment on the proposals of its processes. "
                  "Verify your residence to take part."),
    "report": _l("This council asks for a verified residence to report content in its processes. Verify "
                 "your residence to report it."),
}


def council_of(obj) -> Council | None:
    """The council whose processes ``obj`` belongs to, or None."""
    target_type, target_id = getattr(obj, "target_type", None), getattr(obj, "target_id", None)
    if target_type is not None and target_id is not None:  # a comment, or a thread's row: its item
        obj = targets.resolve(target_type, target_id)
    council_id = getattr(getattr(obj, "process", None), "council_id", None)
    if not council_id:
        return None
    # kept for the request: the session's identity map holds objects weakly, and a page asks for each of its
    # comments, reports and follows (one query each time, or none, as the garbage collector decides)
    held = g.setdefault("consult_councils", {}) if has_request_context() else {}
    if council_id not in held:
        held[council_id] = db.session.get(Council, council_id)
    return held[council_id]


def unverified_rule(capability: str, person, obj) -> Decision | None:
    """Refused (verify first) when ``obj`` belongs to a council that does not let accounts not verified yet
    ``capability``; None when the council (or no council) has nothing to say."""
    reason = REASONS.get(capability)
    if reason is None or obj is None or not getattr(person, "is_authenticated", False):
        return None
    council = council_of(obj)
    if council is None or council.allow_unverified:
        return None
    return None if is_verified_resident(person, obj) else Decision(VERIFY, reason)


register_place_rule(unverified_rule)
