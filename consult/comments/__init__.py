"""Comments on any content: threaded three levels deep, with alignment, edit history and moderation."""

from flask import Blueprint

bp = Blueprint("comments", __name__)

from consult.comments import models, policies, versions, views  # noqa: E402,F401
from consult.comments import personal as _personal  # noqa: E402,F401
from consult.core import targets  # noqa: E402

targets.register("comment", models.Comment)


@bp.app_template_global()
def comment_thread(target):
    """The whole thread on ``target`` for ``comments/_section.html``: a constant number of queries."""
    from consult.comments.services import load_thread

    return load_thread(target)


@bp.app_template_global()
def comment_thread_stamp(target):
    """The state of the thread on ``target`` (one aggregate query) for ``comments/_section.html``."""
    from consult.comments.thread import load_stamp

    return load_stamp(target)


@bp.app_template_global()
def comment_thread_html(thread, **options):
    """The thread's list for this reader, kept between readers (``consult.comments.thread``)."""
    from consult.comments.thread import thread_html

    return thread_html(thread, **options)


@bp.app_template_global()
def comment_clock():
    """``clock(moment)`` = ``moment|datetime("short")`` for this request, memoised per locale and time
    zone."""
    from consult.comments.services import comment_clock as clock

    return clock()


@bp.app_template_global()
def new_comment_form():
    """An empty comment form (the section shows it when the page did not pass one with errors)."""
    from consult.comments.forms import CommentForm

    return CommentForm(formdata=None)
