"""Domain events (blinker signals), so that later modules react without earlier ones importing them.

Senders pass the object as sender and keyword facts; receivers must not commit (the request does).
"""

from blinker import Namespace

_signals = Namespace()

#: a proposal changed state (sender: proposal; old, new, actor)
proposal_state_changed = _signals.signal("proposal-state-changed")
#: a proposal reached its support threshold (sender: proposal)
proposal_qualified = _signals.signal("proposal-qualified")
#: a poll was closed and counted (sender: poll)
poll_closed = _signals.signal("poll-closed")
#: a council motion got its verdict (sender: motion; verdict)
motion_decided = _signals.signal("motion-decided")
#: a council session was closed (sender: session; actor)
council_session_closed = _signals.signal("council-session-closed")
#: a debate was ended (sender: debate; actor)
debate_closed = _signals.signal("debate-closed")
#: an outcome or one of its actions changed (sender: outcome; actor, text)
outcome_updated = _signals.signal("outcome-updated")
