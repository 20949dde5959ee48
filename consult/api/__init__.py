"""Open-data API: read-only JSON and CSV under ``/api/v1/``, described by ``/api/openapi.json``.

Resources are defined in ``consult/api/resources/<name>.py`` (one module each) on the generic machinery of
``consult/api/machinery.py``.
"""

import importlib
import pkgutil

from flask import Blueprint

bp = Blueprint("api", __name__)

from consult.api import resources, views  # noqa: E402,F401

for _module in pkgutil.iter_modules(resources.__path__):
    importlib.import_module(f"consult.api.resources.{_module.name}")
