"""Contact extraction: a pure function of (html, url), no Django and no I/O.

from contacts.extract import extract
result = extract(html_bytes, "https://www.firm.com/team")
"""

from .page import extract
from .results import Extraction, FoundContact

__all__ = ["Extraction", "FoundContact", "extract"]
