"""Decoding and parsing a page, and walking its visible text node by node."""

import bisect
import re
import threading
from dataclasses import dataclass, field

from lxml import etree

# Text in these is never shown to a reader.
SKIPPED_TAGS = frozenset(
    {"script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "object"}
)

# Elements that start a new line of text: text on either side of them never runs together.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "button", "caption", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "img",
        "input", "label", "legend", "li", "main", "nav", "ol", "option", "p", "pre", "section",
        "select", "summary", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "tr",
        "ul",
    }
)  # fmt: skip

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s{0,5}=\s{0,5}["']?([A-Za-z0-9_\-:.]{1,40})""", re.I
)
_XML_DECLARATION = re.compile(r"^\s{0,100}<\?xml[^>]{0,200}\?>")
_SPACES = re.compile(r"\s+")


def collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def decode(html: str | bytes) -> str:
    """Bytes as fetched -> text: BOM, then UTF-8, then the page's declared charset, then cp1252."""
    if isinstance(html, str):
        return html
    if html.startswith(b"\xef\xbb\xbf"):
        return html[3:].decode("utf-8", "replace")
    if html.startswith((b"\xff\xfe", b"\xfe\xff")):
        return html.decode("utf-16", "replace")
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(html[:4096])
    if declared:
        try:
            return html.decode(declared.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    return html.decode("cp1252", "replace")


_PARSERS = threading.local()  # an lxml parser must not be shared between threads


def _parser() -> etree.HTMLParser:
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        # Comments and processing instructions go at parse time: a reader never sees them.
        # huge_tree: pages nested deeper than libxml2's default 256 levels are parsed whole.
        parser = _PARSERS.parser = etree.HTMLParser(
            no_network=True,
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
            huge_tree=True,
        )
    return parser


def parse(html: str | bytes):
    """The page's root element (lxml), or None for an empty or unparseable document."""
    text = _XML_DECLARATION.sub("", decode(html), count=1)
    if not text.strip():
        return None
    try:
        # The plain etree parser: lxml.html's element classes cost a Python call per element.
        return etree.fromstring(text, _parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def text_of(element) -> str:
    """All text inside an element (what lxml.html calls text_content)."""
    return "".join(element.itertext())


@dataclass(slots=True)
class Run:
    """Text of one line: consecutive text nodes not separated by a block element.

    `text` joins the nodes as written (an address split over inline elements reads whole);
    `spaced` joins them with a space (two labels in adjacent spans never merge into one number).
    """

    nodes: list[str] = field(default_factory=list)
    owners: list = field(default_factory=list)  # the element each node's text belongs to
    text: str = ""
    spaced: str = ""
    _starts: list[int] | None = None
    _spaced_starts: list[int] | None = None

    def finish(self) -> None:
        self.text = "".join(self.nodes)
        self.spaced = " ".join(self.nodes)

    @property
    def starts(self) -> list[int]:
        """Offset of each node in `text` (worked out only for the few runs that need it)."""
        if self._starts is None:
            self._starts = _offsets(self.nodes, 0)
        return self._starts

    @property
    def spaced_starts(self) -> list[int]:
        if self._spaced_starts is None:
            self._spaced_starts = _offsets(self.nodes, 1)
        return self._spaced_starts

    def node_at(self, offset: int, spaced: bool = False) -> int:
        starts = self.spaced_starts if spaced else self.starts
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo


@dataclass(slots=True)
class PageText:
    runs: list[Run]
    run_of: dict  # element -> (run index, node index) of the first text it owns
    order: dict  # element -> its index in document order
    # All runs in one string each, a newline between runs: one regex pass over the page.
    text: str = ""
    spaced: str = ""
    text_starts: list[int] = field(default_factory=list)
    spaced_starts: list[int] = field(default_factory=list)

    def run_at(self, offset: int, spaced: bool = False) -> tuple[int, int]:
        """(run index, offset inside that run) for an offset into `text` or `spaced`."""
        starts = self.spaced_starts if spaced else self.text_starts
        index = bisect.bisect_right(starts, offset) - 1
        return index, offset - starts[index]

    def context(self, run_index: int, start: int, end: int, spaced: bool = False) -> str:
        run = self.runs[run_index]
        text = run.spaced if spaced else run.text
        before = text[max(0, start - 120) : start]
        after = text[end : end + 120]
        if len(before) < 60 and run_index > 0:
            before = self.runs[run_index - 1].text[-80:] + " " + before
        if len(after) < 60 and run_index + 1 < len(self.runs):
            after = after + " " + self.runs[run_index + 1].text[:80]
        return _window(collapse(before), collapse(text[start:end]), collapse(after))

    def element_context(self, element) -> str:
        """Text around an element (e.g. a mailto link that may hold no text of its own)."""
        node = element
        hops = 0
        while node is not None and hops < 6:
            place = self.run_of.get(node)
            if place is None:
                for count, child in enumerate(node.iterdescendants()):
                    place = self.run_of.get(child)
                    if place is not None or count > 50:
                        break
            if place is not None:
                index, node_index = place
                run = self.runs[index]
                start = run.starts[node_index]
                return self.context(index, start, start + len(run.nodes[node_index]))
            node = node.getparent()
            hops += 1
        return ""


def _offsets(nodes: list[str], gap: int) -> list[int]:
    offsets = []
    position = 0
    for node in nodes:
        offsets.append(position)
        position += len(node) + gap
    return offsets


def _window(before: str, middle: str, after: str, limit: int = 200) -> str:
    room = max(0, limit - len(middle) - 2)
    half = room // 2
    if len(before) < half:
        after = after[: room - len(before)]
    elif len(after) < half:
        before = before[len(before) - (room - len(after)) :] if room > len(after) else ""
    else:
        before = before[len(before) - half :]
        after = after[: room - half]
    return collapse(f"{before} {middle} {after}")[:limit]


_ALL_TEXT = etree.XPath("descendant::text()")


def visible_text(root) -> PageText:
    """The page's visible text as runs, from one XPath pass (C speed) over its text nodes.

    Two nodes share a run unless a block element starts or ends between them: either their
    nearest block ancestors differ, or a block element starts between them (counted in
    document order).
    """
    order: dict = {}
    blocks_so_far: list[int] = []
    blocks: dict = {}  # element -> nearest block ancestor-or-self
    hidden: set = set()
    for element in root.iter(*SKIPPED_TAGS):
        hidden.update(element.iter())
    count = 0
    for index, element in enumerate(root.iter()):
        order[element] = index
        if element.tag in BLOCK_TAGS:
            count += 1
            blocks[element] = element
        else:
            parent = element.getparent()
            blocks[element] = element if parent is None else blocks[parent]
        blocks_so_far.append(count)
    runs: list[Run] = []
    run_of: dict = {}
    nodes: list[str] = []
    owners: list = []
    current_block = None
    current_count = -1
    for node in _ALL_TEXT(root):
        if node.isspace() or not node:
            continue
        owner = node.getparent()
        if node.is_tail:
            container = owner.getparent()
            if container is None:
                continue
            last = owner
            while len(last):
                last = last[-1]
            index = order.get(last)
        else:
            container = owner
            index = order.get(owner)
        if index is None or container in hidden:
            continue
        position = blocks_so_far[index]
        block = blocks[container]
        if nodes and (block is not current_block or position != current_count):
            runs.append(Run(nodes, owners))
            nodes, owners = [], []
        current_block = block
        current_count = position
        nodes.append(str(node))
        owners.append(container)
    if nodes:
        runs.append(Run(nodes, owners))
    text_starts = []
    spaced_starts = []
    text_at = spaced_at = 0
    for index, run in enumerate(runs):
        run.finish()
        text_starts.append(text_at)
        spaced_starts.append(spaced_at)
        text_at += len(run.text) + 1
        spaced_at += len(run.spaced) + 1
        for node_index, owner in enumerate(run.owners):
            if owner not in run_of:
                run_of[owner] = (index, node_index)
    return PageText(
        runs,
        run_of,
        order,
        "\n".join(run.text for run in runs),
        "\n".join(run.spaced for run in runs),
        text_starts,
        spaced_starts,
    )


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (easier to read and edit)."""
    return frozenset(words.split())
