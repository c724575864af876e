"""Registered domains and country hints, from the public suffix list bundled with tldextract."""

import functools

import tldextract

# The bundled snapshot only: extraction never touches the network.
_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
# tldextract builds its suffix tree on first use, without a lock: threads that met it unbuilt
# each built their own (a worker's 64 threads spent 2.5 s of CPU at the start of every tick).
# Build it now, once, under the import lock.
_extract("example.com")


@functools.lru_cache(maxsize=8192)
def split_domain(host: str) -> tuple[str, str, str]:
    """(subdomain, name, public suffix) of a host name; name or suffix is "" when unknown."""
    result = _extract(host.lower().strip("."))
    return result.subdomain, result.domain, result.suffix


def registered_domain(host: str) -> str:
    _, name, suffix = split_domain(host)
    return f"{name}.{suffix}" if name and suffix else ""
