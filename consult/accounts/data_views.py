"""Your data: download everything the platform holds about you (JSON or a readable page), delete your account.

The export gathers every domain's section through ``consult.core.personal_data``; it never includes the
register fingerprint, password hashes or anything about how someone voted.
"""

from __future__ import annotations

import json

from flask import current_app, make_response, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from consult.accounts import bp
from consult.accounts.erasure import erase_account
from consult.accounts.passwords import verify_password
from consult.accounts.views import failed_attempt
from consult.core.errors import DomainError
from consult.core.forms import BaseForm
from consult.core.models import utcnow
from consult.core.personal_data import export_sections
from consult.core.policy import is_signed_in, policies, require
from consult.core.rendering import render, submit
from consult.extensions import limiter

policies.register("account.download_data", is_signed_in)
policies.register("account.delete", is_signed_in)


class DeleteAccountForm(BaseForm):
    password = PasswordField(_l("Your password"), validators=[
        DataRequired(message=_l("Please enter your password.")), Length(max=128)])
    understood = BooleanField(
        _l("I understand that this cannot be undone"),
        validators=[DataRequired(message=_l("Please tick the box to confirm."))],
    )
    submit = SubmitField(_l("Delete my account"))


def _export() -> dict:
    return {
        "platform": current_app.config["PLATFORM_NAME"],
        "exported_at": utcnow().isoformat(),
        "sections": export_sections(current_user),
    }


@bp.route("/profile/my-data")
def my_data():
    """Everything the platform holds about you, as a page you can read (and print)."""
    require("account.download_data")
    response = render("accounts/my_data.html", data=_export(), delete_form=DeleteAccountForm(formdata=None))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/profile/my-data.json")
def my_data_json():
    """The same, as a JSON file to keep or to take elsewhere."""
    require("account.download_data")
    body = json.dumps(_export(), ensure_ascii=False, indent=2, default=str)
    response = make_response(body, 200)
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/profile/delete", methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGN_IN"], methods=["POST"], deduct_when=failed_attempt)
def delete_account():
    """Delete my account after confirmation (password and a tick): personal data erased, sessions ended."""
    require("account.delete")
    form = DeleteAccountForm()

    def erase():
        if current_user.password_hash and not verify_password(current_user.password_hash, form.password.data):
            raise DomainError(_l("Your password is not correct."), field="password")
        erase_account(current_user._get_current_object())
        logout_user()
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang

    def page(status):
        response = render("accounts/my_data.html", data=_export(), delete_form=form, status=status)
        response.headers["Cache-Control"] = "no-store"
        return response

    return submit(form, erase, success=_("Your account is deleted. Thank you for taking part."),
                  done=url_for("core.home"), page=page)
