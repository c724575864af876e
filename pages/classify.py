"""A page's type from its URL path (SPEC section 7): contact, about, team, careers, legal,
services, blog or other, with a confidence and the path depth.

Words are compared whole, never searched with open-ended patterns, so the cost is linear in the
length of the path.
"""

import re
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from pages.models import PageType


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Whole segment or single word, in the languages our sites use most.
WORDS: dict[str, frozenset[str]] = {
    PageType.CONTACT: _words(
        "contact contacts contactus contact-us contacto contactos contactenos contactez-nous "
        "nous-contacter contato contatos fale-conosco contatti contattaci kontakt kontakte "
        "kontaktformular kontakta kontakta-oss kontaktieren kontakt-os yhteystiedot "
        "get-in-touch reach-us write-to-us"
    ),
    PageType.ABOUT: _words(
        "about about-us aboutus who-we-are our-story our-company company history "
        "ueber-uns uber-uns über-uns ueberuns wir-ueber-uns unternehmen "
        "qui-sommes-nous a-propos apropos à-propos chi-siamo sobre-nosotros quienes-somos "
        "quem-somos sobre-nos over-ons om-oss om-os o-nas"
    ),
    PageType.TEAM: _words(
        "team teams our-team the-team people our-people staff leadership management "
        "board attorneys lawyers doctors physicians faculty employees "
        "equipe équipe notre-equipe notre-équipe equipo nuestro-equipo equipa squadra "
        "mitarbeiter ansprechpartner unser-team medewerkers"
    ),
    PageType.CAREERS: _words(
        "careers career jobs job vacancies vacancy hiring join-us work-with-us "
        "karriere stellenangebote stellen jobs-karriere emplois emploi carrieres carrières "
        "recrutement empleo empleos trabaja-con-nosotros carreiras vagas lavora-con-noi "
        "vacatures werken-bij"
    ),
    PageType.LEGAL: _words(
        "legal impressum imprint privacy privacy-policy privacypolicy terms terms-of-service "
        "terms-of-use terms-and-conditions tos cookies cookie-policy gdpr disclaimer "
        "datenschutz datenschutzerklaerung datenschutzerklärung agb mentions-legales "
        "politique-de-confidentialite aviso-legal privacidad politica-de-privacidade "
        "note-legali privacy-beleid colofon"
    ),
    PageType.SERVICES: _words(
        "services service our-services what-we-do solutions leistungen dienstleistungen "
        "angebot prestations servicios servicos serviços servizi diensten"
    ),
    PageType.BLOG: _words(
        "blog blogs news post posts article articles press press-releases stories insights "
        "events tag tags category categories author archive archives feed "
        "aktuelles neuigkeiten presse actualites actualités noticias notizie nieuws"
    ),
}
# Word stems that mark a contact page on their own (kontaktieren, contactenos, contattaci…).
CONTACT_STEMS = ("contact", "kontakt", "contatt", "contato")
MEDIA_EXTENSIONS = _words(
    "pdf jpg jpeg png gif webp svg ico bmp tif tiff mp3 mp4 m4a mov avi webm wav ogg "
    "zip gz rar 7z tar doc docx xls xlsx ppt pptx csv txt xml json rss atom css js woff woff2 "
    "ttf eot exe dmg apk"
)
# Earlier wins when one segment names two types ("contact-our-team" is a contact page).
PRIORITY = (
    PageType.CONTACT,
    PageType.TEAM,
    PageType.ABOUT,
    PageType.CAREERS,
    PageType.LEGAL,
    PageType.SERVICES,
)
_RANKED = (*PRIORITY, PageType.BLOG)
# Word -> its type (and that type's rank): the earliest type in _RANKED wins a shared word.
_VOCABULARY = {w: t for t in reversed(_RANKED) for w in WORDS[t]}
_VOCABULARY_RANK = {w: _RANKED.index(t) for w, t in _VOCABULARY.items()}
_BLOG_WORDS = WORDS[PageType.BLOG]
LIKELY_CONTACT_TYPES = frozenset({PageType.CONTACT, PageType.TEAM, PageType.ABOUT})
LIKELY_CONTACT_MAX_DEPTH = 2

