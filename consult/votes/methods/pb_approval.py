"""Participatory budget, approval ballot: tick the projects you support, up to the budget's maximum number;
the projects are funded within the budget by greedy by votes or the method of equal shares (see
:mod:`.pb_common`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from consult.votes.methods.approval import Approval
from consult.votes.methods.pb_common import BudgetMethod


class PbApproval(BudgetMethod, Approval):
    name = "pb_approval"
    label = _l("Participatory budget: approval")
    explanation = _l("Tick every project you support. The projects are funded within the budget, from your "
                     "votes and everyone else's.")

    def how_to_vote(self, poll) -> str:
        limit = self.spec(poll).max_choices
        if not limit:
            return str(self.explanation)
        return f"{self.explanation} " + ngettext("You can tick at most %(num)d project.",
                                                  "You can tick at most %(num)d projects.", limit)


METHOD = PbApproval()
