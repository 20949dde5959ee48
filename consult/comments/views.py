"""Comment views: post and reply (htmx fragment or post/redirect/get), edit, delete, history; the "more"
pages of a long thread and the link to one comment (``consult.comments.paging``)."""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.forms import ConfirmForm
from consult.comments import bp
from consult.comments import services as comments
from consult.comments.forms import CommentForm, EditCommentForm
from consult.comments.models import Comment
from consult.comments.thread import load_stamp, location, part_html
from consult.core import targets
from consult.core.db import short_write
from consult.core.policy import can, require
from consult.core.rendering import redirect_to, render, safe_next, submit, wants_fragment
from consult.core.routing import row_id
from consult.core.templating import csrf_field
from consult.extensions import db, limiter
from consult.notifications.labels import label_of, url_of


def _post_limit():
    return current_app.config["RATELIMIT_POST"]


def _load_target(target_type: str, target_id: int):
    target = targets.resolve(target_type, target_id)
    if target is None:
        abort(404)
    return target


def _load_comment(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    return comment


def _target_page(target, next_url: str | None = None) -> str:
    return safe_next(next_url, url_of(target) or url_for("core.home"))


def _worded_as_reply(form: CommentForm) -> CommentForm:
    """The form of the reply page: its text field is the reply (the button is worded in the template)."""
    form.body.label.text = _("Your reply")
    return form


def _section(target, *, form=None, reply_to=None, next_url=None, status=200, show=None):
    """The comments section as an htmx fragment, with the item's counter updated out of band (and the
    comment ``show`` where it is, should the page not show it by default)."""
    html = render_template("comments/_section_response.html", target=target, comment_form=form,
                           reply_to=reply_to, comment_next=safe_next(next_url, ""), comment_show=show)
    return make_response(html, status)


@bp.route("/comments/<target_type>/<int:target_id>", methods=["POST"])
@limiter.limit(_post_limit, methods=["POST"])
@short_write
def post(target_type, target_id):
    """Post a comment on an item, or a reply (``parent_id``) to one of its comments.

    Without JavaScript the answer is a redirect to the item's page at the new comment, or the form with its
    errors (422). With htmx the comments section is swapped in place, the counter out of band.
    """
    target = _load_target(target_type, target_id)
    require("comment.post", target)
    form = CommentForm()
    parent = None
    if form.parent_id.data:
        try:
            parent_id = int(form.parent_id.data)
        except ValueError:
            parent_id = 0
        # beyond any id (and beyond what the database can compare): no such comment
        parent = db.session.get(Comment, parent_id) if 0 < parent_id <= 2**31 - 1 else None
        if parent is None:
            form.add_error(None, _("The comment you reply to no longer exists."))

    def posted(comment):
        if wants_fragment():
            return _section(target, next_url=form.next.data, status=200, show=comment.id)
        flash(_("Your comment is posted."), "success")
        return location(target, comment.id, _target_page(target, form.next.data))

    def page(status):
        if wants_fragment():
            return _section(target, form=form, reply_to=parent.id if parent is not None else None,
                            next_url=form.next.data, status=status)
        if parent is not None:
            _worded_as_reply(form)
        return render("comments/form_page.html", target=target, form=form, parent=parent,
                      back=_target_page(target, form.next.data), label=label_of(target), status=status)

    return submit(form, lambda: comments.post_comment(current_user, target, form.body.data,
                                                      form.alignment.data, parent),
                  done=posted, page=page)


@bp.route("/comments/<int:comment_id>/reply")
def reply(comment_id):
    """The form to reply to a comment: a page of its own (with the comment quoted) without JavaScript; for
    htmx, the form alone, put in place under the comment. The thread links here instead of carrying a form
    under every comment."""
    parent = _load_comment(comment_id)
    target = _load_target(parent.target_type, parent.target_id)
    require("comment.post", target)
    comments.check_reply(parent, target)  # a refused reply: the error page says why
    next_url = safe_next(request.args.get("next"), "")
    form = CommentForm(formdata=None, data={"parent_id": str(parent.id), "next": next_url})
    if wants_fragment():
        target_type, target_id = targets.ref(target)
        return render_template("comments/_reply_form.html", c=parent, form=form, failed=False, focus=True,
                               csrf=csrf_field(), next_path=next_url,
                               section_key=f"{target_type}-{target_id}",
                               post_url=url_for("comments.post", target_type=target_type,
                                                target_id=target_id))
    return render("comments/form_page.html", target=target, form=_worded_as_reply(form), parent=parent,
                  back=_target_page(target, next_url), label=label_of(target))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@limiter.limit(_post_limit, methods=["POST"])
def edit(comment_id):
    """The author changes their comment; the earlier version stays visible in the history."""
    comment = _load_comment(comment_id)
    require("comment.edit", comment)
    target = targets.resolve(comment.target_type, comment.target_id)
    form = EditCommentForm(obj=comment)
    return submit(form, lambda: comments.edit_comment(comment, current_user, form.body.data,
                                                      form.alignment.data),
                  success=_("Your comment is saved."),
                  done=lambda _saved: location(target, comment.id, _target_page(target)),
                  page="comments/edit.html", comment=comment, back=_target_page(target),
                  label=label_of(target))


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
def delete(comment_id):
    """The author deletes their comment; "deleted" stays in the thread so that replies keep their place."""
    comment = _load_comment(comment_id)
    require("comment.delete", comment)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    target = targets.resolve(comment.target_type, comment.target_id)
    comments.delete_comment(comment, current_user)
    flash(_("Your comment is deleted."), "success")
    return redirect_to(location(target, comment.id, _target_page(target, form.next.data)))


@bp.route("/comments/<int:comment_id>/history")
def history(comment_id):
    """Every earlier version of a comment, so that edits are visible to everyone."""
    comment = _load_comment(comment_id)
    target = targets.resolve(comment.target_type, comment.target_id)
    return render("comments/history.html", comment=comment, back=_target_page(target), label=label_of(target))


def _part(target, parent: Comment | None):
    """A "more" page: the next comments of a gap in the list (``?after=`` and ``?before=``: ids of the
    comments around it) of the replies to ``parent``, or of the item's comments. A page of its own; for htmx,
    the list items alone, which take the place of the link (the first one takes the focus)."""
    require("comment.read", target)
    thread = load_stamp(target)
    fragment = wants_fragment()
    items = part_html(thread, parent.id if parent else None, row_id(request.args.get("after")),
                      row_id(request.args.get("before")), may_post=can("comment.post", target),
                      next_path=_target_page(target) if fragment else request.full_path.rstrip("?"),
                      focus=fragment)
    if items is None:
        abort(404)
    return render("comments/thread_page.html", fragment="comments/_part.html", items=items, thread=thread,
                  parent=parent, target=target, back=_target_page(target), label=label_of(target))


@bp.route("/comments/<target_type>/<int:target_id>")
def thread(target_type, target_id):
    """More of the comments on an item (see ``_part``)."""
    return _part(_load_target(target_type, target_id), None)


@bp.route("/comments/<int:comment_id>/replies")
def replies(comment_id):
    """More of the replies to a comment (see ``_part``)."""
    parent = _load_comment(comment_id)
    return _part(_load_target(parent.target_type, parent.target_id), parent)


@bp.route("/comments/<int:comment_id>")
def permalink(comment_id):
    """The link to one comment (``Comment.url``): the item's page at the comment, which it shows wherever it
    is in the conversation."""
    comment = _load_comment(comment_id)
    target = _load_target(comment.target_type, comment.target_id)
    require("comment.read", target)
    return redirect(location(target, comment.id, _target_page(target)))
