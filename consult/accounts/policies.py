"""Who may do what with accounts."""

from flask_babel import lazy_gettext as _l

from consult.core.policy import has_role, is_admin, is_signed_in, policies, predicate


@predicate(_l("Only the person themself can do this."))
def is_self(person, user):
    return getattr(person, "is_authenticated", False) and user is not None and person.id == user.id


policies.register("account.edit_profile", is_signed_in)
policies.register("account.manage_users", is_signed_in & is_admin)
policies.register(
    "account.issue_reset_code",
    is_signed_in & (is_admin | has_role(
        "registrar", reason=_l("Only registrars and administrators can issue reset codes."))),
)
policies.register("account.view_staff_tools", is_signed_in & (is_admin | has_role("registrar")))
