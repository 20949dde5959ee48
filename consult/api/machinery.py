"""The open-data API's machinery: resource definitions, list/detail serialisation, CSV and the OpenAPI
document.

A :class:`Resource` says which rows are public (``query``), which fields are published (``fields``, each with
its JSON Schema type) and which date the ``since``/``until`` filters apply to. The JSON responses, the CSV
columns and the OpenAPI document are all generated from the same definition, so they cannot disagree.

Only public data is defined here: no e-mail, no username, no ballot and nothing that links a ballot to anyone;
people appear only under their public display name where the platform shows it publicly.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context, request, url_for

from consult.core.csv_export import write_csv
from consult.extensions import db

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
#: query parameters every list accepts (``lang`` is the site-wide language switch)
LIST_PARAMETERS = ("page", "per_page", "since", "until", "lang")

_TYPES = {
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "date-time": {"type": "string", "format": "date-time"},
}


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass
class Field:
    name: str
    type: str  # a key of _TYPES, or "array"/"object" with ``schema``
    getter: Callable[[Any], Any] | None = None
    nullable: bool = False
    description: str = ""
    schema: dict | None = None  # full JSON Schema for arrays and objects

    def value(self, obj):
        raw = self.getter(obj) if self.getter else getattr(obj, self.name)
        if isinstance(raw, datetime):
            return raw.replace(microsecond=0).isoformat() + ("Z" if raw.tzinfo is None else "")
        if isinstance(raw, date):
            return raw.isoformat()
        return raw

    def json_schema(self) -> dict:
        schema = dict(self.schema) if self.schema else dict(_TYPES[self.type])
        if self.nullable:
            kind = schema.get("type")
            schema["type"] = [kind, "null"] if isinstance(kind, str) else kind
        if self.description:
            schema["description"] = self.description
        return schema


def columns(*, nullable: bool = False, **types: str) -> list[Field]:
    """Fields that are the row's attributes of the same names, as they are, in this order:
    ``columns(id="integer", title="string")``; ``nullable=True``: each may be null."""
    return [Field(name, kind, nullable=nullable) for name, kind in types.items()]


@dataclass
class Resource:
    name: str  # URL segment and OpenAPI tag, plural: "minutes", "outcomes"
    title: str  # singular schema name: "Minutes", "Outcome"
    description: str
    fields: list[Field]
    query: Callable[[], sa.Select]  # the public rows, in list order, with eager loading
    model: type
    date_column: Callable[[], Any] | None = None  # what since/until filter on
    date_description: str = ""
    extra: dict = field(default_factory=dict)
    #: optional: called with the rows of a page (or the one item) before they are serialised, returns what the
    #: getters need for all of them at once (one query instead of a collection per row); getters read it
    #: with ``prefetched(name)``
    prefetch: Callable[[list], dict] | None = None
    #: optional: the list's total for these arguments without counting its rows (e.g. from a kept tally), or
    #: None to count them
    count: Callable[[ListArgs], int | None] | None = None
    #: True when ``query`` selects columns rather than mapped objects: each row is then a plain result row
    #: whose columns are read by name (no ORM object is built for a page, which is most of a list's cost)
    rows: bool = False

    def fetch(self, query: sa.Select) -> list:
        """The rows of ``query``: result rows for a column query, objects otherwise."""
        if self.rows:
            return db.session.execute(query).all()
        return db.session.scalars(query).unique().all()

    def serialize(self, obj) -> dict:
        return {f.name: f.value(obj) for f in self.fields}

    def serialize_all(self, rows: list) -> list[dict]:
        if self.prefetch is not None:
            g.setdefault("api_prefetched", {})[self.name] = self.prefetch(rows) if rows else {}
        return [self.serialize(row) for row in rows]

    def schema(self) -> dict:
        return {
            "type": "object",
            "additionalProperties": False,
            "required": [f.name for f in self.fields],
            "properties": {f.name: f.json_schema() for f in self.fields},
        }


def prefetched(name: str) -> dict | None:
    """What ``Resource.prefetch`` gave for the rows being serialised (None outside ``serialize_all``)."""
    return g.get("api_prefetched", {}).get(name) if has_request_context() else None


_builders: list[Callable[[], Resource]] = []
_registry: dict[str, Resource] | None = None


def builder(fn: Callable[[], Resource]):
    """Register a function that defines a resource."""
    _builders.append(fn)
    return fn


def resources() -> dict[str, Resource]:
    global _registry
    if _registry is None:
        built = {resource.name: resource for resource in (build() for build in _builders)}
        _registry = dict(sorted(built.items()))
    return _registry


# --- query parameters -----------------------------------------------------------------------------------


def _int(name: str, default: int, minimum: int = 1) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    raw = raw.strip()
    if not raw.isdecimal() or len(raw) > 9:
        raise BadParameter(name, f"'{name}' must be a whole number of at least {minimum}.")
    value = int(raw)
    if value < minimum:
        raise BadParameter(name, f"'{name}' must be a whole number of at least {minimum}.")
    return value


def _moment(name: str) -> datetime | date | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw)
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(name,
                           f"'{name}' must be a date (YYYY-MM-DD) or a date and time (ISO 8601).") from None
    if moment.tzinfo is not None:
        from datetime import UTC

        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


@dataclass
class ListArgs:
    page: int
    per_page: int
    since: datetime | date | None
    until: datetime | date | None


def list_args() -> ListArgs:
    unknown = sorted(set(request.args) - set(LIST_PARAMETERS))
    if unknown:
        raise BadParameter(unknown[0],
                           f"Unknown parameter '{unknown[0]}'. Known: page, per_page, since, until.")
    for name in LIST_PARAMETERS:
        if len(request.args.getlist(name)) > 1:
            raise BadParameter(name, f"'{name}' is given more than once.")
    page = _int("page", 1)
    per_page = min(_int("per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)  # enormous sizes are capped
    since, until = _moment("since"), _moment("until")
    if page > 10_000_000:
        raise BadParameter("page", "'page' is too large.")
    return ListArgs(page, per_page, since, until)


def _filter_dates(resource: Resource, query, args: ListArgs):
    if resource.date_column is None or (args.since is None and args.until is None):
        return query
    column = resource.date_column()
    is_date_only = isinstance(column.type, sa.Date) and not isinstance(column.type, sa.DateTime)
    if args.since is not None:
        since = args.since
        if is_date_only and isinstance(since, datetime):
            since = since.date()
        elif not is_date_only and not isinstance(since, datetime):
            since = datetime.combine(since, time.min)
        query = query.where(column >= since)
    if args.until is not None:
        until = args.until
        if is_date_only:
            query = query.where(column <= (until.date() if isinstance(until, datetime) else until))
        elif isinstance(until, datetime):
            query = query.where(column <= until)
        else:
            query = query.where(column < datetime.combine(until + timedelta(days=1), time.min))
    return query


def list_page(resource: Resource, args: ListArgs) -> dict:
    """One page of a resource list, with ``meta`` (counts) and ``links`` (self, next, prev)."""
    query = _filter_dates(resource, resource.query(), args)
    total = resource.count(args) if resource.count is not None else None
    if total is None:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    rows = resource.fetch(query.limit(args.per_page).offset((args.page - 1) * args.per_page))
    pages = max(1, -(-total // args.per_page))

    def link(page):
        params = {k: v for k, v in request.args.items() if k != "page"}
        params["per_page"] = args.per_page
        return url_for("api.list_resource", name=resource.name, page=page, **params)

    return {
        "data": resource.serialize_all(rows),
        "meta": {"page": args.page, "per_page": args.per_page, "total": total, "pages": pages},
        "links": {
            "self": link(args.page),
            "next": link(args.page + 1) if args.page < pages else None,
            "prev": link(args.page - 1) if 1 < args.page <= pages else None,
        },
    }


def detail(resource: Resource, ident: int):
    if not 0 < ident <= 2**31 - 1:  # beyond any id (and beyond PostgreSQL's integer)
        return None
    model = resource.model
    query = resource.query().where(model.id == ident)
    rows = resource.fetch(query.limit(1))
    return resource.serialize_all(rows)[0] if rows else None


def _cell(value):
    """A JSON value as CSV text: booleans as in JSON, lists and objects as compact JSON (the writer then keeps
    any cell from starting a formula)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def to_csv(resource: Resource, items: list[dict]) -> str:
    names = [f.name for f in resource.fields]
    return write_csv([names, *([_cell(item[name]) for name in names] for item in items)])


