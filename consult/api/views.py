"""The open-data API: read-only JSON (and CSV) lists and items, and the OpenAPI document.

Errors are JSON: ``{"error": {"status": 400, "message": "...", "parameter": "per_page"}}``.
"""

from __future__ import annotations

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from consult.api import bp, open_data
from consult.api.machinery import (
    BadParameter,
    detail,
    list_args,
    list_page,
    openapi_document,
    resources,
    to_csv,
)
from consult.core import error_pages
from consult.core.csv_export import csv_download
from consult.core.urls import external_url


def _error(status: int, message: str, parameter: str | None = None):
    response = jsonify({"error": {"status": status, "message": message, "parameter": parameter}})
    response.status_code = status
    return response


@bp.errorhandler(BadParameter)
def _bad_parameter(error: BadParameter):
    return _error(400, error.message, error.parameter)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    messages = {404: "Not found.", 405: "Only GET is allowed here.", 400: "Bad request."}
    return _error(error.code or 500, messages.get(error.code, error.name))


# a URL under the API that matches no route (e.g. an id beyond any row) is answered in JSON too
error_pages.answer_under("/api/v1/", _http_error)


@bp.after_request
def _headers(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers.setdefault("Cache-Control", "public, max-age=60")
    return response


@bp.route("/api/v1/")
def index():
    """What the API offers; a browser (it prefers HTML) is sent to the open data page for people."""
    if open_data.wants("html"):
        return open_data.to_page()
    response = jsonify({
        "openapi": external_url("api.openapi"),
        "resources": {name: external_url("api.list_resource", name=name) for name in resources()},
    })
    response.vary.add("Accept")
    return response


def _resource_or_404(name: str):
    resource = resources().get(name)
    if resource is None:
        return None
    return resource


@bp.route("/api/v1/<name>")
def list_resource(name):
    """A page of public items; ``page``, ``per_page`` (capped), ``since`` and ``until`` (dates)."""
    if name.endswith(".csv"):
        return list_csv(name[:-4])
    resource = _resource_or_404(name)
    if resource is None:
        return _error(404, "Unknown resource.")
    return jsonify(list_page(resource, list_args()))


def list_csv(name):
    """The same page as CSV (one column per field; lists and objects as JSON text)."""
    resource = _resource_or_404(name)
    if resource is None:
        return _error(404, "Unknown resource.")
    page = list_page(resource, list_args())
    return csv_download(to_csv(resource, page["data"]), f'{name}-page-{page["meta"]["page"]}.csv')


@bp.route("/api/v1/<name>/<int:ident>")
def show_resource(name, ident):
    resource = _resource_or_404(name)
    if resource is None:
        return _error(404, "Unknown resource.")
    item = detail(resource, ident)
    if item is None:
        return _error(404, "No such public item.")
    return jsonify({"data": item})


@bp.route("/api/openapi.json")
def openapi():
    """The OpenAPI 3.1 document, generated from the resource definitions the responses use."""
    return jsonify(openapi_document(request.script_root or "/"))
