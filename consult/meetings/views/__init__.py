"""Council session pages, on the blueprint ``meetings``: the session itself (``sessions``: plan, edit, the
session page, its record, convene → start → close), its agenda (``agenda``: items, documents, notes,
speakers) and the sitting (``sitting``: roll call, motions and votes). ``common`` holds what they share.

Each view: load, authorize, validate, call a service, render. The session page is the place for everyone:
the public reads the agenda and the decisions, members vote from their phone, the secretary runs the sitting.
Every form posts and redirects (303); htmx requests get the agenda or the motion fragment instead.
"""

from consult.meetings.views import agenda, common, sessions, sitting  # noqa: F401
