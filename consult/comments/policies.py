"""Who may comment: signed in, not blocked, what the commented item itself allows, and what the place it
belongs to allows.

An item decides for itself when it has a method ``comment_decision(person) -> Decision`` (proposals use it to
allow comments only in the phases that take them); otherwise signing in and not being blocked is enough. A
council may ask for a verified residence to comment on the proposals of the processes that feed it
(``consult.councils.participation``, through ``place_allows``).
"""

from flask_babel import lazy_gettext as _l

from consult.core import targets
from consult.core.policy import YES, is_not_blocked, is_signed_in, place_allows, policies, predicate


@predicate()
def target_allows_comments(person, target):
    decide = getattr(target, "comment_decision", None)
    return decide(person) if callable(decide) else YES


@predicate()
def target_is_viewable(person, target):
    """Whoever may see the item may read its comments: the item's own ``<type>.view`` rule, when it has
    one."""
    try:
        rule = policies.rule(f"{targets.type_of(target)}.view")
    except LookupError:
        return YES
    return rule(person, target)


@predicate(_l("Only the author of this comment can do this."))
def is_comment_author(person, comment):
    return (comment is not None and comment.author_id is not None
            and comment.author_id == getattr(person, "id", None))


@predicate(_l("This comment has been deleted."))
def comment_not_deleted(person, comment):
    return comment is not None and not comment.is_deleted


@predicate(_l("This comment was hidden by the moderators and cannot be changed."))
def comment_not_hidden(person, comment):
    return comment is not None and not comment.is_hidden


#: on the commented item
policies.register("comment.post",
                  is_signed_in & is_not_blocked & target_allows_comments & place_allows("comment"))
policies.register("comment.read", target_is_viewable)
#: on the comment
policies.register("comment.edit", is_signed_in & is_not_blocked & is_comment_author & comment_not_deleted
                  & comment_not_hidden)
policies.register("comment.delete", is_signed_in & is_comment_author & comment_not_deleted)
