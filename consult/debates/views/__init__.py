"""Debate pages, on the blueprint ``debates``: the public page and the phones (``public``), the projector and
the event stream (``projector``), and the moderator's console (``console``). ``common`` holds what they share:
loading (404), the person acting, the join link, and the answer to a refused button.

Each view loads (404) → authorizes (policy) → ends with ``consult.core.rendering.submit`` (validate → service
→ redirect 303, or the form again with its refusal and the service's status).
"""

from consult.debates.views import common, console, projector, public  # noqa: F401
