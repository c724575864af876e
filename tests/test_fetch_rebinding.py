"""DNS rebinding: the address check holds for the connection actually made, not a lookup."""

import socket

import pytest

from pages import fetch


@pytest.fixture
def internal_server(local_site):
    """The port of an internal admin panel on 127.0.0.1."""
    return local_site(lambda path: b"<html>internal admin panel</html>").port


@pytest.fixture
def rebinding_dns(monkeypatch):
    """rebind.example.org: a public address for the first lookup, loopback afterwards."""
    real = socket.getaddrinfo
    lookups = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "rebind.example.org":
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        ip = "93.184.216.34" if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(fetch, "_dns_cache", {})
    return lookups


def test_a_name_that_rebinds_to_loopback_is_refused_at_connect(
    settings, internal_server, rebinding_dns
):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    settings.FETCH_RETRIES = 0
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(f"http://rebind.example.org:{internal_server}/")
    assert str(caught.value) == (
        "refused: rebind.example.org resolves to 127.0.0.1, a loopback address"
    )
    assert len(rebinding_dns) == 2  # the check's lookup, then the connection's


def test_private_addresses_are_reached_when_allowed(settings, internal_server):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    page = fetch.fetch(f"http://127.0.0.1:{internal_server}/")
    assert "internal admin panel" in page.html
