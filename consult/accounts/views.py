"""Account pages. Each view: load, authorize, validate, call a service, render."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import current_user, login_user, logout_user

from consult.accounts import bp
from consult.accounts import services as accounts
from consult.accounts.forms import (
    ConfirmForm,
    PasswordChangeForm,
    ProfileForm,
    ResetCodeForm,
    ResetRequestForm,
    ResetWithTokenForm,
    RoleForm,
    SignInForm,
    SignUpForm,
    UserSearchForm,
)
from consult.accounts.models import GLOBAL_ROLES, User
from consult.core.db import short_write
from consult.core.errors import DomainError
from consult.core.i18n import select_locale
from consult.core.mail import send_mail
from consult.core.pagination import paginate
from consult.core.policy import require
from consult.core.rendering import redirect_to, render, safe_next, submit
from consult.core.urls import external_url
from consult.extensions import db, limiter


def _limit(name, **kwargs):
    return limiter.limit(lambda: current_app.config[name], methods=["POST"], **kwargs)


def failed_attempt(response) -> bool:
    """A refused attempt (wrong password, expired form: the page answers 4xx). Only those count against the
    sign-in limits, so people who share an address (a library's Wi-Fi, a reverse proxy) and type their
    password right are never locked out by the others' typos. The 429 itself does not count."""
    return 400 <= response.status_code < 500 and response.status_code != 429


def _account_key() -> str:
    """The rate-limit key of the account a sign-in names, whatever address tries it."""
    return "account:" + accounts.normalise_username(request.form.get("username", ""))[:64]


#: failed sign-ins, per address and per account
sign_in_limits = (_limit("RATELIMIT_SIGN_IN", deduct_when=failed_attempt),
                  _limit("RATELIMIT_SIGN_IN_ACCOUNT", key_func=_account_key, deduct_when=failed_attempt))


def _sign_in_limited(view):
    for limit in reversed(sign_in_limits):
        view = limit(view)
    return view


def _sign_in(user: User) -> None:
    """Rotate the session on sign-in: nothing from before survives but the language switch."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    accounts.start_session(user)
    login_user(user)
    refresh()  # from now on this request speaks the person's saved language


@bp.route("/sign-up", methods=["GET", "POST"])
@_limit("RATELIMIT_SIGN_UP")
@short_write
def sign_up():
    """Create a pseudonymous account; no question about nationality or status is ever asked. A short write:
    the password is hashed before the write lock is taken, and the database refuses a name taken meanwhile."""
    if current_user.is_authenticated:
        return redirect_to(url_for("core.home"))
    form = SignUpForm()
    if request.method == "GET":
        form.language.data = select_locale()

    def create():
        # the address is not attached here: a link mailed to it does that (see accounts.offer_email)
        user = accounts.sign_up(form.username.data, form.display_name.data, form.password.data,
                                form.language.data)
        _sign_in(user)
        if form.email.data:
            accounts.offer_email(user, form.email.data)
        return user

    def welcome(_user):
        if form.email.data:
            _flash_email_sent(form.email.data)
        return url_for("core.home")

    return submit(form, create, success=lambda user: _("Welcome, %(name)s! Your account is ready.",
                                                       name=user.display_name),
                  done=welcome, page="accounts/sign_up.html")


def _flash_email_sent(email: str) -> None:
    """The same words whether the address is new or already someone's (nobody learns who has an account)."""
    flash(_("We are sending a message to %(email)s. Open the link in it to add this address to your account.",
            email=accounts.normalise_email(email)), "info")


@bp.route("/sign-in", methods=["GET", "POST"])
@_sign_in_limited
@short_write
def sign_in():
    """Sign in with username and password; the session is rotated. The password is checked outside any
    transaction (``accounts.authenticate``), and the session row written in a short one."""
    next_url = safe_next(request.args.get("next"), url_for("core.home"))
    if current_user.is_authenticated:
        return redirect_to(next_url)
    form = SignInForm()
    return submit(form, lambda: _sign_in(accounts.authenticate(form.username.data, form.password.data)),
                  success=_l("You are signed in."),  # lazy: said in the language the sign-in switched to
                  done=next_url, page="accounts/sign_in.html")


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    """End this browser's session on the server too, so a copied cookie stops working."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        accounts.end_session(current_user.get_id())
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are signed out."), "success")
    return redirect_to(url_for("core.home"))


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    """Change display name, language and email."""
    require("account.edit_profile")
    form = ProfileForm(obj=current_user)
    password_form = PasswordChangeForm(formdata=None, prefix="pw")

    def save():
        new_email = accounts.normalise_email(form.email.data)
        changed = new_email is not None and new_email != current_user.email
        # an address is removed at once; a new one only once its link is opened (see accounts.offer_email)
        accounts.update_profile(current_user, display_name=form.display_name.data,
                                language=form.language.data, email=current_user.email if new_email else None)
        session.pop("lang", None)
        return new_email if changed else None

    def done(new_email):
        if new_email:
            accounts.offer_email(current_user, new_email)
            _flash_email_sent(new_email)
        return url_for("accounts.profile")

    return submit(form, save, success=_("Your profile is saved."), done=done, page="accounts/profile.html",
                  password_form=password_form)


@bp.route("/profile/email/<token>", methods=["GET", "POST"])
@_limit("RATELIMIT_VERIFY")
def confirm_email(token):
    """The link mailed to a new address: the page shows it and a button (a mail scanner only GETs); the POST
    adds it to the account."""
    form = ConfirmForm()
    try:
        user, email = accounts.read_email_token(token)
    except DomainError as err:
        return render("accounts/confirm_email.html", form=None, email=None, message=err.message, status=400)

    def page(status):
        refused = form.form_errors  # the link's refusal is said instead of the button
        return render("accounts/confirm_email.html", form=None if refused else form, email=email,
                      username=user.username, message=refused[0] if refused else None, status=status)

    return submit(form, lambda: accounts.confirm_email(token),
                  success=_("Your email address %(email)s is added to your account.", email=email),
                  done=lambda _added: url_for("accounts.profile") if current_user.is_authenticated
                  else url_for("core.home"),
                  page=page, status=lambda err: err.status_code if err is not None else 422)


@bp.route("/profile/password", methods=["POST"])
@_limit("RATELIMIT_SIGN_IN", deduct_when=failed_attempt)
@short_write
def change_password():
    """Change the password (the current one is asked); other browsers are signed out. A short write: both
    passwords are hashed before the write lock is taken."""
    require("account.edit_profile")
    form = ProfileForm(formdata=None, obj=current_user)
    password_form = PasswordChangeForm(prefix="pw")
    return submit(password_form, lambda: accounts.change_password(
                      current_user, password_form.current_password.data, password_form.new_password.data,
                      keep_session=current_user.get_id()),
                  success=_("Your password is changed. Other devices have been signed out."),
                  done=url_for("accounts.profile"), page="accounts/profile.html", form=form,
                  password_form=password_form)


@bp.route("/reset", methods=["GET", "POST"])
@_limit("RATELIMIT_RESET")
def reset_request():
    """Ask for a reset link by email. The answer is the same whether or not the address is known."""
    form = ResetRequestForm()

    def send_link():
        user = db.session.scalar(sa.select(User)
                                 .where(User.email == accounts.normalise_email(form.email.data)))
        if user is not None and not user.is_deleted:
            link = external_url("accounts.reset_with_token", token=accounts.password_reset_token(user))
            minutes = int(current_app.config["RESET_LINK_MINUTES"])
            send_mail(user.email, _("Reset your password"),
                      _("Someone asked to reset the password of your account %(name)s. If it was you, "
                        "open this link within %(minutes)s minutes; it works once:\n\n%(link)s\n\n"
                        "If it was not you, you can ignore this message.",
                        name=user.username, minutes=minutes, link=link))
        flash(_("If an account uses this address, we have sent it a link to reset the password."), "info")

    return submit(form, send_link, done=url_for("accounts.sign_in"), page="accounts/reset_request.html")


#: the session key of the grant a reset link leaves in the browser that opened it
RESET_GRANT = "reset_grant"


@bp.route("/reset/<token>")
@limiter.limit(lambda: current_app.config["RATELIMIT_RESET"])
def reset_with_token(token):
    """A mailed reset link. Its first opening uses it up, keeps a short grant in this browser's session and
    moves on to a page without the token, so the token is not left in the address bar, the history, or the
    logs of anything that sees the next requests. (A HEAD, as some link checkers send, does not use it up.)"""
    if request.method == "HEAD":
        return "", 200

    def claim():
        session[RESET_GRANT] = accounts.claim_reset_link(token)

    return submit(None, claim, done=url_for("accounts.reset_new_password"),
                  refused_to=url_for("accounts.reset_request"))


@bp.route("/reset/new-password", methods=["GET", "POST"])
@_limit("RATELIMIT_RESET")
def reset_new_password():
    """Choose the new password, within a few minutes of opening the link, in the browser that opened it."""
    grant = session.get(RESET_GRANT)
    if not grant:
        flash(str(accounts.RESET_LINK_INVALID), "error")
        return redirect_to(url_for("accounts.reset_request"))
    form = ResetWithTokenForm()

    def reset():
        try:
            accounts.reset_with_grant(grant, form.new_password.data)
        finally:
            session.pop(RESET_GRANT, None)  # used, or refused: either way the grant is spent

    return submit(form, reset, success=_("Your new password is set. You can sign in now."),
                  done=url_for("accounts.sign_in"), refused_to=url_for("accounts.reset_request"),
                  page="accounts/reset_with_token.html")


@bp.route("/reset-code", methods=["GET", "POST"])
@_limit("RATELIMIT_RESET")
def reset_with_code():
    """Set a new password with a one-time code from a staff member (for people without email)."""
    form = ResetCodeForm()
    return submit(form, lambda: accounts.redeem_reset_code(form.username.data, form.code.data,
                                                           form.new_password.data),
                  success=_("Your new password is set. You can sign in now."),
                  done=url_for("accounts.sign_in"), page="accounts/reset_code.html")


@bp.route("/admin/users")
def admin_users():
    """Staff list of accounts, searchable by username or display name."""
    require("account.view_staff_tools")
    form = UserSearchForm(request.args)
    query = sa.select(User).where(User.deleted_at.is_(None)).order_by(User.username)
    if form.validate() and form.q.data:
        like = f"%{form.q.data.lower()}%"
        query = query.where(sa.or_(User.username.like(like), sa.func.lower(User.display_name).like(like)))
    page = paginate(query, per_page=50)
    return render("accounts/admin_users.html", form=form, page=page)


@bp.route("/admin/users/<int:user_id>")
def admin_user(user_id):
    """One account for staff: roles and reset code."""
    user = db.get_or_404(User, user_id)
    require("account.view_staff_tools")
    return _render_admin_user(user)


def _render_admin_user(user, role_form=None, code=None, status=200):
    role_form = role_form or RoleForm(formdata=None)
    role_form.role.choices = [(r, r) for r in GLOBAL_ROLES]
    response = render("accounts/admin_user.html", user=user, role_form=role_form, confirm_form=ConfirmForm(),
                      code=code, roles=GLOBAL_ROLES, status=status)
    if code:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/admin/users/<int:user_id>/roles", methods=["POST"])
def admin_grant_role(user_id):
    """Grant a platform-wide role."""
    user = db.get_or_404(User, user_id)
    require("account.manage_users")
    form = RoleForm()
    form.role.choices = [(r, r) for r in GLOBAL_ROLES]
    return submit(form, lambda: accounts.grant_role(user, form.role.data, by=current_user),
                  success=_("The role is granted."), done=url_for("accounts.admin_user", user_id=user.id),
                  page=lambda status: _render_admin_user(user, role_form=form, status=status))


@bp.route("/admin/users/<int:user_id>/roles/<role>/revoke", methods=["POST"])
def admin_revoke_role(user_id, role):
    """Take a platform-wide role back."""
    user = db.get_or_404(User, user_id)
    require("account.manage_users")
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    return submit(None, lambda: accounts.revoke_role(user, role, by=current_user),
                  success=_("The role is removed."), done=url_for("accounts.admin_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/reset-code", methods=["POST"])
def admin_issue_reset_code(user_id):
    """Issue a one-time reset code, shown once on this page to print or read out."""
    user = db.get_or_404(User, user_id)
    require("account.issue_reset_code")
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    code = accounts.issue_reset_code(user, current_user)
    return _render_admin_user(user, code=code)
