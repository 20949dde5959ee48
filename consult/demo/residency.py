"""Demo residency: a small hashed register, a batch of resident-card codes, more verified residents, rules.

Everything is fictional. To try self-verification on a demo instance, sign in as ``newcomer`` and use one of
:data:`REGISTER` (e.g. passport ``PA 1234567`` born ``14/05/1996``); to try a card, use a code of
:data:`CARD_CODES` (e.g. ``DEMO-CARD-AAA2``). They are listed only here: the database holds their HMACs, as it
would for real ones. The last register line is already used by the demo resident ``fatou``.
"""

from __future__ import annotations

import sqlalchemy as sa

from consult.accounts import services as accounts
from consult.accounts.models import User
from consult.extensions import db
from consult.residency import services as residency
from consult.residency.hashing import code_hash
from consult.residency.models import CardCode
from consult.residency.register import import_register

#: (document type, number, birth date, district code) — fictional register lines
REGISTER = [
    ("passport", "PA 1234567", "14/05/1996", "porto"),
    ("residence permit", "RP-2026-00042", "1988-11-02", "stazione"),
    ("national identity card", "CI 55 123 AB", "1979-01-30", "centro"),
    ("local resident card", "PAC-7781", "2008-06-21", "collina"),
    ("asylum-seeker document", "ASY 2025 9931", "2001-09-09", "mare"),
    ("other", "OTH-4410", "1965-03-12", ""),
    ("passport", "YB 9912045", "1993-07-07", "porto"),
    ("residence permit", "RP-2024-11873", "1990-12-24", "centro"),
]
#: resident-card codes of the demo batch (valid 90 days from loading)
CARD_CODES = ["DEMO-CARD-AAA2", "DEMO-CARD-BBB3", "DEMO-CARD-CCC4", "DEMO-CARD-DDD5", "DEMO-CARD-EEE6"]
#: (username, display name, language, how they were verified)
RESIDENTS = [
    ("fatou", "Fatou", "fr", "register"),
    ("oksana", "Oksana", "en", "card_code"),
    ("marco", "Marco", "it", "in_person"),
]


def load() -> None:
    from consult.demo import demo_password

    lines = ["document_type,document_number,birth_date,district"]
    lines += [",".join(row) for row in REGISTER]
    import_register(("\n".join(lines) + "\n").encode())

    registrar = db.session.scalar(sa.select(User).where(User.username == "registrar"))
    batch, _codes = residency.issue_card_codes(registrar, count=1, valid_days=90,
                                               label="Demo: help desk Stazione")
    db.session.execute(sa.delete(CardCode).where(CardCode.batch_id == batch.id))  # replaced by known codes
    db.session.execute(sa.insert(CardCode.__table__), [
        {"batch_id": batch.id, "code_hash": code_hash("card", c), "expires_at": batch.expires_at}
        for c in CARD_CODES + ["DEMO-CARD-FFF7"]
    ])
    batch.size = len(CARD_CODES) + 1

    for username, name, language, method in RESIDENTS:
        person = accounts.sign_up(username, name, demo_password(), language)
        if method == "register":
            doc_type, number, born, _district = REGISTER[-1]
            residency.verify_with_register(person, doc_type, number, born)
        elif method == "card_code":
            residency.redeem_card_code(person, "DEMO-CARD-FFF7")
        else:
            code = residency.issue_in_person_code(person)
            residency.confirm_in_person(registrar, code, birth_year=1984)

    residency.default_binding_rule()
    db.session.flush()
