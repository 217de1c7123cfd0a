"""HTTPS for phones on a classroom network: ``scripts/make_cert.sh`` makes a self-signed certificate,
``scripts/app.sh`` serves the app over TLS with it, and a page reached by the network address gets a secure
context (the camera's precondition) over HTTPS and not over plain HTTP."""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.harness import ARTIFACTS, free_port

ROOT = Path(__file__).resolve().parents[2]


def _network_address() -> str | None:
    """This machine's first non-loopback IPv4 address (what a phone on the same network would use)."""
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    return next((a for a in out if "." in a and not a.startswith("127.")), None)


def _health(url: str, context: ssl.SSLContext | None, timeout_s: float = 180) -> str:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5, context=context) as r:
                return r.read().decode()
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


@pytest.fixture(scope="module")
def cert(tmp_path_factory) -> tuple[Path, Path, str | None]:
    folder = tmp_path_factory.mktemp("tls")
    address = _network_address()
    out = subprocess.run(["bash", "scripts/make_cert.sh", str(folder), *([address] if address else [])],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert (folder / "cert.pem").read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert oct((folder / "key.pem").stat().st_mode)[-3:] == "600"
    return folder / "cert.pem", folder / "key.pem", address


@pytest.fixture(scope="module")
def https_server(cert):
    """``scripts/app.sh`` with the certificate, as a teacher starts it."""
    cert_file, key_file, address = cert
    port = free_port("0.0.0.0")
    env = dict(os.environ, PORT=str(port), DENSENET_VIZ_TLS_CERT=str(cert_file), DENSENET_VIZ_TLS_KEY=str(key_file))
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / "app-https.log", "w") as log:
        proc = subprocess.Popen(["bash", "scripts/app.sh", "--browser.gatherUsageStats", "false"], cwd=ROOT,
                                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield port, cert_file, address
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_app_sh_serves_https_with_the_certificate(https_server):
    port, cert_file, _ = https_server
    trusting = ssl.create_default_context(cafile=str(cert_file))  # the certificate verifies, host name included
    assert _health(f"https://127.0.0.1:{port}", trusting) == "ok"
    assert _health(f"https://localhost:{port}", trusting, timeout_s=10) == "ok"
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):  # it is TLS, self-signed
        urllib.request.urlopen(f"https://127.0.0.1:{port}/_stcore/health", timeout=10,
                               context=ssl.create_default_context())
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:  # plain HTTP gets no page
        s.sendall(b"GET /_stcore/health HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(10)
        try:
            reply = s.recv(200)
        except OSError:  # the TLS server drops the connection
            reply = b""
    assert b"\r\n\r\nok" not in reply


@pytest.mark.e2e
def test_a_phone_on_the_network_gets_a_secure_context(https_server, browser):
    port, _, address = https_server
    if address is None:
        pytest.skip("this machine has no network address besides loopback")
    # The certificate names this address; a phone asks once whether to trust it (ignore_https_errors here).
    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    try:
        page.goto(f"https://{address}:{port}/explain", timeout=180_000)
        assert page.evaluate("() => window.isSecureContext") is True  # getUserMedia (the camera) is allowed
    finally:
        context.close()


def test_app_sh_refuses_half_a_tls_setting(tmp_path):
    env = dict(os.environ, DENSENET_VIZ_TLS_CERT=str(tmp_path / "missing.pem"), DENSENET_VIZ_TLS_KEY="")
    out = subprocess.run(["bash", "scripts/app.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "DENSENET_VIZ_TLS_CERT and DENSENET_VIZ_TLS_KEY must both name readable PEM files" in out.stderr
