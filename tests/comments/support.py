"""A tiny content type for the comments, moderation and notifications tests ("testitem").

Comments and moderation are generic over content; this model has what real content offers: a title, an author,
a ``comment_count``, ``hidden_at``/``hidden_reason``, a ``url`` and (optionally) ``comment_decision``. Its
page (registered on the comments blueprint before the test app is built) includes the three shared includes.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import render_template_string
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from consult.comments import bp as comments_bp
from consult.core import targets
from consult.core.policy import REFUSED, YES, Decision
from consult.extensions import db


class TestItem(db.Model):
    __tablename__ = "test_item"
    __test__ = False  # not a pytest test class

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    comment_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    comments_closed: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    hidden_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))

    @property
    def url(self) -> str:
        return f"/_test/items/{self.id}"

    def comment_decision(self, person) -> Decision:
        if self.comments_closed:
            return Decision(REFUSED, _l("Comments are closed in this phase."))
        return YES


targets.register("testitem", TestItem)

PAGE = """{% extends "base.html" %}
{% block title %}{{ item.title }}{% endblock %}
{% block content %}
{% include "moderation/_notes.html" %}
<h1>{{ item.title }}</h1>
{% if item.hidden_at %}<p>{{ _("Hidden by moderators: %(reason)s",
                               reason=public_reason(item.hidden_reason)) }}</p>{% endif %}
<p>{% include "comments/_count.html" %}</p>
{% include "notifications/_follow_button.html" %}
{% include "moderation/_report_button.html" %}
{% include "comments/_section.html" %}
{% endblock %}"""


@comments_bp.route("/_test/items/<int:item_id>")
def _test_item(item_id):
    item = db.get_or_404(TestItem, item_id)
    return render_template_string(PAGE, item=item, target=item)


def make_item(author=None, title="Open a welcome desk at the station", **kwargs) -> TestItem:
    item = TestItem(title=title, author_id=getattr(author, "id", None), **kwargs)
    db.session.add(item)
    db.session.commit()
    return item
