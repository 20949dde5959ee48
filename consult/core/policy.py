"""The policy engine: every action a person can take is decided here, in one place.

Small named predicates are composed with ``&``, ``|`` and ``~`` and registered per action::

    policies.register("proposal.support", is_signed_in & is_verified_resident & phase_allows("support"))

Views call :func:`require` (which aborts with the right answer), templates call ``can(action, obj)`` and read
the :class:`Decision`: allowed, refused with a translated reason, "sign in first" or "verify your residence
first" with a link, or "already done" (a conflict with the current state). Services guard their writes with
:func:`enforce`, which asks the same rule for an explicit person and raises a domain error. No role,
membership or verification check is written anywhere else; ``docs/permissions.md`` maps who may do what.

Composition rules:

* ``a & b`` is refused with the reason of the first operand that refuses.
* ``a | b`` is allowed when either is; when both refuse, the reason of the *last* operand is given, because
  privileged exceptions are written first (``is_admin | ordinary_path``) and the person needs to hear about
  the ordinary path.
* ``~a`` needs its own reason: ``(~is_blocked).because(_("..."))``.
* :func:`about` asks a rule about something made from the object (the facts a read model already holds, or
  looks them up once), so pages that list many objects and the service that writes ask the same rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from consult.core.errors import Conflict, NotAllowed

ALLOWED = "allowed"
REFUSED = "refused"
SIGN_IN = "sign_in"
VERIFY = "verify"
#: refused because it has been done already (voted twice): the answer is 409, not 403
CONFLICT = "conflict"


@dataclass(frozen=True)
class Decision:
    """The answer of a policy: ``bool(decision)`` tells whether the action is allowed."""

    kind: str = ALLOWED
    reason: Any = None  # a lazy translated string
    #: the page where the person removes the obstacle, when it is neither signing in nor verifying (an
    #: endpoint; it is given ``next``, the page they were reading), and the words of that link (a lazy
    #: translated string)
    endpoint: str | None = None
    label: Any = None

    def __bool__(self) -> bool:
        return self.kind == ALLOWED

    @property
    def allowed(self) -> bool:
        return self.kind == ALLOWED

    @property
    def needs_sign_in(self) -> bool:
        return self.kind == SIGN_IN

    @property
    def needs_verification(self) -> bool:
        return self.kind == VERIFY

    @property
    def is_conflict(self) -> bool:
        return self.kind == CONFLICT

    @property
    def link(self) -> str | None:
        """Where the person can remove the obstacle (sign in, verify residence, the decision's own page)."""
        if self.endpoint:
            back = request.full_path.rstrip("?") if request and request.method == "GET" else None
            return url_for(self.endpoint, next=back)
        if self.kind == SIGN_IN:
            return url_for("accounts.sign_in", next=request.full_path if request else None)
        if self.kind == VERIFY:
            return url_for("residency.verify")
        return None

    @property
    def link_label(self) -> str:
        """The words of :attr:`link`."""
        if self.label is not None:
            return str(self.label)
        return str(_l("Sign in")) if self.kind == SIGN_IN else str(_l("Verify my residence"))

    @property
    def message(self) -> str:
        return str(self.reason) if self.reason is not None else ""


YES = Decision(ALLOWED)


class Predicate:
    """A named test of (person, object) that returns allowed or a refusal with its reason."""

    def __init__(self, fn: Callable[[Any, Any], bool | Decision], name: str, reason=None,
                 kind: str = REFUSED):
        self.fn = fn
        self.name = name
        self.reason = reason
        self.kind = kind

    def __call__(self, person, obj=None) -> Decision:
        result = self.fn(person, obj)
        if isinstance(result, Decision):
            return result
        if result:
            return YES
        return Decision(self.kind, self.reason or _l("You cannot do this."))

    def because(self, reason, kind: str | None = None) -> Predicate:
        """The same test with another refusal reason (needed after ``~``)."""
        inner = self

        def fn(person, obj):
            return bool(inner(person, obj))

        return Predicate(fn, self.name, reason, kind or self.kind)

    def __and__(self, other: Predicate) -> Predicate:
        def both(person, obj):
            first = self(person, obj)
            return first if not first else other(person, obj)

        return Predicate(both, f"({self.name} & {other.name})")

    def __or__(self, other: Predicate) -> Predicate:
        def either(person, obj):
            first = self(person, obj)
            if first:
                return first
            return other(person, obj)

        return Predicate(either, f"({self.name} | {other.name})")

    def __invert__(self) -> Predicate:
        def negated(person, obj):
            return not self(person, obj)

        return Predicate(negated, f"~{self.name}")

    def __repr__(self) -> str:
        return f"<Predicate {self.name}>"


def predicate(reason=None, *, kind: str = REFUSED, name: str | None = None):
    """Decorator turning ``fn(person, obj) -> bool`` into a composable :class:`Predicate`."""

    def wrap(fn):
        return Predicate(fn, name or fn.__name__, reason, kind)

    return wrap


always = Predicate(lambda person, obj: True, "always")
never = Predicate(lambda person, obj: False, "never", _l("This action is not available."))


@predicate(_l("Please sign in first."), kind=SIGN_IN)
def is_signed_in(person, obj):
    return bool(getattr(person, "is_authenticated", False))


@predicate(_l("Your account has been blocked by the moderators."))
def is_not_blocked(person, obj):
    return not getattr(person, "is_blocked", False)


@predicate(_l("Only platform administrators can do this."))
def is_admin(person, obj):
    return bool(getattr(person, "is_authenticated", False)) and person.has_role("admin")


def about(facts: Callable[[Any, Any], Any], rule: Predicate, name: str | None = None) -> Predicate:
    """``rule`` asked about ``facts(person, obj)`` instead of ``obj`` (e.g. a motion → the person's standing
    in its vote). ``facts`` returns what it is given when that is already the facts, so a read model that
    holds them for many objects asks the very same rule."""

    def test(person, obj):
        return rule(person, facts(person, obj))

    return Predicate(test, name or rule.name)


def has_role(role: str, scope: Callable[[Any], tuple[str, int] | None] | None = None,
             reason=None) -> Predicate:
    """The person holds ``role`` globally, or for the scope that ``scope(obj)`` names (e.g. a council)."""

    def test(person, obj):
        if not getattr(person, "is_authenticated", False):
            return False
        if person.has_role(role):
            return True
        if scope is None or obj is None:
            return False
        target = scope(obj)
        return target is not None and person.has_role(role, *target)

    return Predicate(test, f"has_role({role})", reason or _l("You do not have the role needed for this."))


#: what the place a piece of content belongs to says about who may do something there (a council's setting
#: for the proposals of the processes that feed it): ``rule(capability, person, obj) -> Decision | None``
#: (None: that place has nothing to say), registered by the package that owns such places
_place_rules: list[Callable[[str, Any, Any], Decision | None]] = []


def register_place_rule(rule: Callable[[str, Any, Any], Decision | None]) -> None:
    if rule not in _place_rules:
        _place_rules.append(rule)


def place_allows(capability: str) -> Predicate:
    """Allowed unless the place the object belongs to refuses ``capability`` ("comment", "report") to the
    person (:func:`register_place_rule`); places that say nothing keep the platform's own rule."""

    def test(person, obj):
        for rule in _place_rules:
            decision = rule(capability, person, obj)
            if decision is not None and not decision:
                return decision
        return YES

    return Predicate(test, f"place_allows({capability})")


class Policies:
    """The registry of actions and the predicate that decides each."""

    def __init__(self):
        self._rules: dict[str, Predicate] = {}

    def register(self, action: str, rule: Predicate) -> None:
        if action in self._rules:
            raise ValueError(f"policy {action!r} registered twice")
        self._rules[action] = rule

    def rule(self, action: str) -> Predicate:
        try:
            return self._rules[action]
        except KeyError:
            raise LookupError(f"no policy for action {action!r}") from None

    def decide(self, action: str, person, obj=None) -> Decision:
        return self.rule(action)(person, obj)

    def actions(self) -> list[str]:
        return sorted(self._rules)


policies = Policies()


def can(action: str, obj=None, person=None) -> Decision:
    """Decide ``action`` on ``obj`` for ``person`` (the signed-in person by default)."""
    return policies.decide(action, current_user if person is None else person, obj)


def require(action: str, obj=None) -> Decision:
    """The view skeleton's authorize step: return when allowed, otherwise answer for the person.

    Visitors are sent to sign in (and back afterwards); everyone else gets a 403 page that gives the reason
    and, when verification is what is missing, the way to verify.
    """
    decision = can(action, obj)
    if decision:
        return decision
    if decision.needs_sign_in:
        abort(redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")), 303))
    abort(409 if decision.is_conflict else 403, description=decision)
    raise AssertionError("unreachable")  # pragma: no cover


def enforce(action: str, person, obj=None) -> Decision:
    """A service's guard: the rule of ``action`` for ``person`` (explicit: services also run without a
    request).

    Returns the decision when allowed; otherwise raises :class:`~consult.core.errors.Conflict` for "already
    done" and :class:`~consult.core.errors.NotAllowed` for every other refusal, with the decision's translated
    reason.
    """
    decision = policies.decide(action, person, obj)
    if decision:
        return decision
    raise (Conflict if decision.is_conflict else NotAllowed)(decision.reason)
