"""The question list under a flood of likes: a stream sends the items that changed, not the whole list."""

from __future__ import annotations

from consult.debates import stream


def _item(question_id, likes):
    return [question_id, f'<li id="question-{question_id}">Question {question_id}: {likes} likes' + " " * 200
            + "</li>"]


def _list(*likes_by_id):
    return [_item(question_id, likes) for question_id, likes in likes_by_id]


def _whole(items):
    return sum(len(html) for _id, html in items) + 60


def test_a_like_that_keeps_the_order_sends_that_question_alone():
    before = _list((1, 5), (2, 3), (3, 1), (4, 0))
    after = _list((1, 5), (2, 4), (3, 1), (4, 0))
    changes = stream.question_changes(before, after, 12, _whole(after))
    assert changes == f'<ol class="questions" data-version="12">{after[1][1]}</ol>'


def test_a_like_that_changes_the_order_says_the_new_order():
    before = _list((1, 5), (2, 3), (3, 1), (4, 0))
    after = _list((1, 5), (3, 4), (2, 3), (4, 0))
    changes = stream.question_changes(before, after, 13, _whole(after))
    assert changes.startswith('<ol class="questions" data-version="13" data-order="1 3 2 4">')
    assert after[1][1] in changes and after[0][1] not in changes and after[2][1] not in changes


def test_a_new_question_and_a_hidden_one_come_as_the_new_order():
    before = _list((1, 5), (2, 3), (3, 1), (4, 0))
    after = _list((1, 5), (2, 3), (4, 0), (5, 0))
    changes = stream.question_changes(before, after, 14, _whole(after))
    assert 'data-order="1 2 4 5"' in changes
    assert changes.count("<li") == 1 and after[3][1] in changes


def test_the_whole_list_is_sent_when_changes_are_not_much_smaller_or_a_list_is_empty():
    before = _list((1, 5), (2, 3))
    after = _list((1, 6), (2, 4))
    assert stream.question_changes(before, after, 15, _whole(after)) is None
    assert stream.question_changes([], after, 15, _whole(after)) is None
    assert stream.question_changes(before, [], 15, 80) is None
    assert stream.question_changes(None, after, 15, _whole(after)) is None


def test_the_streams_woken_by_one_change_share_one_answer():
    before = _list(*((n, 0) for n in range(10)))
    after = _list(*((n, 1 if n == 4 else 0) for n in range(10)))
    first = stream.question_changes(before, after, 16, _whole(after))
    assert stream.question_changes(before, after, 16, _whole(after)) is first


# -- in the protocol ---------------------------------------------------------------------------------------


SETTINGS = stream.Settings(heartbeat=10, lifetime=60, retry_ms=3000)


def _drawing(version, likes_of_two):
    likes = {n: (likes_of_two if n == 2 else 1 if n == 1 else 0) for n in range(1, 11)}
    items = _list(*sorted(likes.items(), key=lambda pair: (-pair[1], pair[0])))  # most liked first
    html = {part: f"{part} at {version}" for part in stream.PARTS if part != "phase"} | {"phase": "live"}
    html["questions"] = '<ol class="questions">' + "".join(h for _id, h in items) + "</ol>"
    html[stream.ITEMS] = items
    return version, html


def _run(steps, drawings, answer=None):
    sent = []
    while True:
        step = steps.send(answer)
        answer = None
        if isinstance(step, stream.Send):
            sent.append(step.text)
        elif isinstance(step, stream.Draw):
            answer = drawings.pop(0)
        elif step.seconds > 0:
            return sent


def test_a_screen_gets_the_whole_list_once_then_what_changed():
    steps = stream.protocol("public", "3", SETTINGS)
    first = _run(steps, [_drawing(5, 0)])
    assert any(text.startswith("event: questions\n") for text in first)  # missed changes: every part whole
    later = _run(steps, [_drawing(6, 1)], answer=(6, 1, ("questions",)))
    liked = _drawing(6, 1)[1][stream.ITEMS][1][1]
    changes = f'<ol class="questions" data-version="6">{liked}</ol>'
    assert later == [stream.format_event("question-changes", changes, 6)]
    reordered = _run(steps, [_drawing(7, 2)], answer=(7, 1, ("questions",)))
    assert 'data-order="2 1 3 4 5 6 7 8 9 10"' in reordered[0] and reordered[0].startswith("id: 7\n")


def test_the_projector_shows_no_question_list_and_draws_none():
    steps = stream.protocol("projector", None, SETTINGS)
    _version, html = _drawing(5, 0)
    projector = {part: html[part] for part in stream.VIEW_PARTS["projector"]}
    sent = _run(steps, [(5, projector)])
    assert not any("question-changes" in text or "event: questions" in text for text in sent)


def test_a_message_of_another_debate_that_had_the_same_id_is_not_this_debates_change():
    """A deleted debate's change heard late (another process's, maybe at a higher version) must not mark the
    parts as shown: this debate's next change still reaches the screen."""
    steps = stream.protocol("public", "5", SETTINGS, stamp=1)
    assert not any("event:" in text for text in _run(steps, [_drawing(5, 0)]))  # up to date
    assert _run(steps, [], answer=(40, 99, ("questions", "status"))) == []  # no drawing asked, nothing sent
    later = _run(steps, [_drawing(6, 1)], answer=(6, 1, ("questions",)))
    assert later and later[0].startswith("id: 6\nevent: question-changes\n")


def test_the_broker_never_merges_two_debates_that_had_the_same_id():
    from consult.debates.broker import _merged

    assert _merged((40, 99, ("status",)), (6, 1, ("questions",))) == (6, 1, ("questions",))
    assert _merged((5, 1, ("status",)), (6, 1, ("questions",))) == (6, 1, ("questions", "status"))
