"""Keyboard only: propose (with the preview), vote, ask a question in a live debate — Tab, Shift+Tab, Enter,
Space and the arrow keys, never the mouse. Every element that gets the focus on the way must show it (an
outline or a shadow) and be a target of at least 24 x 24 CSS px (WCAG 2.2, 2.5.8; links inside a sentence are
exempt, as the criterion allows). The same size rule is then checked on every interactive element of the main
pages.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from playwright.sync_api import expect

from consult.extensions import db
from consult.minutes import services as minutes
from consult.votes import services as votes
from tests.minutes.fixtures import record
from tests.proposals.conftest import admin, make_process  # noqa: F401

INTERACTIVE = ('a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], '
               '[tabindex]:not([tabindex="-1"])')

#: shared by both scripts: is this element a link inside a sentence (the "inline" exception of 2.5.8)?
_IN_SENTENCE = """
const INTERACTIVE = __INTERACTIVE__;
function inSentence(el) {
  if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
  let block = el.parentElement;
  while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
  if (!block) return false;
  const rest = block.cloneNode(true);
  rest.querySelectorAll(INTERACTIVE).forEach(n => n.remove());
  return /\\p{L}/u.test(rest.textContent);
}
function describe(el) {
  const label = el.labels && el.labels.length ? el.labels[0].textContent : '';
  const r = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), type: el.type || '', checked: !!el.checked,
          name: (el.getAttribute('aria-label') || label || el.textContent || el.value || '')
                .replace(/\\s+/g, ' ').trim(),
          width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10,
          inline: inSentence(el)};
}
""".replace("__INTERACTIVE__", json.dumps(INTERACTIVE))

#: the focused element, with how its focus shows
FOCUSED_JS = "() => {" + _IN_SENTENCE + """
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  // a skip link's target (<main tabindex="-1">) is focused by the script, never by Tab: not a control
  if (el.tabIndex < 0 && el.getAttribute('tabindex') === '-1') return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== 'none';
  return {...describe(el), indicator: outline || shadow,
          outline: `${style.outlineStyle} ${style.outlineWidth}`};
}"""

#: every rendered interactive element smaller than 24 x 24 CSS px, except links inside a sentence
SMALL_TARGETS_JS = "() => {" + _IN_SENTENCE + """
  const small = [];
  for (const el of document.querySelectorAll(INTERACTIVE)) {
    const r = el.getBoundingClientRect();
    if ((r.width === 0 && r.height === 0) || getComputedStyle(el).visibility === 'hidden') continue;
    if (!inSentence(el) && (r.width < 24 || r.height < 24)) small.push(describe(el));
  }
  return small;
}"""


def tab_to(page, name: str, *, tag: str | None = None, back: bool = False, limit: int = 90) -> dict:
    """Press Tab (Shift+Tab with ``back``) until an element whose name starts with ``name`` has the focus.

    Each element focused on the way must show its focus and be large enough.
    """
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        info = page.evaluate(FOCUSED_JS)
        if info is None:  # the focus left the document (past its end): the next Tab comes back to the top
            continue
        seen.append(info["name"][:40])
        assert info["indicator"], f"the focus is not visible on {info}"
        big_enough = info["width"] >= 24 and info["height"] >= 24
        assert info["inline"] or big_enough, f"target below 24x24 px: {info}"
        if info["name"].startswith(name) and (tag is None or info["tag"] == tag):
            return info
    raise AssertionError(f"{name!r} never got the focus; focused on the way: {seen}")


def type_into(page, label: str, text: str, *, tag: str | None = None) -> None:
    tab_to(page, label, tag=tag)
    page.keyboard.type(text)


def keyboard_sign_in(page, base, username):
    page.goto(f"{base}/sign-in")
    type_into(page, "Username", username, tag="input")
    type_into(page, "Password", "correct horse battery", tag="input")
    page.keyboard.press("Enter")  # submits the form
    expect(page.locator(".account-nav__name")).to_be_visible()


@pytest.fixture
def live_debate(live_server, make_user):
    from consult.debates import services

    moderator = make_user("karim", display_name="Karim", roles=("moderator",))
    debate = services.create_debate(moderator, title="Telling a different story about migration",
                                    description="Questions from the public.",
                                    starts_at=datetime(2030, 5, 4, 17), place="Biblioteca civica",
                                    languages="Italiano", interpretation=False, allow_anonymous=True)
    services.add_segment(debate, "Questions from the public", 30)
    services.start_debate(debate, moderator)
    db.session.commit()
    return debate


def _poll():
    poll = votes.create_poll(question="Which place should open first?", method="single",
                             options=["Library", "Park", "Clinic"])
    votes.open_poll(poll)
    db.session.commit()
    return poll


def test_propose_vote_and_ask_with_the_keyboard_only(live_server, new_context, make_user, make_process,  # noqa: F811
                                                      live_debate):
    process = make_process(threshold=5)
    poll_id = _poll().id
    make_user("yusuf", display_name="Yusuf", verified=True, birth_year=1999)
    page = new_context().new_page()
    base = live_server
    keyboard_sign_in(page, base, "yusuf")

    # proposing: the skip link, the form, the preview, publish
    page.goto(f"{base}/processes/{process.id}")
    tab_to(page, "Skip to main content")
    page.keyboard.press("Enter")
    tab_to(page, "Write a proposal", tag="a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a proposal")
    type_into(page, "Title", "Resident cards for everyone", tag="input")
    type_into(page, "Your proposal", "A card for **every** resident, whatever their papers.", tag="textarea")
    tab_to(page, "Preview", tag="input")
    page.keyboard.press("Enter")
    expect(page.locator(".proposal-preview strong")).to_have_text("every")
    tab_to(page, "Publish", tag="button")
    page.keyboard.press("Space")  # a button answers Space as well as Enter
    expect(page.get_by_role("heading", level=1)).to_have_text("Resident cards for everyone")

    # voting: into the radio group with Tab, choose with the arrow keys, confirm, cast
    page.goto(f"{base}/polls/{poll_id}")
    first = tab_to(page, "Library", tag="input")
    assert first["type"] == "radio"
    page.keyboard.press("ArrowDown")  # moves to and selects the next option
    expect(page.get_by_label("Park", exact=True)).to_be_checked()
    tab_to(page, "Check my ballot", tag="button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Confirm your vote")).to_be_visible()
    expect(page.locator(".confirm-summary")).to_contain_text("Park")
    tab_to(page, "Cast my vote", tag="button")
    page.keyboard.press("Enter")
    expect(page.locator("#tracker")).to_have_text(votes.TRACKER_PATTERN)

    # asking a question in the live debate; Shift+Tab goes back to a field passed by
    page.goto(f"{base}/debates/{live_debate.id}")
    type_into(page, "Your question", "Is there interpretation into Arabic?", tag="textarea")
    tab_to(page, "Send my question", tag="button")
    tab_to(page, "Your question", tag="textarea", back=True)
    page.keyboard.type(" And into Tigrinya?")
    tab_to(page, "Send my question", tag="button")
    page.keyboard.press("Enter")
    expect(page.locator("#ask")).to_contain_text("Your question has been sent")
    expect(page.locator("#question-list")).to_contain_text("Is there interpretation into Arabic? And into "
                                                           "Tigrinya?")


@pytest.fixture
def published_minutes(make_user):
    president = make_user("president", display_name="Adama")
    draft = minutes.create_draft(record(), council_id=1)
    minutes.submit(draft, actor=president)
    minutes.approve(draft, actor=president)
    minutes.publish(draft, actor=president)
    db.session.commit()
    return draft


def test_targets_are_at_least_24_px_on_the_main_pages(live_server, new_context, make_user, make_process,  # noqa: F811
                                                      live_debate, published_minutes):
    from consult.comments import services as comments
    from consult.proposals import services as proposals

    process = make_process(threshold=5)
    author = make_user("yusuf", display_name="Yusuf", verified=True, birth_year=1999)
    proposal = proposals.create_draft(process, author, title="Resident cards", body="For **everyone**.",
                                      language="en")
    proposals.publish(proposal, author)
    comments.post_comment(author, proposal, "A first comment.")
    poll_id = _poll().id
    db.session.commit()
    pages = {
        # signed out: the pages only visitors see, and one page with the sign-in prompts
        None: ["/", "/sign-in", "/sign-up", f"/proposals/{proposal.id}"],
        # signed in, every form is there: proposing, commenting, supporting, voting, asking
        "yusuf": ["/", "/processes", f"/processes/{process.id}", "/proposals", f"/proposals/{proposal.id}",
                  f"/processes/{process.id}/proposals/new", "/polls", f"/polls/{poll_id}", "/debates/",
                  f"/debates/{live_debate.id}", "/councils/", "/minutes/", f"/minutes/{published_minutes.id}",
                  "/outcomes/", "/profile", "/verify"],
    }
    small = {}
    for who, paths in pages.items():
        page = new_context().new_page()
        if who:
            keyboard_sign_in(page, live_server, who)
        for path in paths:
            response = page.goto(f"{live_server}{path}")
            assert response.ok, (path, response.status)
            if found := page.evaluate(SMALL_TARGETS_JS):
                small[f"{who or 'visitor'} {path}"] = found
    assert not small, f"targets below 24 x 24 CSS px: {small}"
