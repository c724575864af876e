"""Fetching's sessions: connections shared by a worker's threads, nothing read from ~/.netrc."""

import threading

import pytest

from pages import fetch

HELLO = b"<html><p>hello</p></html>"


@pytest.fixture
def site(local_site, settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    return local_site(lambda path: HELLO)


def on_new_thread(function):
    """Run `function` on a thread of its own (a thread's first fetch makes its session)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(function()))
    thread.start()
    thread.join()
    return result[0]


def test_threads_fetching_one_site_in_turn_share_one_connection(site):
    for _ in range(6):
        assert on_new_thread(lambda: fetch.fetch(site.url("/team"))).html == HELLO.decode()
    assert site.connections == 1


def test_credentials_in_netrc_are_never_sent_to_a_crawled_site(
    site, settings, tmp_path, monkeypatch
):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login operator password s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    settings.FETCH_PROXIES_FROM_ENV = False
    on_new_thread(lambda: fetch.fetch(site.url()))
    assert site.authorization == [None]


def test_the_ca_bundle_from_the_environment_is_used(settings, tmp_path):
    settings.FETCH_CA_BUNDLE = str(tmp_path / "corporate-ca.pem")
    assert on_new_thread(fetch._session).verify == settings.FETCH_CA_BUNDLE
