"""A real HTTP server on 127.0.0.1 for tests that need more than `responses` fakes."""

import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalSite:
    """Serves `page(path)` as HTML on a free port of 127.0.0.1 (HTTP/1.1, keep-alive).

    Records what a test may want to check: requests per path, connections opened, and the
    Authorization header of each request.
    """

    def __init__(self, page: Callable[[str], bytes]):
        self.hits: Counter = Counter()
        self.connections = 0
        self.authorization: list[str | None] = []
        lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle(self) -> None:  # once per connection
                with lock:
                    site.connections += 1
                super().handle()

            def do_GET(self) -> None:
                with lock:
                    site.hits[self.path] += 1
                    site.authorization.append(self.headers.get("Authorization"))
                body = page(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
