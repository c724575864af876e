"""Fetching's sessions: connections shared by a worker's threads, nothing read from ~/.netrc."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pages import fetch


class Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one handle() per connection

    def handle(self):
        with self.server.lock:
            self.server.connections += 1
        super().handle()

    def do_GET(self):
        self.server.authorization.append(self.headers.get("Authorization"))
        body = b"<html><p>hello</p></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site(settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    server.daemon_threads = True
    server.lock, server.connections, server.authorization = threading.Lock(), 0, []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def on_new_thread(function):
    """Run `function` on a thread of its own (a thread's first fetch makes its session)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(function()))
    thread.start()
    thread.join()
    return result[0]


def test_threads_fetching_one_site_in_turn_share_one_connection(site):
    url = f"http://127.0.0.1:{site.server_address[1]}/team"
    for _ in range(6):
        assert on_new_thread(lambda: fetch.fetch(url)).html == "<html><p>hello</p></html>"
    assert site.connections == 1


def test_credentials_in_netrc_are_never_sent_to_a_crawled_site(
    site, settings, tmp_path, monkeypatch
):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login operator password s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    settings.FETCH_PROXIES_FROM_ENV = False
    on_new_thread(lambda: fetch.fetch(f"http://127.0.0.1:{site.server_address[1]}/"))
    assert site.authorization == [None]


def test_the_ca_bundle_from_the_environment_is_used(settings, tmp_path):
    settings.FETCH_CA_BUNDLE = str(tmp_path / "corporate-ca.pem")
    assert on_new_thread(fetch._session).verify == settings.FETCH_CA_BUNDLE
