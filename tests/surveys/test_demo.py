"""The demo survey about the welcome services: built by the process's organiser, anonymous, three pages, 120
responses (no user id on any), the results public; the demo resident can still answer."""

from __future__ import annotations

import sqlalchemy as sa

from consult.core.policy import policies
from consult.surveys import results as figures
from consult.surveys.models import Survey, SurveyParticipant, SurveyResponse


def test_the_demo_survey(db, make_user):
    from consult.accounts.models import User
    from consult.demo import _accounts
    from consult.demo import processes as demo_processes
    from consult.demo import surveys as demo_surveys

    _accounts()
    demo_processes.load()
    for n in range(1, demo_surveys.RESPONSES + 1):
        make_user(f"volunteer{n:03d}", verified=True, birth_year=1980)
    demo_surveys.load()
    db.session.commit()
    survey = db.session.scalar(sa.select(Survey))
    assert survey.anonymous and survey.results_public and survey.status == "published"
    assert len(survey.sections) == 3 and len(survey.questions) == 7
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 120
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyParticipant)) == 120
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)
                             .where(SurveyResponse.user_id.is_not(None))) == 0
    results = figures.results(survey, public=True)
    assert all(r.answered for r in results if r.question.kind != "long_text")
    resident = db.session.scalar(sa.select(User).where(User.username == "resident"))
    assert policies.decide("survey.answer", resident, survey)
