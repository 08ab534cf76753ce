"""A client that checks every request body and answer against the generated OpenAPI schema.

The schema comes from drf-spectacular's generator (what /api/v1/schema/ serves); each body is validated
with jsonschema against the operation's request or response schema for its status code (OpenAPI 3.0's
`nullable` turned into JSON Schema's null type). An undocumented status or a body the schema does not
describe fails the test.
"""

import re
from functools import cache

import jsonschema
from drf_spectacular.generators import SchemaGenerator

from tests.api.helpers import ApiClient


@cache
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _json_schema(node):
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def _operation(method: str, path: str) -> dict:
    for template, operations in openapi()["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method in operations:
            return operations[method]
    raise AssertionError(f"{method.upper()} {path} is not in the schema")


def _validate(instance, schema: dict) -> None:
    document = _json_schema({**schema, "components": openapi()["components"]})
    jsonschema.validate(instance, document)


class SchemaClient(ApiClient):
    def _check(self, method, url, body, response):
        path = url.split("?")[0]
        operation = _operation(method, path)
        if body is not None:
            request_schema = operation["requestBody"]["content"]["application/json"]["schema"]
            _validate(body, request_schema)
        documented = operation["responses"].get(str(response.status_code))
        assert documented is not None, (
            f"{method.upper()} {path} answered an undocumented {response.status_code}"
        )
        content = documented.get("content", {}).get("application/json")
        if content is not None:
            _validate(response.json(), content["schema"])
        return response

    def get(self, url, params=None, **headers):
        return self._check("get", url, None, super().get(url, params, **headers))

    def post(self, url, body=None, **headers):
        return self._check("post", url, body, super().post(url, body, **headers))

    def patch(self, url, body, **headers):
        return self._check("patch", url, body, super().patch(url, body, **headers))
