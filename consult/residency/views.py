"""Residence verification pages: for residents (verify yourself) and for registrars (register, codes,
in person).

Each view: load (404) → authorize with ``require`` → validate (422) → service → render or redirect (303).
Pages that show a plaintext code (a printed batch, an in-person code) are answers to a POST, sent with
``Cache-Control: no-store``: the code exists nowhere else.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.forms import UserSearchForm
from consult.accounts.models import User
from consult.core.audit import AuditEntry
from consult.core.errors import DomainError
from consult.core.policy import require
from consult.core.rendering import redirect_to, render, safe_next, submit
from consult.extensions import db, limiter
from consult.residency import bp
from consult.residency import services as residency
from consult.residency.forms import (
    BirthYearForm,
    CardBatchForm,
    CardCodeForm,
    EligibilityRuleForm,
    InPersonConfirmForm,
    InPersonLookupForm,
    RegisterImportForm,
    RegisterVerifyForm,
    RevokeCodeForm,
)
from consult.residency.models import CardCodeBatch, District, EligibilityRule, RegisterClaim, RegisterEntry
from consult.residency.register import import_register

#: one budget for every self-verification form (register and card codes): guessing is slow whichever is used
VERIFY_LIMIT = limiter.shared_limit(lambda: current_app.config["RATELIMIT_VERIFY"], scope="residency-verify",
                                    methods=["POST"])


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


# -- residents -----------------------------------------------------------------------------------------------


def _render_verify(register_form=None, code_form=None, status=200, fragment=None):
    if register_form is None:
        register_form = RegisterVerifyForm(formdata=None)
    if code_form is None:
        code_form = CardCodeForm(formdata=None, data={"code": request.args.get("code", "")[:40]})
    return render("residency/verify.html", fragment=fragment, register_form=register_form,
                  code_form=code_form, status=status)


@bp.route("/verify")
def verify():
    """How to become a verified resident; for a signed-in person, their status and the ways to verify."""
    return _render_verify()


@bp.route("/verify/register", methods=["POST"])
@VERIFY_LIMIT
def verify_register():
    """Self-verification against the register (rate-limited). A document already used by another account
    leaves a request for the registrars (kept: the answer is a redirect) and says so."""
    require("residency.verify_self")
    form = RegisterVerifyForm()

    def verify() -> bool:
        try:
            residency.verify_with_register(current_user, form.document_type.data, form.document_number.data,
                                           form.birth_date.data)
        except residency.EntryTaken as taken:  # the request left for the registrars is kept: a redirect
            flash(str(taken.message), "error")
            return False
        return True

    return submit(form, verify,
                  success=lambda verified: verified and _("You are now a verified resident. Thank you!"),
                  done=lambda verified: url_for("accounts.profile" if verified else "residency.verify"),
                  page=lambda status: _render_verify(register_form=form, status=status,
                                                     fragment="residency/_register_form.html"))


@bp.route("/verify/code", methods=["POST"])
@VERIFY_LIMIT
def verify_code():
    """Redeem a resident-card code (rate-limited; single use, even when two people try at once)."""
    require("residency.verify_self")
    form = CardCodeForm()
    return submit(form, lambda: residency.redeem_card_code(current_user, form.code.data),
                  success=_("You are now a verified resident. Thank you!"), done=url_for("accounts.profile"),
                  page=lambda status: _render_verify(code_form=form, status=status,
                                                     fragment="residency/_code_form.html"))


@bp.route("/verify/birth-year", methods=["GET", "POST"])
def birth_year():
    """State one's birth year on one's honour, where verification recorded none (a resident-card code): age
    rules of proposing and supporting that accept it then let the person on. Then back to ``next``."""
    require("residency.declare_birth_year")
    next_url = safe_next(request.args.get("next"), url_for("accounts.profile"))
    form = BirthYearForm()
    return submit(form, lambda: residency.declare_birth_year(current_user, form.birth_year.data),
                  success=_("Your birth year is saved, as stated by you."), done=next_url,
                  page="residency/birth_year.html", status_row=current_user.resident_status)


@bp.route("/verify/in-person", methods=["GET", "POST"])
def in_person_code():
    """Show a short-lived one-time code to read out to a registrar (a new code replaces the last one)."""
    require("residency.verify_self")
    code = None
    if request.method == "POST":
        code = residency.issue_in_person_code(current_user)
    minutes = int(residency.in_person_lifetime().total_seconds() // 60)
    return _no_store(render("residency/in_person.html", fragment="residency/_in_person_code.html", code=code,
                            minutes=minutes))


# -- registrars ----------------------------------------------------------------------------------------------


@bp.route("/registrar")
def dashboard():
    """The registrar's start page: open requests, and the ways to verify."""
    require("residency.manage")
    counts = db.session.execute(sa.select(
        sa.func.count(RegisterEntry.id), sa.func.count(RegisterEntry.left_at))).one()
    form = UserSearchForm(request.args)
    found = None
    if form.validate() and form.q.data:
        like = f"%{form.q.data.lower()}%"
        found = db.session.scalars(
            sa.select(User).where(User.deleted_at.is_(None), sa.or_(
                User.username.like(like), sa.func.lower(User.display_name).like(like)))
            .order_by(User.username).limit(20)
        ).all()
    return render("residency/dashboard.html", claims=residency.open_claims(), entries=counts[0],
                  left=counts[1], form=form, found=found)


