"""A throw-away certificate authority for TLS tests: a CA, a server certificate for 127.0.0.1
and localhost, and client certificates, written as PEM files into a directory.

    pki = TestPKI(tmp_path)
    server = pki.server_context(require_client_cert=True)   # for tests/support/gateway.py
    GatewayTLS(client_cert=pki.client.cert, client_key=pki.client.key, ca=pki.ca_cert)
"""

from __future__ import annotations

import ipaddress
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class Pair:
    cert: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class TestPKI:
    """A CA of its own (not trusted by the system) and the certificates it signs."""

    __test__ = False  # not a test class, despite its name

    def __init__(self, directory: Path, name: str = "silver-test-ca") -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._now = datetime.now(UTC)
        self._ca_key = ec.generate_private_key(ec.SECP256R1())
        self._ca = (
            self._builder(_name(name), _name(name), self._ca_key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(self._ca_key, hashes.SHA256())
        )
        self.ca_cert = _write(
            directory / f"{name}.pem", self._ca.public_bytes(serialization.Encoding.PEM)
        )
        self.server = self.issue("gateway", server=True)
        self.client = self.issue("silver-client", server=False)

    def _builder(
        self, subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey
    ) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(self._now - timedelta(minutes=5))
            .not_valid_after(self._now + timedelta(days=1))
        )

    def issue(self, common_name: str, *, server: bool) -> Pair:
        key = ec.generate_private_key(ec.SECP256R1())
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = (
            self._builder(_name(common_name), self._ca.subject, key.public_key())
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        )
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
                ),
                critical=False,
            )
        cert = builder.sign(self._ca_key, hashes.SHA256())
        return Pair(
            cert=_write(
                self.directory / f"{common_name}.pem", cert.public_bytes(serialization.Encoding.PEM)
            ),
            key=_write(self.directory / f"{common_name}.key", _key_pem(key)),
        )

    def server_context(self, *, require_client_cert: bool) -> ssl.SSLContext:
        """The gateway's side: its certificate, and (mutual TLS) this CA for its clients."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self.server.cert), str(self.server.key))
        if require_client_cert:
            context.load_verify_locations(str(self.ca_cert))
            context.verify_mode = ssl.CERT_REQUIRED
        return context
