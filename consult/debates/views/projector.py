"""The screens of the room: the projector page (with the join code as a QR code) and the event stream that
keeps the projector, the public page and the console up to date (``consult.debates.stream``; served by a
thread per stream here, by the event loop under the ASGI server: ``consult.debates.stream_async``)."""

from __future__ import annotations

import io

import segno
from flask import Response, current_app, request, stream_with_context
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from consult.core.policy import require
from consult.core.rendering import render
from consult.debates import bp, queries, stream, stream_async
from consult.debates.events import listen, stamp_of
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
    """Server-sent events (text/event-stream) for the public page or the projector; see ``stream``.

    Under the ASGI server the stream is held by the event loop: the route then hands it a ``Ticket`` (in the
    environ) with the stream's first drawing, and the body it returns is left unread."""
    debate = load(debate_id)
    require("debate.view", debate)
    view = request.args.get("view", "public")
    if view not in stream.VIEWS:
        view = "public"
    locale = str(get_locale())  # decided now, while the session is still there
    last_event_id = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    stamp = stamp_of(debate)  # this debate's changes, not those of another that had its id
    listen()  # this process hears the other processes' changes from now on
    db.session.remove()  # no connection or transaction is held while streaming
    holder = request.environ.get(stream_async.ENVIRON_KEY)
    if holder is not None:
        holder["ticket"] = stream_async.Ticket(
            debate_id, view, last_event_id, locale, current_app.config["BASE_URL"],
            stream.Settings.of(current_app.config), stamp,
            first=stream.render_parts(debate_id, view))
        body = iter(())
    else:
        body = stream_with_context(stream.events(debate_id, view, last_event_id, stamp))
    response = Response(body, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache, no-transform"
    response.headers["X-Accel-Buffering"] = "no"
    return response


#: served by the event loop under the ASGI server (``consult.asgi``)
events.native_stream = stream_async.serve