@bp.route("/registrar/register", methods=["GET", "POST"])
def register_import():
    """Upload the resident register (CSV). The answer lists what changed and the rejected lines."""
    require("residency.manage")
    form = RegisterImportForm()

    def page(status, summary=None):
        return render("residency/register_import.html", form=form, summary=summary, status=status)

    return submit(form, lambda: import_register(form.file.data.read(), by=current_user,
                                                left_on=form.left_on.data,
                                                mark_missing_left=form.mark_missing_left.data),
                  done=lambda summary: page(200, summary), page=page)


@bp.route("/registrar/cards", methods=["GET", "POST"])
def card_batches():
    """Resident-card code batches; making one answers with the printable sheet (codes shown only then)."""
    require("residency.manage")
    form = CardBatchForm()

    def print_sheet(issued):
        batch, codes = issued
        return _no_store(render("residency/card_print.html", batch=batch,
                                cards=[(code, _qr_svg(code)) for code in codes]))

    return submit(form, lambda: residency.issue_card_codes(current_user, count=form.count.data,
                                                           valid_days=form.valid_days.data,
                                                           label=form.label.data),
                  done=print_sheet,
                  page=lambda status: _batches_page(form, RevokeCodeForm(formdata=None), status))


def _batches_page(batch_form, revoke_form, status):
    return render("residency/card_batches.html", form=batch_form, revoke_form=revoke_form,
                  batches=residency.batch_counts(), status=status)


def _qr_svg(code: str) -> str:
    """A QR code of the redeem address, made on the server as inline SVG (no request to anyone)."""
    import segno
    from markupsafe import Markup

    from consult.core.urls import external_url

    url = external_url("residency.verify", code=code)
    svg = segno.make(url, error="m").svg_inline(scale=3, border=2, svgclass="qr", omitsize=True)
    return Markup(svg)  # noqa: S704 - generated by segno from our own URL


@bp.route("/registrar/cards/<int:batch_id>/revoke", methods=["POST"])
def revoke_batch(batch_id):
    """Cancel all unused codes of a batch."""
    batch = db.get_or_404(CardCodeBatch, batch_id)
    require("residency.manage")
    count = residency.revoke_batch(batch, current_user)
    flash(_("%(count)s unused codes are cancelled.", count=count), "success")
    return redirect_to(url_for("residency.card_batches"))


@bp.route("/registrar/cards/revoke-code", methods=["POST"])
def revoke_code():
    """Cancel one code (a lost card)."""
    require("residency.manage")
    form = RevokeCodeForm()
    return submit(form, lambda: residency.revoke_card_code(form.code.data, current_user),
                  success=_("The code is cancelled."), done=url_for("residency.card_batches"),
                  page=lambda status: _batches_page(CardBatchForm(formdata=None), form, status))


def _district_choices():
    districts = db.session.scalars(sa.select(District).order_by(District.name))
    return [(0, _("Not recorded"))] + [(d.id, d.name) for d in districts]


@bp.route("/registrar/in-person", methods=["GET", "POST"])
def in_person_lookup():
    """Step 1 of in-person verification: type the person's code, see which account it is."""
    require("residency.manage")
    form = InPersonLookupForm()

    def confirm_page(row):
        confirm = InPersonConfirmForm(formdata=None, data={"code": form.code.data})
        confirm.district_id.choices = _district_choices()
        return _no_store(render("residency/in_person_confirm.html", form=confirm, person=row.user))

    return submit(form, lambda: residency.find_in_person_code(form.code.data), done=confirm_page,
                  page="residency/in_person_lookup.html")


