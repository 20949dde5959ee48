"""One module per API resource. Each defines its public fields with ``machinery.builder``; resources whose
source module is not installed (checked with ``find_spec``) are left out of the API and its OpenAPI document."""

import importlib.util


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False
