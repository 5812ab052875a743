"""Messages recipients verify with standard tools: the detached JWS beside each message, the
public JWK set, and signing-key rotation, against the real queue and graph."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from jwcrypto import jwk as jc_jwk
from jwcrypto import jws as jc_jws

from silver.bootstrap import Silver as Services
from silver.services import messages
from tests.integration import test_dissemination
from tests.integration.conftest import TEST_ENV, Login
from tests.integration.test_dissemination import approved_case, rows_by_recipient, run_jobs
from tests.support.gateway import Gateway
from wsgi import create_app

transport = test_dissemination.transport


def _verify_with_jwcrypto(token: str, data: bytes, jwk_set: Any) -> str:
    """What a recipient does with a stock JOSE library: nothing of Silver's code."""
    keys = jc_jwk.JWKSet.from_json(json.dumps(jwk_set))
    parsed = jc_jws.JWS()
    parsed.deserialize(token)
    kid = str(parsed.jose_header["kid"])
    parsed.verify(keys.get_key(kid), detached_payload=data)
    return kid


def test_the_jwk_set_is_public_and_verifies_an_outbox_message_with_jwcrypto(
    app: Any, svc: Services, client: FlaskClient, login: Login, transport: Any, tmp_path: Path
) -> None:
    transport("outbox")
    published = client.get("/api/v1/signing-keys.jwks")
    assert published.status_code == 200
    assert published.mimetype == "application/jwk-set+json"
    jwk_set = published.json
    assert jwk_set is not None
    current = svc.services.signing_keys.current().current
    assert jwk_set["keys"][0]["kid"] == current.key_id
    assert all("d" not in key for key in jwk_set["keys"])
    # The contract's endpoint is unchanged and names the same key.
    key = client.get("/api/v1/signing-key", headers=login("evaluator")).json
    assert key["key_id"] == current.key_id and key["algorithm"] == "Ed25519"

    case, cw, _ = approved_case(client, login, countries=["ES"])
    run_jobs(svc)
    message_id = rows_by_recipient(client, case["id"], cw)["ES"]["message_id"]
    outbox = svc.settings.outbox_dir
    data = (outbox / f"{message_id}.json").read_bytes()
    token = (outbox / f"{message_id}.jws").read_text()
    assert _verify_with_jwcrypto(token, data, jwk_set) == current.key_id

    runner = app.test_cli_runner()
    jws_path = outbox / f"{message_id}.jws"
    own = runner.invoke(args=["messages", "verify", str(jws_path)])
    assert own.exit_code == 0, own.output
    assert f"OK {jws_path}: message {message_id} to ES, signed by {current.key_id}" in own.output
    jwks_file = tmp_path / "silver.jwks"
    jwks_file.write_text(json.dumps(jwk_set))
    with_set = runner.invoke(args=["messages", "verify", str(jws_path), "--jwks", str(jwks_file)])
    assert with_set.exit_code == 0, with_set.output

    copy = tmp_path / f"{message_id}.jws"
    copy.write_text(token)
    copy.with_suffix(".json").write_bytes(data.replace(b'"ES"', b'"FR"', 1))
    bad = runner.invoke(args=["messages", "verify", str(copy), "--jwks", str(jwks_file)])
    assert bad.exit_code == 1
    assert "FAILED" in bad.output and "does not match" in bad.output


def test_the_http_gateway_gets_the_jws_in_its_own_header(
    svc: Services, client: FlaskClient, login: Login, transport: Any
) -> None:
    with Gateway(public_pem=svc.keys.signing.public_pem()) as gateway:
        transport("http", gateway.url)
        case, cw, _ = approved_case(client, login, countries=["BE"])
        run_jobs(svc)
    message_id = rows_by_recipient(client, case["id"], cw)["BE"]["message_id"]
    assert gateway.key_ids[message_id] == svc.keys.signing.key_id
    jwk_set = client.get("/api/v1/signing-keys.jwks").json
    kid = _verify_with_jwcrypto(gateway.jws[message_id], gateway.accepted[message_id], jwk_set)
    assert kid == svc.keys.signing.key_id


def test_rotating_the_signing_key_keeps_the_old_key_published(
    svc: Services, tmp_path: Path
) -> None:
    """In an installation of its own (a var directory of its own), so the suite's key stays."""
    env = {
        **os.environ,
        **TEST_ENV,
        "SILVER_VAR_DIR": str(tmp_path),
        "NEO4J_PASSWORD": svc.settings.neo4j_password,
    }
    own = create_app(env)
    try:
        client = own.test_client()
        before = client.get("/api/v1/signing-keys.jwks").json["keys"]
        assert len(before) == 1
        data = b'{"message_id":"x"}'
        signed_before = own.extensions["silver"].services.signing_keys.current().current
        old_token = messages.sign_jws(signed_before, data)
        rotated = own.test_cli_runner().invoke(args=["keys", "rotate-signing"])
        assert rotated.exit_code == 0, rotated.output
        assert f"{before[0]['kid']} is retired and still published" in rotated.output
        # The running app publishes the new key at once, the old one after it.
        after = client.get("/api/v1/signing-keys.jwks").json
        assert [k["kid"] for k in after["keys"]][1:] == [before[0]["kid"]]
        assert after["keys"][0]["kid"] != before[0]["kid"]
        assert _verify_with_jwcrypto(old_token, data, after) == before[0]["kid"]
    finally:
        own.extensions["silver"].close()