@bp.route("/registrar/in-person/confirm", methods=["POST"])
def in_person_confirm():
    """Step 2: confirm (optionally with birth year and district); the code works once."""
    require("residency.manage")
    form = InPersonConfirmForm()
    form.district_id.choices = _district_choices()
    person = None
    try:
        person = residency.find_in_person_code(form.code.data or "").user
    except DomainError as err:
        flash(str(err.message), "error")
        return redirect_to(url_for("residency.in_person_lookup"))
    return submit(form, lambda: residency.confirm_in_person(current_user, form.code.data,
                                                           birth_year=form.birth_year.data,
                                                           district_id=form.district_id.data or None),
                  success=_("%(name)s is now a verified resident.", name=person.display_name),
                  done=url_for("residency.in_person_lookup"),
                  page=lambda status: _no_store(render("residency/in_person_confirm.html", form=form,
                                                       person=person, status=status)))


@bp.route("/registrar/accounts/<int:user_id>")
def account(user_id):
    """One account's verification for a registrar: status, history, renew, revoke."""
    person = db.get_or_404(User, user_id)
    require("residency.manage")
    history = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.subject_type == "user", AuditEntry.subject_id == person.id,
                                    AuditEntry.action.like("residency.%")).order_by(AuditEntry.at.desc()).limit(50)
    ).all()
    return render("residency/account.html", person=person, history=history)


@bp.route("/registrar/accounts/<int:user_id>/<any(renew, revoke):action>", methods=["POST"])
def account_action(user_id, action):
    """Renew or revoke a verification."""
    person = db.get_or_404(User, user_id)
    require("residency.manage")
    if action == "renew":
        service, message = residency.renew_verification, _("The verification is renewed.")
    else:
        service, message = residency.revoke_verification, _("The verification is revoked.")
    return submit(None, lambda: service(person, current_user), success=message,
                  done=url_for("residency.account", user_id=person.id))


@bp.route("/registrar/claims/<int:claim_id>/<any(move, dismiss):action>", methods=["POST"])
def resolve_claim(claim_id, action):
    """Settle a 'document already used' request: move the verification to the new account, or dismiss."""
    claim = db.get_or_404(RegisterClaim, claim_id)
    require("residency.manage")
    return submit(None, lambda: residency.resolve_claim(claim, current_user, move=action == "move"),
                  success=_("The request is settled."), done=url_for("residency.dashboard"))


# -- eligibility rules (admins) ------------------------------------------------------------------------------


def _rule_form(rule=None, formdata=None):
    form = EligibilityRuleForm(formdata=formdata, obj=rule) if formdata is not None else \
        EligibilityRuleForm(obj=rule)
    form.district_ids.choices = [(d.id, d.name) for d in db.session.scalars(sa.select(District).order_by(
        District.name))]
    return form


@bp.route("/admin/eligibility")
def rules():
    """Eligibility rules: who may take part where (level, age, districts — nothing else)."""
    require("residency.manage_rules")
    rows = db.session.scalars(sa.select(EligibilityRule).order_by(EligibilityRule.name)).all()
    names = {d.id: d.name for d in db.session.scalars(sa.select(District))}
    return render("residency/rules.html", rules=rows, district_names=names)


@bp.route("/admin/eligibility/new", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/admin/eligibility/<int:rule_id>", methods=["GET", "POST"])
def rule_edit(rule_id):
    """Create or edit an eligibility rule."""
    rule = db.get_or_404(EligibilityRule, rule_id) if rule_id else None
    require("residency.manage_rules")
    form = _rule_form(rule)
    if rule is None and request.method == "GET":
        form.min_age.data = None
    return submit(form, lambda: residency.save_rule(
                      rule, name=form.name.data, min_level=form.min_level.data, min_age=form.min_age.data,
                      district_ids=form.district_ids.data or [], by=current_user,
                      accept_declared_birth_year=form.accept_declared_birth_year.data),
                  success=_("The rule is saved."), done=url_for("residency.rules"),
                  page="residency/rule_form.html", rule=rule)

