"""Running test code on several threads at once, each with its own database connection."""

import threading
from collections.abc import Callable

from django.db import connection


def run_concurrently(*functions: Callable[[], object], timeout: float = 60) -> None:
    """Start each function on a thread of its own, wait for all, then raise the first error
    any of them raised. Each thread closes its database connection when it ends."""
    errors: list[BaseException] = []

    def run(function: Callable[[], object]) -> None:
        try:
            function()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if errors:
        raise errors[0]
