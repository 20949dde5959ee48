"""The screens of the room: the projector page (with the join code as a QR code) and the event stream that
keeps the projector, the public page and the console up to date (``consult.debates.stream``)."""

from __future__ import annotations

import io

import segno
from flask import Response, request, stream_with_context
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from consult.core.policy import require
from consult.core.rendering import render
from consult.debates import bp, queries, stream
from consult.debates.events import ensure_listening
from consult.debates.views.common import join_url, load
from consult.extensions import db


def qr_svg(debate) -> Markup:
    """The join link as a QR code, an inline SVG made on the server (no script, no other host)."""
    qr = segno.make(join_url(debate), error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", xmldecl=False, svgns=True, scale=8, border=2, svgclass="qr",
            title=_("QR code to join the debate"), dark="#000", light="#fff")
    return Markup(out.getvalue().decode())


@bp.route("/debates/<int:debate_id>/projector")
def projector(debate_id):
    """Full-screen view for the room: segment and timer, speaker and queue, live question, poll, join code."""
    debate = load(debate_id)
    require("debate.view", debate)
    return render("debates/projector.html", debate=debate, state=queries.live_state(debate), view="projector",
                  streamed=False, qr=qr_svg(debate), join_url=join_url(debate))


@bp.route("/debates/<int:debate_id>/events")
def events(debate_id):
    """Server-sent events (text/event-stream) for the public page or the projector; see ``stream``."""
    debate = load(debate_id)
    require("debate.view", debate)
    view = request.args.get("view", "public")
    if view not in stream.VIEWS:
        view = "public"
    get_locale()  # decided now, while the session is still there
    last_event_id = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    ensure_listening(db.engine)
    db.session.remove()  # no connection or transaction is held while streaming
    response = Response(stream_with_context(stream.events(debate_id, view, last_event_id)),
                        mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache, no-transform"
    response.headers["X-Accel-Buffering"] = "no"
    return response
