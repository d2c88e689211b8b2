"""Check requests against the Calendar v3 discovery document shipped in googleapiclient.

The loopback Google fake uses this so a request our adapter builds wrongly (unknown
method or parameter, bad type, missing required value, unknown body field) fails the
test instead of being answered kindly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import googleapiclient

__all__ = ["DISCOVERY_PATH", "ApiMethod", "CalendarDiscovery"]

DISCOVERY_PATH = (
    Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "calendar.v3.json"
)
# Parameters googleapiclient may add that the document does not list per method.
_TRANSPORT_PARAMS = frozenset({"alt", "fields", "key", "oauth_token", "prettyPrint", "quotaUser"})
# "syncToken ... cannot be used together with" these (events.list description).
_SYNC_EXCLUSIVE = (
    "iCalUID",
    "orderBy",
    "privateExtendedProperty",
    "q",
    "sharedExtendedProperty",
    "timeMin",
    "timeMax",
    "updatedMin",
)


@dataclass(frozen=True, slots=True)
class ApiMethod:
    """One discovery method: its id, HTTP verb, path template and declared parameters."""

    id: str
    http_method: str
    segments: tuple[str, ...]
    parameters: dict[str, dict[str, Any]]
    request_schema: str | None

    @property
    def short_id(self) -> str:
        """The id without the service prefix, e.g. ``events.insert``."""
        return self.id.removeprefix("calendar.")


class CalendarDiscovery:
    """The Calendar v3 surface as the bundled discovery document describes it."""

    def __init__(self, path: Path = DISCOVERY_PATH) -> None:
        """Load the document and index every method of every resource."""
        doc = json.loads(path.read_text(encoding="utf-8"))
        self.service_path = "/" + doc["servicePath"]  # "/calendar/v3/"
        self.batch_path = "/" + doc["batchPath"]  # "/batch/calendar/v3"
        self.global_parameters: dict[str, dict[str, Any]] = doc.get("parameters", {})
        self.schemas: dict[str, dict[str, Any]] = doc["schemas"]
        self.methods: list[ApiMethod] = []
        self._collect(doc.get("resources", {}))

    def _collect(self, resources: dict[str, Any]) -> None:
        """Walk nested resources and keep their methods."""
        for resource in resources.values():
            for method in resource.get("methods", {}).values():
                request = method.get("request")
                self.methods.append(
                    ApiMethod(
                        id=method["id"],
                        http_method=method["httpMethod"],
                        segments=tuple(method["path"].split("/")),
                        parameters=method.get("parameters", {}),
                        request_schema=request.get("$ref") if request else None,
                    )
                )
            self._collect(resource.get("resources", {}))

    def match(self, http_method: str, raw_path: str) -> tuple[ApiMethod, dict[str, str]] | None:
        """The method a request targets and its decoded path parameters, if any matches."""
        if not raw_path.startswith(self.service_path):
            return None
        segments = raw_path[len(self.service_path) :].split("/")
        for method in self.methods:
            if method.http_method != http_method or len(method.segments) != len(segments):
                continue
            params: dict[str, str] = {}
            for template, actual in zip(method.segments, segments, strict=True):
                if template.startswith("{") and template.endswith("}"):
                    if not actual:
                        break
                    params[template[1:-1]] = unquote(actual)
                elif template != actual:
                    break
            else:
                return method, params
        return None

    def problems(
        self,
        method: ApiMethod,
        path_params: dict[str, str],
        query: list[tuple[str, str]],
        body: Any,
    ) -> list[str]:
        """Everything about a request that the discovery document says is wrong."""
        found: list[str] = []
        seen: dict[str, int] = {}
        for name, value in query:
            seen[name] = seen.get(name, 0) + 1
            spec = method.parameters.get(name) or self.global_parameters.get(name)
            if spec is None:
                if name not in _TRANSPORT_PARAMS:
                    found.append(f"{method.id}: unknown query parameter {name!r}")
                continue
            if spec.get("location") == "path":
                found.append(f"{method.id}: path parameter {name!r} sent in the query")
            found.extend(self._value_problems(f"{method.id}: {name}", spec, value))
        for name, count in seen.items():
            spec = method.parameters.get(name, {})
            if count > 1 and not spec.get("repeated"):
                found.append(f"{method.id}: {name!r} repeated but not repeatable")
        for name, spec in method.parameters.items():
            present = name in path_params if spec.get("location") == "path" else name in seen
            if spec.get("required") and not present:
                found.append(f"{method.id}: required parameter {name!r} missing")
        if "syncToken" in seen:
            found.extend(
                f"{method.id}: syncToken cannot be combined with {name!r}"
                for name in _SYNC_EXCLUSIVE
                if name in seen
            )
        if method.request_schema is None:
            if body is not None:
                found.append(f"{method.id}: takes no request body")
        elif not isinstance(body, dict):
            found.append(f"{method.id}: request body must be a {method.request_schema} object")
        else:
            schema = {"$ref": method.request_schema}
            found.extend(self._schema_problems(body, schema, "body", method.id))
        return found

    @staticmethod
    def _value_problems(where: str, spec: dict[str, Any], value: str) -> list[str]:
        """Type, range and enum checks of one query value."""
        kind = spec.get("type")
        if kind == "boolean" and value not in ("true", "false"):
            return [f"{where}: {value!r} is not a boolean"]
        if kind == "integer":
            try:
                number = int(value)
            except ValueError:
                return [f"{where}: {value!r} is not an integer"]
            low, high = spec.get("minimum"), spec.get("maximum")
            if (low is not None and number < int(low)) or (high is not None and number > int(high)):
                return [f"{where}: {number} outside [{low}, {high}]"]
        if "enum" in spec and value not in spec["enum"]:
            return [f"{where}: {value!r} not one of {spec['enum']}"]
        return []

    def _schema_problems(
        self, value: Any, schema: dict[str, Any], where: str, method_id: str
    ) -> list[str]:
        """Recursive structural check of a JSON body, including per-method required fields."""
        if "$ref" in schema:
            schema = self.schemas[schema["$ref"]]
        kind = schema.get("type")
        if kind == "object":
            if not isinstance(value, dict):
                return [f"{where}: expected an object"]
            found: list[str] = []
            properties = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            for key, item in value.items():
                spec = properties.get(key, extra)
                if spec is None:
                    found.append(f"{where}: unknown field {key!r}")
                else:
                    found.extend(self._schema_problems(item, spec, f"{where}.{key}", method_id))
            found.extend(
                f"{where}: {key!r} is required by {method_id}"
                for key, spec in properties.items()
                if method_id in spec.get("annotations", {}).get("required", ()) and key not in value
            )
            return found
        if kind == "array":
            if not isinstance(value, list):
                return [f"{where}: expected an array"]
            items = schema.get("items", {})
            return [
                problem
                for i, item in enumerate(value)
                for problem in self._schema_problems(item, items, f"{where}[{i}]", method_id)
            ]
        return self._scalar_problems(value, schema, where)

    @staticmethod
    def _scalar_problems(value: Any, schema: dict[str, Any], where: str) -> list[str]:
        """Strings (with date/date-time/int64 formats), integers, numbers and booleans."""
        kind, fmt = schema.get("type"), schema.get("format")
        if kind == "string":
            if not isinstance(value, str):
                return [f"{where}: expected a string"]
            try:
                if fmt == "date-time":
                    datetime.fromisoformat(value)
                elif fmt == "date":
                    date.fromisoformat(value)
                elif fmt in ("int64", "uint64"):
                    int(value)
            except ValueError:
                return [f"{where}: {value!r} is not a valid {fmt}"]
            return []
        if kind == "integer" and (not isinstance(value, int) or isinstance(value, bool)):
            return [f"{where}: expected an integer"]
        if kind == "number" and not isinstance(value, int | float):
            return [f"{where}: expected a number"]
        if kind == "boolean" and not isinstance(value, bool):
            return [f"{where}: expected a boolean"]
        return []
