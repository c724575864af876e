"""Fetching's sessions: connections shared by a worker's threads, nothing read from ~/.netrc."""

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

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


def test_every_thread_fetching_one_host_at_once_keeps_its_connection(local_site, settings, caplog):
    # ScraperAPI: every page goes to one host, from all of a tick's threads at once.
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    settings.CURATION_THREADS = 16
    fetch._forget_shared_adapter()

    def slow(path):
        time.sleep(0.05)
        return HELLO

    api = local_site(slow)
    with caplog.at_level(logging.WARNING), ThreadPoolExecutor(16) as pool:
        for _ in range(3):
            list(pool.map(lambda i: fetch.fetch(api.url(f"/p{i}")), range(16)))
    assert not [r for r in caplog.records if "pool is full" in r.getMessage()]
    assert api.connections <= 16
    fetch._forget_shared_adapter()


def test_a_forked_child_makes_its_own_connections():
    parent = fetch._session()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        fresh = (
            fetch._session() is not parent and fetch._adapter() is not parent.adapters["http://"]
        )
        os.write(write, b"1" if fresh else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"


@pytest.mark.parametrize("proxies_from_env", [False, True])
def test_credentials_in_netrc_are_never_sent_to_a_crawled_site(
    site, settings, tmp_path, monkeypatch, proxies_from_env
):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login operator password s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    settings.FETCH_PROXIES_FROM_ENV = proxies_from_env
    on_new_thread(lambda: fetch.fetch(site.url()))
    assert site.authorization == [None]


def test_the_ca_bundle_from_the_environment_is_used(settings, tmp_path):
    settings.FETCH_CA_BUNDLE = str(tmp_path / "corporate-ca.pem")
    assert on_new_thread(fetch._session).verify == settings.FETCH_CA_BUNDLE
