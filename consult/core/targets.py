"""Generic references to content: ``(target_type, target_id)`` pairs used by comments, follows,
notifications, reports and fact-check notes. Each domain registers its models under a short type name."""

from __future__ import annotations

from consult.extensions import db

_models: dict[str, type] = {}
_load_options: dict[str, tuple] = {}


def register(type_name: str, model: type, *, load=()) -> None:
    """``model`` answers to ``type_name``; ``load``: the loader options :func:`resolve` uses (what the rules
    asked of a target read, e.g. a proposal's process and its phases, in the statement that reads it)."""
    existing = _models.get(type_name)
    if existing is not None and existing is not model:
        raise ValueError(f"target type {type_name!r} already registered for {existing.__name__}")
    _models[type_name] = model
    _load_options[type_name] = tuple(load)


def type_of(obj) -> str:
    for name, model in _models.items():
        if isinstance(obj, model):
            return name
    raise LookupError(f"{type(obj).__name__} is not a registered target type")


def model_for(type_name: str) -> type | None:
    return _models.get(type_name)


def resolve(type_name: str, target_id: int):
    """The object behind a reference, or None (unknown type or deleted object)."""
    model = _models.get(type_name)
    return db.session.get(model, target_id, options=_load_options[type_name]) if model is not None else None


def ref(obj) -> tuple[str, int]:
    return type_of(obj), obj.id


def known_types() -> list[str]:
    return sorted(_models)
