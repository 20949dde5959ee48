"""Forms of civic lotteries: the lottery and its calendar, a category, the quotas, joining the pool, the
revealed value, the reply to an invitation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from consult.core.forms import BaseForm, LocalDateTimeField
from consult.lotteries.models import CUSTOM, NOT_GIVEN


class LotteryForm(BaseForm):
    title = StringField(_l("Title of the panel"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("What the panel will do (optional)"), validators=[Optional(), Length(max=5000)]
    )
    seats = IntegerField(_l("Number of seats"), validators=[InputRequired(), NumberRange(min=1, max=500)])
    eligibility_rule_id = SelectField(
        _l("Who may volunteer"),
        coerce=int,
        validators=[Optional()],
        description=_l("By residence only: verification, age, districts."),
    )
    pool_opens_at = LocalDateTimeField(_l("The pool opens"), validators=[InputRequired()])
    pool_closes_at = LocalDateTimeField(_l("The pool closes"), validators=[InputRequired()])
    draw_at = LocalDateTimeField(_l("Date of the draw"), validators=[InputRequired()])
    random_source = TextAreaField(
        _l("The public random value the draw will use"),
        validators=[DataRequired(), Length(max=500)],
        description=_l(
            "A value nobody can know before the pool closes, published by someone else: for example "
            "“the winning numbers of the national lottery drawn on 12 December, in the order "
            "drawn”."
        ),
    )
    commitment = StringField(
        _l("Or: SHA-256 of a value you will reveal at the draw (optional)"),
        validators=[Optional(), Length(min=64, max=64)],
        description=_l("64 hexadecimal characters. Only the value with this digest will be accepted."),
    )
    submit = SubmitField(_l("Create the lottery"))


class CategoryForm(BaseForm):
    name = StringField(
        _l("Question"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("For example: How long have you lived in the city?"),
    )
    reason = TextAreaField(
        _l("Why it is asked"),
        validators=[DataRequired(), Length(max=500)],
        description=_l(
            "Volunteers read it before they choose to answer. Never ask about nationality or legal status."
        ),
    )
    values = TextAreaField(
        _l("Possible answers, one per line"), validators=[DataRequired(), Length(max=2000)]
    )
    submit = SubmitField(_l("Add the question"))


def quota_form(lottery, formdata=None):
    """Min and max seats of every value of every category (fields ``min_<value id>``, ``max_<value id>``)."""

    class QuotaForm(BaseForm):
        submit = SubmitField(_l("Save the quotas"))

    data = {}
    for category in lottery.categories:
        for value in category.values:
            for bound in ("min", "max"):
                setattr(
                    QuotaForm,
                    f"{bound}_{value.id}",
                    IntegerField(
                        _l("Minimum") if bound == "min" else _l("Maximum"),
                        validators=[Optional(), NumberRange(min=0, max=lottery.seats)],
                    ),
                )
            data[f"min_{value.id}"], data[f"max_{value.id}"] = value.min_seats, value.max_seats
    if formdata is None:
        return QuotaForm(data=data)
    return QuotaForm()


def join_form(lottery):
    """One optional choice per question of the organisers (never district or age: they come from the residence
    record)."""

    class JoinForm(BaseForm):
        submit = SubmitField(_l("Join the pool"))

    for category in lottery.categories:
        if category.kind != CUSTOM:
            continue
        choices = [SelectChoice("", _l("I prefer not to say"))] + [
            SelectChoice(v.key, v.label) for v in category.values if v.key != NOT_GIVEN
        ]
        setattr(
            JoinForm,
            category.key,
            SelectField(category.name, choices=choices, validators=[Optional()], description=category.reason),
        )
    return JoinForm()


class DrawForm(BaseForm):
    revealed_value = StringField(
        _l("The public value, as published"), validators=[DataRequired(), Length(max=500)]
    )
    submit = SubmitField(_l("Draw the panel"))


class ReplyForm(BaseForm):
    answer = RadioField(
        _l("Your answer"),
        choices=[SelectChoice("accept", _l("I accept the seat")), SelectChoice("decline", _l("I decline"))],
        validators=[InputRequired()],
    )
