"""The surveys of the XSS corpus (``tests/security/corpus.py``): a published survey of the process with the
corpus in its title, description, sections, questions, help, options, rows, scale labels, and in the
free-text answers of two responses (one hidden by the organisers); the results are public. A named survey
shows the respondents' display names to the organisers (its CSV too)."""

from __future__ import annotations

from consult.surveys import services as surveys
from consult.surveys.models import Survey, SurveyQuestion, SurveySection


def add_surveys(corpus, staff, people, process, everything: str) -> None:
    from tests.security.corpus import chunks, one

    survey = surveys.create_survey(process, staff, title=one(Survey.title, 3), description=everything,
                                   anonymous=False, results_public=True)
    first = survey.sections[0]
    surveys.update_section(first, staff, title=one(SurveySection.title, 11), description=everything[:5000])
    labels = [label[:300] for label in chunks(SurveyQuestion.help)][:6] or ["a", "b"]
    if len(labels) < 2:
        labels = labels * 2
    choice = surveys.add_question(first, staff, kind="multiple", text=one(SurveyQuestion.text, 2),
                                  help=one(SurveyQuestion.help, 4), options=labels)
    scale = surveys.add_question(first, staff, kind="scale", text=one(SurveyQuestion.text, 6),
                                 scale_min=1, scale_max=3, min_label=one(SurveyQuestion.min_label, 8),
                                 max_label=one(SurveyQuestion.max_label, 9))
    later = surveys.add_section(survey, staff, title=one(SurveySection.title, 13))
    rank = surveys.add_question(later, staff, kind="ranking", text=one(SurveyQuestion.text, 14),
                                options=labels)
    grid = surveys.add_question(later, staff, kind="matrix", text=one(SurveyQuestion.text, 16), rows=labels,
                                scale_min=1, scale_max=2, condition_question_id=choice.id,
                                condition_option_ids=[1])
    text = surveys.add_question(later, staff, kind="long_text", text=one(SurveyQuestion.text, 18))
    short = surveys.add_question(later, staff, kind="short_text", text=one(SurveyQuestion.text, 20))
    surveys.publish(survey, staff)
    for n, person in enumerate(people[:2]):
        raw = {choice.field: ["1"], scale.field: ["2"], text.field: [everything[:5000]],
               short.field: [one(SurveyQuestion.text, 22 + n)[:200]],
               **{f"{rank.field}_{o['id']}": [str(i + 1)] for i, o in enumerate(rank.options)},
               **{f"{grid.field}_{r['id']}": ["1"] for r in grid.rows}}
        response = surveys.respond(survey, person, raw)
        if n == 1:
            surveys.set_hidden(response, text, staff, True)
    corpus.fields |= {"survey.title", "survey.description", "survey_section.title",
                      "survey_section.description",
                      "survey_question.text", "survey_question.help", "survey_question.options",
                      "survey_question.rows", "survey_question.min_label", "survey_question.max_label",
                      "survey_response.answers"}
    corpus.public.update({"survey": f"/surveys/{survey.id}", "surveys": f"/processes/{process.id}/surveys",
                          "survey results": f"/surveys/{survey.id}/results",
                          "surveys api": "/api/v1/surveys", "surveys csv": "/api/v1/surveys.csv"})
    corpus.staff.update({"survey manage": f"/surveys/{survey.id}/manage",
                         "survey edit": f"/surveys/{survey.id}/edit",
                         "survey answer": f"/surveys/{survey.id}/answer",
                         "survey question": f"/survey-questions/{grid.id}/edit",
                         "survey section": f"/survey-sections/{first.id}/edit",
                         "survey organisers' results": f"/surveys/{survey.id}/results",
                         "survey csv": f"/surveys/{survey.id}/responses.csv"})