_WORD_SPLIT = re.compile(r"[-_.+~,;:!]+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_MONTH = re.compile(r"0?[1-9]|1[0-2]")
_LANGUAGE = re.compile(r"[a-z]{2}(?:[-_][a-z]{2})?")


def classify_url(url: str) -> tuple[str, float, int]:
    """(page type, confidence 0 to 1, path depth) from the URL's path alone.

    The last segment that names a type decides; a whole-segment match ("/kontakt") is surer than
    a word in a longer segment ("/contact-information"), which is surer than a parent segment
    ("/team/jane-doe"). Dated paths and blog sections are blog; media files are other.
    """
    segments = _segments(url)
    depth = len(segments)
    if not segments:
        return PageType.OTHER, 0.5, 0
    if _is_media(segments[-1]):
        return PageType.OTHER, 0.9, depth
    if _is_dated(segments):
        return PageType.BLOG, 0.9, depth
    if any(segment in _BLOG_WORDS for segment in segments[:-1]):
        return PageType.BLOG, 0.8, depth  # whatever a post's slug says, it is a post
    for index in range(depth - 1, -1, -1):
        found = _type_of_segment(_stem_extension(segments[index]))
        if found is None:
            continue
        page_type, whole = found
        if index < depth - 1:
            return page_type, 0.6, depth  # a page below a section ("/team/jane-doe")
        return page_type, 0.95 if whole else 0.75, depth
    return PageType.OTHER, 0.5, depth


def is_likely_contact_page(url: str) -> bool:
    """A contact, team or about page itself (not a page below one), near the site's root.

    Blog posts and media files never are.
    """
    page_type, confidence, depth = classify_url(url)
    if page_type not in LIKELY_CONTACT_TYPES or confidence < 0.75:
        return False
    segments = _segments(url)
    if segments and _LANGUAGE.fullmatch(segments[0]) and depth > 1:
        depth -= 1  # /en/contact is as shallow as /contact
    return depth <= LIKELY_CONTACT_MAX_DEPTH


def _segments(url: str) -> list[str]:
    try:
        path = urlsplit(url).path
    except ValueError:
        return []
    return [s for s in unquote(path).lower().split("/") if s]


def _is_media(segment: str) -> bool:
    _, dot, extension = segment.rpartition(".")
    return bool(dot) and extension in MEDIA_EXTENSIONS


def _stem_extension(segment: str) -> str:
    for extension in (".html", ".htm", ".php", ".aspx", ".asp", ".jsp", ".cfm", ".shtml"):
        if segment.endswith(extension):
            return segment[: -len(extension)]
    return segment


def _is_dated(segments: list[str]) -> bool:
    """A /2023/05/ path (or a year directly above a slug), the shape of a blog post."""
    for index, segment in enumerate(segments[:-1]):
        if _YEAR.fullmatch(segment) and (
            _MONTH.fullmatch(segments[index + 1]) or index + 1 == len(segments) - 1
        ):
            return True
    return False


def _type_of_segment(segment: str) -> tuple[str, bool] | None:
    """(type, whether the whole segment matched) or None."""
    words = [w for w in _WORD_SPLIT.split(segment) if w]
    whole = _VOCABULARY.get("-".join(words))
    if whole is not None:
        return whole, True
    ranks = [_VOCABULARY_RANK[p] for p in _word_groups(words) if p in _VOCABULARY_RANK]
    if any(w.startswith(CONTACT_STEMS) for w in words):
        ranks.append(0)
    return (_RANKED[min(ranks)], False) if ranks else None


def _word_groups(words: list[str]) -> Iterator[str]:
    """Each word, then each run of two and three words (who-we-are)."""
    yield from words
    for size in (2, 3):
        for start in range(len(words) - size + 1):
            yield "-".join(words[start : start + size])