# --- OpenAPI ---------------------------------------------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "additionalProperties": False,
        "required": ["status", "message"],
        "properties": {
            "status": {"type": "integer"},
            "message": {"type": "string"},
            "parameter": {"type": ["string", "null"]},
        },
    }},
}
META_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["page", "per_page", "total", "pages"],
    "properties": {k: {"type": "integer", "minimum": 0} for k in ("page", "per_page", "total", "pages")},
}
LINKS_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["self", "next", "prev"],
    "properties": {"self": {"type": "string"}, "next": {"type": ["string", "null"]},
                   "prev": {"type": ["string", "null"]}},
}


def _parameters(resource: Resource) -> list[dict]:
    params = [
        {"name": "page", "in": "query", "required": False, "description": "Page number, from 1.",
         "schema": {"type": "integer", "minimum": 1, "maximum": 10_000_000, "default": 1}},
        {"name": "per_page", "in": "query", "required": False,
         "description": f"Items per page; larger values are capped at {MAX_PER_PAGE}.",
         "schema": {"type": "integer", "minimum": 1, "default": DEFAULT_PER_PAGE}},
    ]
    if resource.date_column is not None:
        for name, word in (("since", "on or after"), ("until", "on or before")):
            params.append({"name": name, "in": "query", "required": False,
                           "description": f"Only items whose {resource.date_description} is {word} this date "
                                          "(YYYY-MM-DD) or date and time (ISO 8601, UTC).",
                           "schema": {"type": "string",
                                      "anyOf": [{"format": "date"}, {"format": "date-time"}]}})
    return params


