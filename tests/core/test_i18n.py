"""Languages: every page in each of the six languages, right direction, nothing left in English."""

from __future__ import annotations

import glob
import html
import os
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.helpers import text_of

LANGS = ["en", "fr", "es", "it", "pt", "ar"]
PUBLIC_PAGES = ["/", "/privacy", "/verify", "/sign-in", "/sign-up", "/reset", "/reset-code", "/nowhere"]
SIGNED_IN_PAGES = ["/profile", "/admin/users"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
CATALOGS = os.path.join(ROOT, "consult", "translations")


def _catalog(lang):
    with open(os.path.join(CATALOGS, lang, "LC_MESSAGES", "messages.po"), "rb") as fh:
        return read_po(fh)


def _english_leftovers(page_text: str, lang: str) -> list[str]:
    """Source strings (long enough to be unambiguous) that appear untranslated in a page."""
    leftovers = []
    for message in _catalog(lang):
        if not message.id or isinstance(message.id, tuple):
            continue
        source = message.id
        if "%(" in source or len(source) < 14 or source == message.string:
            continue
        if source in page_text:
            leftovers.append(source)
    return leftovers


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_in_every_language(client, lang, path):
    response = client.get(f"{path}?lang={lang}")
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page
    if lang != "en":
        assert _english_leftovers(html.unescape(text_of(response)), lang) == []


@pytest.mark.parametrize("lang", LANGS)
def test_signed_in_pages_in_every_language(client, make_user, lang):
    make_user("staff", roles=("admin",), language=lang)
    client.sign_in("staff")
    for path in SIGNED_IN_PAGES:
        response = client.get(path)
        assert response.status_code == 200
        assert f'lang="{lang}"' in response.get_data(as_text=True)
        if lang != "en":
            assert _english_leftovers(html.unescape(text_of(response)), lang) == []


def test_language_choice_order(client, make_user, db):
    # Accept-Language first for visitors
    assert 'lang="it"' in client.get("/", headers={"Accept-Language": "it,en;q=0.5"}).get_data(as_text=True)
    # the switch kept in the session wins over Accept-Language
    client.get("/language/pt?next=/")
    assert 'lang="pt"' in client.get("/", headers={"Accept-Language": "it"}).get_data(as_text=True)
    # a signed-in person's preference wins over both
    make_user("amina", language="ar")
    client.sign_in("amina")
    assert 'lang="ar"' in client.get("/", headers={"Accept-Language": "it"}).get_data(as_text=True)


def test_switch_while_signed_in_saves_the_preference(client, make_user, db):
    user = make_user("amina", language="en")
    client.sign_in("amina")
    response = client.get("/language/fr?next=/privacy")
    assert response.status_code == 303 and response.headers["Location"] == "/privacy"
    db.session.refresh(user)
    assert user.language == "fr"


def test_language_switch_refuses_foreign_redirect(client):
    response = client.get("/language/fr?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def _source_messages() -> set[tuple[str | None, str]]:
    """(context, msgid) of every message of the sources; the context of ``pgettext`` tells apart the same
    English word said of different things ("Adopted" of a proposal, of a motion)."""
    method_map = [("consult/**.py", "python"), ("consult/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "ngettext": (1, 2),
                "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
    found = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        ROOT, method_map=method_map, keywords=keywords, options_map={"consult/templates/**.html": {}}
    ):
        found.add((context, message[0] if isinstance(message, tuple) else message))
    return {(context, m) for context, m in found if m}


def test_every_source_string_is_translated_in_every_catalog():
    sources = _source_messages()
    assert len(sources) > 100
    problems = {}
    for path in sorted(glob.glob(os.path.join(CATALOGS, "*", "LC_MESSAGES", "messages.po"))):
        lang = path.split(os.sep)[-3]
        catalog = _catalog(lang)
        missing = []
        for context, source in sources:
            message = catalog.get(source, context=context)
            string = message.string if message else None
            if (message is None or message.fuzzy or not string
                    or (isinstance(string, tuple) and not all(string))):
                missing.append(f"{context}|{source}" if context else source)
        if missing:
            problems[lang] = sorted(missing)[:10] + ([f"... {len(missing)} in all"] if len(missing) > 10
                                                     else [])
    assert not problems, problems


def test_no_translated_string_hides_inside_an_f_string():
    """The extractor does not look inside f-strings: ``f"{_('Verdict')}"`` would never reach the catalogs (and
    the test above would not miss it), so the page would stay in English. (Python 3.11 reads an f-string as
    one STRING token.)"""
    import io
    import tokenize

    call = re.compile(r"\{\s*(?:_|_l|gettext|ngettext|pgettext|lazy_gettext|lazy_pgettext)\(")
    hidden = []
    for path in sorted(glob.glob(os.path.join(ROOT, "consult", "**", "*.py"), recursive=True)):
        with open(path, encoding="utf-8") as source:
            tokens = tokenize.generate_tokens(io.StringIO(source.read()).readline)
            for token in tokens:
                if token.type == tokenize.STRING and re.match(r"(?i)r?fr?['\"]", token.string) \
                        and call.search(token.string):
                    hidden.append(f"{os.path.relpath(path, ROOT)}:{token.start[0]}")
    assert not hidden, hidden


def test_placeholders_survive_translation():
    for lang in LANGS[1:]:
        for message in _catalog(lang):
            if not message.id or not message.string:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set(re.findall(r"%\((\w+)\)s", ids[-1]))
            for string in strings:
                found = set(re.findall(r"%\((\w+)\)s", string))
                assert found <= wanted | set(re.findall(r"%\((\w+)\)s", ids[0])), (lang, message.id)
