"""PyJWT as the reference implementation for BoxOfficeJWT's interop tests.

Reads one JSON request on stdin, writes one JSON answer on stdout:
  {"op": "sign", "alg": ..., "private_pem": ..., "kid": ... or null, "claims": {...}}
      -> {"token": ...}
  {"op": "verify", "alg": ..., "public_pem": ... or "jwks": ... and "kid": ...,
   "token": ..., "issuer": ..., "audience": ..., "now": seconds}
      -> {"claims": {...}, "header": {...}} or {"error": "<exception class>"}
"""
import json
import sys

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key


def main():
    request = json.load(sys.stdin)
    if request["op"] == "sign":
        key = load_pem_private_key(request["private_pem"].encode(), password=None)
        headers = {"kid": request["kid"]} if request.get("kid") is not None else None
        token = jwt.encode(request["claims"], key, algorithm=request["alg"], headers=headers)
        json.dump({"token": token}, sys.stdout)
        return
    if "jwks" in request:
        keys = [k for k in jwt.PyJWKSet.from_json(request["jwks"]).keys if k.key_id == request["kid"]]
        if len(keys) != 1:
            json.dump({"error": "kid not found in JWKS"}, sys.stdout)
            return
        key = keys[0].key
    else:
        key = load_pem_public_key(request["public_pem"].encode())
    # PyJWT's time checks use the real clock; the tests' tokens are made valid for it.
    try:
        claims = jwt.decode(
            request["token"],
            key,
            algorithms=[request["alg"]],
            issuer=request["issuer"],
            audience=request["audience"],
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
    except jwt.PyJWTError as error:
        json.dump({"error": type(error).__name__}, sys.stdout)
        return
    json.dump({"claims": claims, "header": jwt.get_unverified_header(request["token"])}, sys.stdout)


main()
