"""The end of the view skeleton (``consult.core.rendering.submit``): validate → service → redirect, or the
form again."""

from __future__ import annotations

from flask import flash, get_flashed_messages
from wtforms import StringField
from wtforms.validators import DataRequired

from consult.core.errors import Conflict, DomainError
from consult.core.forms import BaseForm
from consult.core.rendering import submit


class NameForm(BaseForm):
    name = StringField("Name", validators=[DataRequired()])


def _page(form):
    return lambda status: (f"page {status}: {form.errors}", status)


def _post(app, data, **headers):
    return app.test_request_context("/x", method="POST", data=data, headers=headers)


def test_a_valid_form_runs_the_service_flashes_and_redirects_with_303(app):
    with _post(app, {"name": "Ada"}):
        form = NameForm()
        response = submit(form, lambda: form.name.data.upper(), success=lambda name: f"Saved {name}",
                          done=lambda name: f"/people/{name}", page=_page(form))
        assert response.status_code == 303
        assert response.headers["Location"] == "/people/ADA"
        assert get_flashed_messages(with_categories=True) == [("success", "Saved ADA")]


def test_for_an_htmx_fragment_request_the_redirect_is_an_hx_location(app):
    with _post(app, {"name": "Ada"}, **{"HX-Request": "true"}):
        form = NameForm()
        response = submit(form, lambda: None, done="/people", page=_page(form))
        assert response.status_code == 204
        assert response.headers["HX-Location"] == "/people"


def test_a_refusal_of_the_service_goes_next_to_its_field_with_422_and_nothing_flashed(app):
    def refuse():
        raise DomainError("This name is taken.", field="name")

    with _post(app, {"name": "Ada"}):
        form = NameForm()
        body, status = submit(form, refuse, success="Saved", done="/people", page=_page(form))
        assert status == 422
        assert form.name.errors == ["This name is taken."]
        assert get_flashed_messages() == []


def test_a_refusal_without_a_field_is_shown_above_the_form(app):
    def refuse():
        raise Conflict("Someone saved first.")

    with _post(app, {"name": "Ada"}):
        form = NameForm()
        _body, status = submit(form, refuse, done="/people", page=_page(form))
        assert (status, form.form_errors) == (422, ["Someone saved first."])


def test_a_status_callable_gets_the_refusal_or_none_for_an_invalid_form(app):
    seen = []

    def status(refusal):
        seen.append(refusal)
        return 409

    with _post(app, {"name": ""}):
        form = NameForm()
        called = []
        _body, code = submit(form, lambda: called.append(1), done="/people", page=_page(form), status=status)
        assert (code, seen, called) == (409, [None], [])  # an invalid form never reaches the service


def test_a_form_not_sent_is_shown_with_200(app):
    with app.test_request_context("/x"):
        form = NameForm()
        _body, status = submit(form, lambda: 1 / 0, done="/people", page=_page(form))
        assert status == 200


def test_a_form_wide_error_put_by_the_view_stops_before_the_service(app):
    with _post(app, {"name": "Ada"}):
        form = NameForm()
        form.add_error(None, "The comment you reply to no longer exists.")
        called = []
        _body, status = submit(form, lambda: called.append(1), done="/people", page=_page(form))
        assert (status, called) == (422, [])


def test_a_button_without_fields_flashes_a_refusal_and_goes_back(app):
    def refuse():
        raise Conflict("The poll is already open.")

    with _post(app, {}):
        response = submit(None, refuse, success="Opened", done="/polls/1", refused_to="/polls/1/manage")
        assert (response.status_code, response.headers["Location"]) == (303, "/polls/1/manage")
        assert get_flashed_messages(with_categories=True) == [("error", "The poll is already open.")]


def test_done_may_answer_with_a_whole_response(app):
    with _post(app, {"name": "Ada"}):
        form = NameForm()
        response = submit(form, lambda: "fragment", done=lambda html: (html, 200), page=_page(form))
        assert response == ("fragment", 200)


def test_the_success_message_is_flashed_before_done_adds_its_own(app):
    with _post(app, {"name": "Ada"}):
        form = NameForm()

        def done(_result):
            flash("We are sending a message.", "info")
            return "/"

        submit(form, lambda: None, success="Welcome", done=done, page=_page(form))
        assert get_flashed_messages(with_categories=True) == [("success", "Welcome"),
                                                              ("info", "We are sending a message.")]


def test_with_refused_to_a_refusal_of_the_service_is_flashed_and_redirected(app):
    def refuse():
        raise DomainError("This link has expired.")

    with _post(app, {"name": "Ada"}):
        form = NameForm()
        response = submit(form, refuse, done="/sign-in", refused_to="/reset", page=_page(form))
        assert (response.status_code, response.headers["Location"]) == (303, "/reset")
        assert get_flashed_messages(with_categories=True) == [("error", "This link has expired.")]
