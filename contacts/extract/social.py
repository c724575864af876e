"""Social profile links: profiles only, never share buttons, posts or repositories."""

from urllib.parse import unquote, urlsplit

from .text import word_set

# Paths on each network that are features, not someone's profile.
_TWITTER_RESERVED = word_set(
    """intent share home search hashtag i login logout signup explore settings messages
    notifications tos privacy compose widgets oauth account download jobs about"""
)
_FACEBOOK_RESERVED = word_set(
    """sharer sharer.php share share.php dialog plugins login logout login.php home.php groups
    events watch pages profile.php people hashtag search marketplace gaming help policies
    privacy legal business ads tr l.php"""
)
_INSTAGRAM_RESERVED = word_set(
    "p reel reels explore stories accounts share direct tv about legal developer web"
)
_GITHUB_RESERVED = word_set(
    """sponsors orgs features pricing about login join signup topics marketplace explore settings
    security enterprise collections trending apps site contact customer-stories readme team
    solutions resources notifications new organizations search issues pulls codespaces
    marketplace events git-guides"""
)


def _network(host: str) -> str | None:
    host = host.lower().split(":", 1)[0]
    labels = host.split(".")
    if len(labels) < 2:
        return None
    base = ".".join(labels[-2:])
    return {
        "linkedin.com": "linkedin",
        "twitter.com": "twitter",
        "x.com": "twitter",
        "facebook.com": "facebook",
        "fb.com": "facebook",
        "instagram.com": "instagram",
        "youtube.com": "youtube",
        "tiktok.com": "tiktok",
        "github.com": "github",
    }.get(base)


def profile_url(href: str) -> str | None:
    """The normalised profile link (https, no query, fragment or trailing slash), or None."""
    href = href.strip()
    if href.startswith("//"):
        href = "https:" + href
    lowered = href[:12].lower()
    if not lowered.startswith(("http://", "https://")):
        return None
    host = href.split("/", 3)[2] if href.count("/") >= 2 else ""
    if not _network(host.rpartition("@")[2]):
        return None  # most links: no need to take the address apart
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    network = _network(parts.hostname or "")
    if not network:
        return None
    if network == "github" and parts.hostname.lower() not in ("github.com", "www.github.com"):
        return None  # gist.github.com, docs.github.com: not profiles
    path = parts.path.rstrip("/")
    segments = [s for s in unquote(path).split("/") if s]
    if not segments or not _is_profile(network, segments):
        return None
    return f"https://{parts.netloc}{path}"


def _is_profile(network: str, segments: list[str]) -> bool:
    first = segments[0].lower()
    if network == "linkedin":
        return len(segments) == 2 and first in ("in", "company", "school")
    if network == "twitter":
        return len(segments) == 1 and first not in _TWITTER_RESERVED
    if network == "facebook":
        return len(segments) == 1 and first not in _FACEBOOK_RESERVED
    if network == "instagram":
        return len(segments) == 1 and first not in _INSTAGRAM_RESERVED
    if network == "youtube":
        if first.startswith("@"):
            return len(segments) == 1 and len(first) > 1
        return len(segments) == 2 and first in ("channel", "c", "user")
    if network == "tiktok":
        return len(segments) == 1 and first.startswith("@") and len(first) > 1
    if network == "github":
        return len(segments) == 1 and first not in _GITHUB_RESERVED
    return False
