"""JWS (RFC 7515) for the messages, so a recipient can verify them with a stock JOSE library.

Beside the contract's `.sig` (a bare Ed25519 signature over the message's exact bytes), each
message gets a JWS in the compact serialization with its payload detached (RFC 7515 appendix F):
`BASE64URL(header)..BASE64URL(signature)`, where the signature is EdDSA (RFC 8037) over
`BASE64URL(header) '.' BASE64URL(the exact bytes of the .json)`. The protected header names the
key (`kid`, the same id as `X-Silver-Key-Id`), and the keys are published as a JWK set (RFC 7517)
at `GET /api/v1/signing-keys.jwks`, old keys included, so a message signed before a rotation
still verifies.

joserfc does the JOSE work; the keys reach it as PEM text from `silver.infra.crypto`, the only
module of Silver that imports `cryptography`. joserfc warns that RFC 9864 deprecates "EdDSA" in
favour of the fully specified "Ed25519"; we sign with EdDSA all the same, because that is what
the JOSE libraries recipients have today (jwcrypto, jose4j, Nimbus, panva/jose) verify, so the
registry below allows exactly EdDSA, without the warning, and with room for large messages
(joserfc's default refuses payloads over 128 kB).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwa import EdDSAAlgorithm
from joserfc.jwk import OKPKey

from silver.domain.errors import CryptoError
from silver.infra import crypto

ALGORITHM = "EdDSA"
JWK_SET_MEDIA_TYPE = "application/jwk-set+json"
MAX_PAYLOAD_BYTES = 64 * 1024 * 1024


class _EdDSA(EdDSAAlgorithm):
    security_warning = None  # type: ignore[assignment]


class _Registry(jws.JWSRegistry):
    algorithms = {ALGORITHM: _EdDSA()}
    recommended = [ALGORITHM]
    max_payload_length = MAX_PAYLOAD_BYTES


_REGISTRY = _Registry(algorithms=[ALGORITHM])


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_jwk(public_pem: str) -> dict[str, str]:
    """The public JWK of an Ed25519 key (OKP, crv Ed25519), with its `kid`, `alg` and `use`."""
    kid = crypto.public_key_id(public_pem)
    key = OKPKey.import_key(public_pem, {"kid": kid, "alg": ALGORITHM, "use": "sig"})
    return {str(k): str(v) for k, v in key.as_dict(private=False).items()}


def jwk_set(public_pems: Iterable[str]) -> dict[str, list[dict[str, str]]]:
    """A JWK set of the given public keys (the current key first), without duplicates."""
    keys: list[dict[str, str]] = []
    seen: set[str] = set()
    for pem in public_pems:
        jwk = public_jwk(pem)
        if jwk["kid"] not in seen:
            seen.add(jwk["kid"])
            keys.append(jwk)
    return {"keys": keys}


def sign_detached(signing: crypto.SigningKey, data: bytes) -> str:
    """The compact JWS of `data` with its payload detached: `header..signature`."""
    key = OKPKey.import_key(signing.private_pem(), {"kid": signing.key_id})
    token = jws.serialize_compact(
        {"alg": ALGORITHM, "kid": signing.key_id}, data, key, registry=_REGISTRY
    )
    detached: str = jws.detach_content(token)
    return detached


def header_of(token: str) -> dict[str, Any]:
    """The protected header of a compact JWS; CryptoError when it cannot be read."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise CryptoError("a compact JWS has three parts separated by '.'")
    try:
        header = json.loads(_b64url_decode(parts[0]))
    except (binascii.Error, ValueError) as exc:
        raise CryptoError("the JWS header is not base64url-encoded JSON") from exc
    if not isinstance(header, dict):
        raise CryptoError("the JWS header is not a JSON object")
    return header


PublicKey = str | Mapping[str, Any]


def verify_detached(token: str, data: bytes, public_keys: Mapping[str, PublicKey]) -> str:
    """Check a detached compact JWS over `data` with the key its header names (`public_keys`:
    kid -> a public PEM or a public JWK). Returns the kid; CryptoError says why it does not
    verify."""
    token = token.strip()
    header = header_of(token)
    if header.get("alg") != ALGORITHM:
        raise CryptoError(f"the JWS algorithm is {header.get('alg')!r}, not {ALGORITHM}")
    kid = header.get("kid")
    if not isinstance(kid, str) or kid not in public_keys:
        raise CryptoError(f"the JWS names key {kid!r}, which is not among the keys given")
    payload = token.split(".")[1]
    if payload:
        raise CryptoError("the JWS carries its payload; a Silver JWS has it detached")
    try:
        material = public_keys[kid]
        key = OKPKey.import_key(material if isinstance(material, str) else dict(material))
        jws.deserialize_compact(token, key, registry=_REGISTRY, payload=data)
    except JoseError as exc:
        if exc.error == "bad_signature":
            raise CryptoError(
                f"the JWS signature does not match the message bytes and key {kid}"
            ) from None
        raise CryptoError(f"the JWS does not verify: {exc.description or exc.error}") from exc
    except (ValueError, TypeError) as exc:
        raise CryptoError(f"the JWS cannot be read: {exc}") from exc
    return kid


def keys_by_id(public_pems: Iterable[str]) -> dict[str, PublicKey]:
    """kid -> public PEM, for `verify_detached`."""
    return {crypto.public_key_id(pem): pem for pem in public_pems}


def keys_of_jwk_set(document: Any) -> dict[str, PublicKey]:
    """kid -> public JWK of a JWK set (as `GET /api/v1/signing-keys.jwks` serves it); keys
    without a kid are of no use for a JWS that names its key, so they are left out."""
    if not isinstance(document, Mapping) or not isinstance(document.get("keys"), list):
        raise CryptoError('a JWK set is a JSON object with a "keys" list')
    found: dict[str, PublicKey] = {}
    for jwk in document["keys"]:
        if isinstance(jwk, Mapping) and isinstance(jwk.get("kid"), str):
            if "d" in jwk:
                raise CryptoError("the JWK set holds a private key; give public keys only")
            found[jwk["kid"]] = jwk
    return found
