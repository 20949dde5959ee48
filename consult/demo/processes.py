"""Demo: the participatory process "Welcoming city 2027", with the seed's five workshop areas as themes.

The proposals phase is open now (it started a month ago), so the demo accounts can propose and support.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from consult.accounts.services import get_user_by_username
from consult.core.models import utcnow
from consult.extensions import db
from consult.processes import services as processes
from consult.residency.models import District, EligibilityRule

TITLE = "Welcoming city 2027"
THEMES = [
    "Migrants: stakeholders and citizens in our city",
    "Co-constructing our welcoming policies",
    "Telling a different story about migration",
    "A dignified welcome, committed and in solidarity",
    "Migration beyond the emergency: a global vision of citizenship",
]
DESCRIPTION = """\
How can Porto Aperto welcome everyone who arrives, and give every resident a voice, whatever their \
nationality?

This process follows the method of the Alliance Migrations workshops (Paris, 2019): residents write proposals
in five areas, support the ones they want, and discuss them. Proposals that say the same thing are **merged
and reformulated** by the moderators, with their authors named. Proposals with enough supports go to the
Council of Cultures, which puts them on its agenda and answers in public.
"""
RULE_NAME = "Verified residents aged 16 or over"


def rule() -> EligibilityRule:
    found = db.session.scalar(sa.select(EligibilityRule).where(EligibilityRule.name == RULE_NAME))
    if found is None:
        found = EligibilityRule(name=RULE_NAME, min_level="verified", min_age=16, district_ids=[])
        db.session.add(found)
        db.session.flush()
    return found


def load() -> None:
    admin = get_user_by_username("admin")
    districts = list(db.session.scalars(sa.select(District.id)))
    process = processes.create_process(actor=admin, title=TITLE, description=DESCRIPTION, themes=THEMES,
                                       district_ids=districts, rule=rule(), support_threshold=3)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    days = timedelta(days=1)
    plan = [
        ("information", now - 45 * days, now - 30 * days),
        ("proposals", now - 30 * days, now + 30 * days),
        ("deliberation", now + 30 * days, now + 60 * days),
        ("voting", now + 60 * days, now + 75 * days),
        ("outcomes", now + 75 * days, now + 365 * days),
    ]
    for kind, starts_at, ends_at in plan:
        processes.add_phase(process, actor=admin, kind=kind, starts_at=starts_at, ends_at=ends_at)
    db.session.flush()
