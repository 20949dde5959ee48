"""Demo comments: a conversation on the first demo proposals, with replies, positions and one edit."""

from __future__ import annotations

import sqlalchemy as sa

from consult.accounts.models import User
from consult.comments import services as comments
from consult.core import targets
from consult.core.errors import DomainError
from consult.extensions import db

#: (author, alignment, text, replies: [(author, alignment, text)])
CONVERSATIONS = [
    [
        ("resident", "in_favour",
         "When I arrived, nobody at the station could tell me where the town hall was. "
         "A welcome desk with people who speak **Arabic, French and English** would have saved me weeks.",
         [("member", "in_favour", "Yes. The Council of Cultures could help find volunteers for the desk."),
          ("observer", "neutral",
           "Who would pay for it? The proposal should say how long the pilot lasts.")]),
        ("translator", "against", "A desk is good, but a website in several languages reaches more people "
         "and costs less.",
         [("resident", "neutral", "Both are needed: not everyone has a phone with data.")]),
    ],
    [
        ("member", "in_favour", "Young people of foreign origin should be heard by the youth council too.",
         []),
        ("president", "neutral", "We discussed this at the last session: see the minutes.", []),
    ],
]


def _user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username))


def load() -> None:
    model = targets.model_for("proposal")
    if model is None:
        return
    items = (db.session.scalars(sa.select(model).where(model.state != "draft").order_by(model.id).limit(2))
             .all())
    for item, conversation in zip(items, CONVERSATIONS, strict=False):
        for author, alignment, text, replies in conversation:
            try:
                parent = comments.post_comment(_user(author), item, text, alignment)
                for reply_author, reply_alignment, reply_text in replies:
                    comments.post_comment(_user(reply_author), item, reply_text, reply_alignment,
                                          parent=parent)
            except DomainError:  # the item's phase takes no comments
                break
        else:
            first = parent
            comments.edit_comment(first, first.author, first.body + "\n\nEdit: the city website has a page "
                                  "in English only.", first.alignment)
    db.session.flush()
