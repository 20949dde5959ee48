"""Who may report, moderate and write fact-check notes."""

from flask_babel import lazy_gettext as _l

from consult.core.policy import (
    has_role,
    is_admin,
    is_not_blocked,
    is_signed_in,
    place_allows,
    policies,
    predicate,
)


@predicate(_l("You cannot report your own contribution."))
def is_not_own_content(person, target):
    author_id = getattr(target, "author_id", None)
    return author_id is None or author_id != getattr(person, "id", None)


is_moderator = is_admin | has_role("moderator", reason=_l("Only moderators can do this."))

#: a council may ask for a verified residence to report content on its processes' proposals (``place_allows``)
policies.register("moderation.report",
                  is_signed_in & is_not_blocked & is_not_own_content & place_allows("report"))
policies.register("moderation.moderate", is_signed_in & is_moderator)
