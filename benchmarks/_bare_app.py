"""The WSGI app gunicorn loads for ``benchmarks/proposals_list.py``: Consult as configured by the
``CONSULT_*`` environment, plus one benchmark-only page, ``/_bench/bare``, that renders ``base.html`` with an
empty content block (the yardstick: the same layout, navigation and context processors, no data). The route
exists only here.

    CONSULT_INSTANCE_PATH=... CONSULT_DATABASE_URL=sqlite:///... gunicorn benchmarks._bare_app:app
"""

from __future__ import annotations

from flask import Blueprint, render_template_string

from consult import create_app

BARE_URL = "/_bench/bare"
bare = Blueprint("bench_bare", __name__)


@bare.route(BARE_URL)
def page():
    """The bare page: the base layout around an empty content block."""
    return render_template_string('{% extends "base.html" %}{% block content %}{% endblock %}')


app = create_app()
app.register_blueprint(bare)
