"""Account forms. Limits: username 3-40, display name 1-60, password 8-128 characters, no composition
rules."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from consult.core.forms import BaseForm, strip_filter

USERNAME_RULE = Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    message=_l("Use letters without accents, digits, dots, dashes or underscores, starting with a letter or "
               "digit."),
)
EMAIL_RULE = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("This does not look like an email address."))


def _password(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(message=_l("Please enter a password.")),
            Length(min=8, max=128, message=_l("A password has between 8 and 128 characters.")),
        ],
        description=_l("At least 8 characters. A few words you remember are better than a short code."),
    )


def language_choices():
    return list(current_app.config["LANGUAGES"].items())


class SignUpForm(BaseForm):
    username = StringField(
        _l("Username"),
        filters=[strip_filter],
        validators=[DataRequired(message=_l("Please choose a username.")),
                    Length(min=3, max=40, message=_l("A username has between 3 and 40 characters.")),
                    USERNAME_RULE],
        description=_l("You sign in with it. It is not shown to others."),
    )
    display_name = StringField(
        _l("Display name (pseudonym)"),
        filters=[strip_filter],
        validators=[DataRequired(message=_l("Please choose a display name.")),
                    Length(max=60, message=_l("A display name has at most 60 characters."))],
        description=_l("Shown next to what you write. It does not have to be your real name."),
    )
    email = EmailField(
        _l("Email (optional)"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=254, message=_l("An email address has at most 254 characters.")),
                    EMAIL_RULE],
        description=_l("Only for notifications and to reset a forgotten password. You can leave it empty."),
    )
    language = SelectField(_l("Language"), validators=[DataRequired()])
    password = _password(_l("Password"))
    submit = SubmitField(_l("Create my account"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


class SignInForm(BaseForm):
    username = StringField(_l("Username"), filters=[strip_filter],
                           validators=[DataRequired(message=_l("Please enter your username.")),
                                       Length(max=40)])
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(message=_l("Please enter your password.")),
                                         Length(max=128)])
    submit = SubmitField(_l("Sign in"))


class ProfileForm(BaseForm):
    display_name = SignUpForm.display_name
    email = SignUpForm.email
    language = SelectField(_l("Language"), validators=[DataRequired()])
    submit = SubmitField(_l("Save my profile"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(message=_l("Please enter your password.")),
                                                 Length(max=128)])
    new_password = _password(_l("New password"))
    confirm = PasswordField(_l("New password, again"),
                            validators=[EqualTo("new_password",
                                                message=_l("The two passwords are not the same."))])
    submit = SubmitField(_l("Change my password"))


class ResetRequestForm(BaseForm):
    email = EmailField(_l("Email"), filters=[strip_filter],
                       validators=[DataRequired(message=_l("Please enter your email address.")),
                                   Length(max=254), EMAIL_RULE])
    submit = SubmitField(_l("Send me a reset link"))


class ResetWithTokenForm(BaseForm):
    new_password = _password(_l("New password"))
    confirm = PasswordChangeForm.confirm
    submit = SubmitField(_l("Set my new password"))


class ResetCodeForm(BaseForm):
    username = SignInForm.username
    code = StringField(_l("Reset code"), filters=[strip_filter],
                       validators=[DataRequired(message=_l("Please enter the code you were given.")),
                                   Length(max=32)],
                       description=_l("The code printed on the slip a staff member gave you, e.g. "
                                      "ABCD-EFGH-JKLM."))
    new_password = _password(_l("New password"))
    confirm = PasswordChangeForm.confirm
    submit = SubmitField(_l("Set my new password"))


class ConfirmForm(BaseForm):
    """A form with only the CSRF token and a button (sign out, issue a code, revoke...), and where to go back
    to after (``next``, always read through ``safe_next``)."""

    next = HiddenField()
    submit = SubmitField(_l("Confirm"))


class RoleForm(BaseForm):
    role = SelectField(_l("Role"), validators=[DataRequired()])
    submit = SubmitField(_l("Grant role"))


class UserSearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search by username or display name"), filters=[strip_filter],
                    validators=[Optional(), Length(max=60)])
