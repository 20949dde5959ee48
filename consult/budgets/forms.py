"""Budget forms: the budget (settings and calendar in local time), a project, the technical review,
promoting a proposal. Buttons without fields (the steps) need no form."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from consult.budgets.models import BALLOT_KIND_LABELS, RULE_LABELS
from consult.budgets.services import CALENDAR
from consult.core.forms import BaseForm, LocalDateTimeField, labelled_choices, strip_filter
from consult.extensions import db
from consult.geo.forms import PlaceField
from consult.residency.models import District

MARKDOWN_HELP = _l("You can use Markdown: *italic*, **bold**, lists with -, and links.")
AMOUNT = NumberRange(min=1, max=2_000_000_000)


def _district(district_id):
    return db.session.get(District, district_id) if district_id else None


def _districts(first_label) -> list:
    return [(0, str(first_label))] + [(d.id, d.name) for d in
                                      db.session.scalars(sa.select(District).order_by(District.name))]


class BudgetForm(BaseForm):
    title = StringField(_l("Title"), filters=[strip_filter], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), description=MARKDOWN_HELP,
                                validators=[Optional(), Length(max=20000)])
    district_id = SelectField(
        _l("Who votes"), coerce=int,
        description=_l("The whole city, or the residents of one district (by their residence record)."))
    total = IntegerField(_l("Amount to share"), validators=[InputRequired(), AMOUNT],
                         description=_l("In whole units of the currency, without cents."))
    currency = StringField(_l("Currency"), default="EUR", filters=[strip_filter],
                           validators=[DataRequired(), Regexp(r"^[A-Za-z]{3}$", message=_l(
                               "Please give the currency as its three-letter code, such as EUR."))])
    ballot_kind = RadioField(_l("Ballot"), choices=labelled_choices(BALLOT_KIND_LABELS), default="knapsack",
                             validators=[InputRequired()])
    max_choices = IntegerField(_l("Approval ballot: most projects a voter may approve (optional)"),
                               validators=[Optional(), NumberRange(min=1, max=1000)])
    points = IntegerField(_l("Points ballot: points each voter shares"), default=10,
                          validators=[Optional(), NumberRange(min=1, max=1000)])
    rule = RadioField(_l("Rule that decides what is funded"), choices=labelled_choices(RULE_LABELS),
                      default="greedy", validators=[InputRequired()],
                      description=_l("The results show what both rules fund, side by side."))
    proposing_opens_at = LocalDateTimeField(_l("Proposals open (optional)"), validators=[Optional()])
    proposing_closes_at = LocalDateTimeField(_l("Proposals close (optional)"), validators=[Optional()])
    review_ends_at = LocalDateTimeField(_l("Technical review ends (optional)"), validators=[Optional()])
    voting_opens_at = LocalDateTimeField(_l("Voting opens (optional)"), validators=[Optional()])
    voting_closes_at = LocalDateTimeField(_l("Voting closes"), validators=[Optional()],
                                          description=_l("Needed before voting can open."))
    submit = SubmitField(_l("Save the budget"))

    def with_districts(self) -> BudgetForm:
        self.district_id.choices = _districts(_l("The whole city"))
        if self.district_id.data is None:
            self.district_id.data = 0
        return self

    def values(self) -> dict:
        return {"title": self.title.data, "description": self.description.data or "",
                "district": _district(self.district_id.data),
                "total": self.total.data, "currency": self.currency.data,
                "ballot_kind": self.ballot_kind.data,
                "max_choices": self.max_choices.data, "points": self.points.data, "rule": self.rule.data,
                "calendar": {name: getattr(self, name).data for name in CALENDAR}}


class ProjectForm(BaseForm):
    title = StringField(_l("Title of the project"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("What the project does, and for whom"), description=MARKDOWN_HELP,
                                validators=[DataRequired(message=_l("Please describe the project.")),
                                            Length(max=10000)])
    cost = IntegerField(_l("Your estimate of its cost"), validators=[InputRequired(), AMOUNT],
                        description=_l("In whole units of the budget's currency. The city's staff check it."))
    district_id = SelectField(_l("District (optional)"), coerce=int)
    place = PlaceField(_l("Place on the map (optional)"))
    submit = SubmitField(_l("Propose the project"))

    def with_districts(self) -> ProjectForm:
        self.district_id.choices = _districts(_l("No district in particular"))
        if self.district_id.data is None:
            self.district_id.data = 0
        return self

    def values(self) -> dict:
        latitude, longitude = self.place.data or (None, None)
        return {"title": self.title.data, "description": self.description.data or "", "cost": self.cost.data,
                "district": _district(self.district_id.data), "latitude": latitude, "longitude": longitude}


DECISIONS = {"accept": _l("Put it on the ballot"), "set_aside": _l("Set it aside")}
FEASIBILITY = {"yes": _l("Feasible"), "no": _l("Not feasible")}


class ReviewForm(BaseForm):
    decision = RadioField(_l("Decision"), choices=labelled_choices(DECISIONS), validators=[InputRequired()])
    feasible = RadioField(_l("Feasibility"), choices=labelled_choices(FEASIBILITY), default="yes",
                          validators=[InputRequired()])
    cost = IntegerField(_l("The staff's cost estimate"), validators=[Optional(), AMOUNT],
                        description=_l("What voters see. Empty: the proposer's estimate."))
    reason = TextAreaField(_l("Reason (published)"), validators=[Optional(), Length(max=5000)],
                           description=_l("Needed to set a project aside; published on its page."))
    note = TextAreaField(_l("Note for the staff (not published)"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save the review"))


class PromoteForm(BaseForm):
    proposal_id = SelectField(_l("Proposal"), coerce=int, validate_choice=False,
                              validators=[InputRequired(message=_l("Please choose a proposal."))])
    cost = IntegerField(_l("Cost estimate"), validators=[InputRequired(), AMOUNT])
    submit = SubmitField(_l("Make it a project"))

    def with_proposals(self, proposals) -> PromoteForm:
        self.proposal_id.choices = [(p.id, p.title) for p in proposals]
        return self
