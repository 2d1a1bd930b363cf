#!/usr/bin/env python3
"""Checks BoxOffice's proto3 JSON against the reference implementation (PyPI `protobuf`,
json_format), for the CodegenTests suite.

Usage: json_interop.py DESCRIPTOR_SET MESSAGE_TYPE < request.json
The request is {"binary": <base64 of our protobuf encoding>, "json": <our proto3 JSON>}.
Prints {"python_json": json_format's JSON of the binary message,
        "same_json": whether that JSON equals ours as JSON values,
        "parsed_equal": whether json_format parses our JSON into the same message}.
The message classes are built at run time from the descriptor set, so that no generated Python
code (and no protoc/runtime version pairing) is involved.
"""
import base64
import json
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory


def message_class(descriptor_set_path, type_name):
    file_set = descriptor_pb2.FileDescriptorSet()
    with open(descriptor_set_path, "rb") as handle:
        file_set.ParseFromString(handle.read())
    pool = descriptor_pool.DescriptorPool()
    for file in file_set.file:
        pool.AddSerializedFile(file.SerializeToString())
    descriptor = pool.FindMessageTypeByName(type_name)
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def main():
    cls = message_class(sys.argv[1], sys.argv[2])
    # `--emit-defaults`: fields without presence at their defaults too (our `emitsDefaults`).
    emit_defaults = len(sys.argv) > 3 and sys.argv[3] == "--emit-defaults"
    request = json.load(sys.stdin)
    from_binary = cls()
    from_binary.ParseFromString(base64.b64decode(request["binary"]))
    python_json = json_format.MessageToJson(from_binary, always_print_fields_with_no_presence=emit_defaults)
    from_our_json = json_format.Parse(request["json"], cls())
    json.dump(
        {
            "python_json": python_json,
            "same_json": json.loads(python_json) == json.loads(request["json"]),
            "parsed_equal": from_our_json == from_binary,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
