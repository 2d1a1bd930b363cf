"""Validates JSON documents against the generator's OpenAPI component schemas with jsonschema_rs
(the JSON Schema implementation schemathesis uses; ./dev installs it into .local/pytools).

Reads one JSON object on standard input:
  {"schemas": {full name: schema JSON text}, "cases": [{"root": full name, "instance": JSON text}]}
and writes one JSON object:
  {"metaschema_errors": {full name: message}, "results": [[error message, ...] per case]}
Each case validates the instance against {"$ref": "#/components/schemas/<root>"} inside a document
holding every schema under components.schemas, as the gateway's OpenAPI document does.
"""

import json
import sys

import jsonschema_rs


def main() -> None:
    request = json.load(sys.stdin)
    schemas = {name: json.loads(text) for name, text in request["schemas"].items()}
    metaschema_errors = {}
    for name, schema in schemas.items():
        try:
            jsonschema_rs.meta.validate({"$schema": "https://json-schema.org/draft/2020-12/schema", **schema})
        except jsonschema_rs.ValidationError as error:
            metaschema_errors[name] = str(error)
    results = []
    for case in request["cases"]:
        document = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": {"schemas": schemas},
            "$ref": "#/components/schemas/" + case["root"],
        }
        # Formats asserted, as schemathesis generates and checks them (`date-time` of timestamps).
        validator = jsonschema_rs.Draft202012Validator(document, validate_formats=True)
        instance = json.loads(case["instance"])
        results.append([f"{'/'.join(map(str, error.instance_path))}: {error.message}" for error in validator.iter_errors(instance)])
    json.dump({"metaschema_errors": metaschema_errors, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