def _error_response(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def openapi_document(server_url: str = "/") -> dict:
    paths: dict = {}
    schemas: dict = {"Error": ERROR_SCHEMA, "PageMeta": META_SCHEMA, "PageLinks": LINKS_SCHEMA}
    for resource in resources().values():
        ref = {"$ref": f"#/components/schemas/{resource.title}"}
        schemas[resource.title] = resource.schema()
        list_schema = {
            "type": "object", "additionalProperties": False, "required": ["data", "meta", "links"],
            "properties": {"data": {"type": "array", "items": ref},
                           "meta": {"$ref": "#/components/schemas/PageMeta"},
                           "links": {"$ref": "#/components/schemas/PageLinks"}},
        }
        schemas[f"{resource.title}List"] = list_schema
        errors = {"400": _error_response("Malformed query parameter.")}
        paths[f"/api/v1/{resource.name}"] = {"get": {
            "operationId": f"list_{resource.name}", "tags": [resource.name], "summary": resource.description,
            "parameters": _parameters(resource),
            "responses": {"200": {"description": "A page of items.", "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{resource.title}List"}}}}, **errors},
        }}
        paths[f"/api/v1/{resource.name}.csv"] = {"get": {
            "operationId": f"list_{resource.name}_csv", "tags": [resource.name],
            "summary": f"{resource.description} (CSV, same columns and parameters)",
            "parameters": _parameters(resource),
            "responses": {"200": {"description": "A page of items as CSV (UTF-8, header row).",
                                  "content": {"text/csv": {"schema": {"type": "string"}}}}, **errors},
        }}
        paths[f"/api/v1/{resource.name}/{{id}}"] = {"get": {
            "operationId": f"get_{resource.name}", "tags": [resource.name],
            "summary": f"One item of {resource.name}.",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer", "minimum": 1}}],
            "responses": {
                "200": {"description": "The item.", "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": False, "required": ["data"],
                    "properties": {"data": ref}}}}},
                "404": _error_response("No such public item."),
            },
        }}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Consult open data",
            "version": "1",
            "description": "Read-only public data: councils, sessions, published minutes, processes, "
                           "proposals, closed polls' results and outcomes. No personal data beyond public "
                           "display names; no ballot is ever linked to anyone.",
            "license": {"name": "ODbL-1.0", "identifier": "ODbL-1.0"},
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": schemas},
    }
