"""The former name of ``consult.core.cache``, left only for ``consult.debates.stream`` until it imports
``consult.core.cache`` (``LRUCache``, or a ``cache.region``); delete this module then."""

from consult.core.cache import LRUCache as KeptStore

__all__ = ["KeptStore"]
