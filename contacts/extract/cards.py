"""The card, table row or block around an address, and the person's name and phone in it.

A card is the largest element around an address that holds no other person's address (and not
more text than a card holds). Names come from it first; then from the few elements just before
it (flat lists), from a little further out (only a name that fits the mailbox), or from the
lines around the address when people are listed line by line in one block.
"""

from . import classify, emails, names
from .found import Found
from .text import text_of

_NAME_CLASS_EXCLUDED = (
    "user", "file", "company", "org", "site", "brand", "dept", "department", "office",
    "business", "firm", "product", "place", "location", "venue", "event", "course", "program",
    "domain", "host", "class", "tag", "field", "input",
)  # fmt: skip
_NO_NAMES = frozenset({"script", "style", "svg", "path", "g", "use", "input", "select", "br"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_EMPHASIS = frozenset({"strong", "b", "dt", "th", "td", "figcaption", "caption", "a", "cite"})
_CARD_LIMIT = 1500  # characters of text: more than a card, a row or an author box holds
_LINE_LIMIT = 200  # characters: longer lines are prose, not a person's name or role


def ancestors(element):
    node = element
    while node is not None:
        yield node
        node = node.getparent()


def _subtree_text_length(element, cache: dict) -> int:
    length = cache.get(element)
    if length is None:
        length = len(text_of(element))
        cache[element] = length
    return length


def cards_by_address(
    found: Found, personal_only: bool, lengths: dict, under: dict | None = None
) -> dict:
    """email -> the largest elements around its occurrences holding no other (personal) address.

    under, when given, is filled with element -> the (personal) addresses inside it.
    """
    if under is None:
        under = {}
    places = {
        address: list(dict.fromkeys(o.element for o in occurrences if o.visible))
        for address, occurrences in found.occurrences.items()
    }
    for address, elements in places.items():
        if personal_only and classify.is_role_mailbox(address):
            continue
        for element in elements:
            for node in ancestors(element):
                addresses = under.get(node)
                if addresses is None:
                    under[node] = {address}
                elif address in addresses:
                    break  # this branch is done: its ancestors have the address already
                else:
                    addresses.add(address)
    cards = {}
    for address, elements in places.items():
        for element in elements:
            card = None
            for node in ancestors(element):
                if node.tag in ("body", "html") or len(under.get(node, ())) > 1:
                    break
                if _subtree_text_length(node, lengths) > _CARD_LIMIT:
                    break
                card = node
            if card is not None and card not in cards.get(address, ()):
                cards.setdefault(address, []).append(card)
    return cards


def find_names(found: Found, lengths: dict, page_text, site: str = "") -> None:
    """Names for the personal addresses; site is the page's domain name ("osteriaroma"), so the
    business's own name is never taken for a person's."""
    own_names: dict = {}
    under: dict = {}
    by_address = cards_by_address(found, personal_only=True, lengths=lengths, under=under)
    for address, elements in by_address.items():
        if address in found.names and found.names[address][0] <= 1:
            continue
        if classify.is_role_mailbox(address):
            continue
        best = None
        for card in elements:
            candidate = _name_in_card(card, address, own_names, site, strict=False)
            if candidate and (best is None or candidate[0] > best[0]):
                best = candidate
        if best is None:
            # A flat list (<h4>name</h4><p>role</p><p>address</p>, then the next person):
            # the name comes a few elements before the address.
            for card in elements:
                best = _name_before(card, address, own_names, under, site, lengths)
                if best:
                    break
        if best is None:
            # The card holds no name: look a little further out, for the person's own name only.
            for card in elements:
                node = card.getparent()
                for _ in range(3):
                    if node is None or node.tag in ("body", "html"):
                        break
                    if _subtree_text_length(node, lengths) > _CARD_LIMIT:
                        break
                    candidate = _name_in_card(node, address, own_names, site, strict=True)
                    if candidate:
                        best = candidate
                        break
                    node = node.getparent()
                if best:
                    break
        if best:
            found.name(address, best[1], 2)
    for address, occurrences in found.occurrences.items():
        if address not in found.names and not classify.is_role_mailbox(address):
            name = _name_in_lines(address, occurrences, page_text, site)
            if name:
                found.name(address, name, 3)


def _name_in_lines(address: str, occurrences, page_text, site: str) -> str | None:
    """A name written on the address's own line ("Office lead: Ann Lee · ann@firm.com": the one
    name before it) or, fitting the mailbox, on the two lines before it (people listed line by
    line in one block: Ann Lee<br>Director<br>ann@firm.com<br><br>…), or else just after it
    ("ann@firm.com (Ann Lee)", "ann@firm.com<br>Ann Lee, Harbourline PR")."""
    places = []
    for occurrence in occurrences:
        if occurrence.where is not None:
            run_index, start, end = occurrence.where[:3]
        elif occurrence.visible and occurrence.element in page_text.run_of:
            run_index, node_index = page_text.run_of[occurrence.element]
            run = page_text.runs[run_index]
            start = run.starts[node_index]
            end = start + len(run.nodes[node_index])
        else:
            continue
        places.append((run_index, start, end))
    for run_index, start, _ in places:
        for back in range(3):
            index = run_index - back
            if index < 0:
                break
            line = page_text.runs[index].text
            after_address = False
            if back == 0:
                line = line[max(0, start - _LINE_LIMIT) : start]
                at = line.rfind("@")
                if at != -1:
                    # Another address earlier on the line: what follows it is about that one.
                    line = line[at:].partition(" ")[2]
                    after_address = True
            elif "@" in line:
                break  # the previous person's address
            if len(line) > _LINE_LIMIT:
                break  # prose, not a list of people
            found = names.names_within(line)
            for name in found:
                if names.local_part_match(name, address):
                    return name
            if (
                back == 0
                and not after_address
                and len(set(found)) == 1
                and names.squashed(found[0]) not in site
            ):
                return found[0]
    for run_index, _, end in places:
        for ahead in range(3):
            index = run_index + ahead
            if index >= len(page_text.runs):
                break
            line = page_text.runs[index].text
            if ahead == 0:
                line = line[end : end + _LINE_LIMIT]
            if "@" in line:
                # The next address: only the text before its mailbox.
                line = line[: line.index("@")].rpartition(" ")[0]
            elif ahead and len(line) > _LINE_LIMIT:
                break
            for name in names.names_within(line):
                if names.local_part_match(name, address):
                    return name
            if ahead and "@" in page_text.runs[index].text:
                break
    return None


def _name_before(card, address: str, own_names: dict, under: dict, site: str, lengths: dict):
    """A name in the few short elements just before a card, up to the previous person's address."""
    node = card
    for _ in range(3):
        sibling = node.getprevious()
        for _ in range(4):
            if sibling is None:
                break
            if under.get(sibling):
                return None  # the previous person's block
            if _subtree_text_length(sibling, lengths) > 2 * _LINE_LIMIT:
                return None  # a section of its own, not the label of this one
            candidate = _name_in_card(sibling, address, own_names, site, strict=False)
            if candidate:
                return candidate
            sibling = sibling.getprevious()
        node = node.getparent()
        if node is None or node.tag in ("body", "html") or len(under.get(node, ())) > 1:
            return None
    return None


def _name_in_card(card, address: str, own_names: dict, site: str, strict: bool):
    """((fits mailbox, -priority, fit, -order), name) for the best person's name in a card.

    A name that does not fit the mailbox is taken from a heading or a name field, or when it is
    the only name the card shows in a cell, link or bold text (the one person in a table row).
    strict: only a name that fits the mailbox (surname or full first name in it).
    """
    best = None
    others: dict[str, int] = {}  # names that do not fit the mailbox -> their best rank
    for index, element in enumerate(card.iter()):
        candidates = own_names.get(element)
        if candidates is None:
            candidates = own_names[element] = _own_names(element)
        for name, rank in candidates:
            match = names.local_part_match(name, address)
            if strict and match < 2:
                continue
            if not match:
                if names.squashed(name) in site:
                    continue  # the business's own name
                if rank <= 2:
                    others[name] = min(rank, others.get(name, rank))
                if rank > 1:
                    continue
            key = (match > 0, -rank, match, -index)
            if best is None or key > best[0]:
                best = (key, name)
        if best is not None and best[0][2] == 2 and best[0][1] >= -2:
            break  # the mailbox's own name, marked up as a name: nothing later does better
    if best is None and not strict and len(others) == 1:
        name, rank = others.popitem()
        best = ((False, -rank, 0, 0), name)
    elif best is None and not strict and others:
        # Several name-like cells ("Ann Lee | Storage Engine | ann7@…"): a row starts with
        # whom it is about.
        row = _row_of(card)
        if row is not None:
            first = {n for e in row[0].iter() for n, _ in own_names.get(e, ()) if n in others}
            if len(first) == 1:
                name = first.pop()
                best = ((False, -others[name], 0, 0), name)
    return best


def _row_of(card):
    """The table row a card is, or the one row of a table (section) that is the card."""
    if card.tag == "tr":
        return card if len(card) else None
    if card.tag in ("table", "tbody"):
        rows = [row for row in card.iter("tr") if len(row)]
        if len(rows) == 1:
            return rows[0]
        if len(rows) == 2 and all(cell.tag == "th" for cell in rows[0]):
            return rows[1]  # a header row and one person's row
    return None


def _own_names(element) -> list[tuple[str, int]]:
    """Names an element itself shows: (name, rank), lower ranks more trustworthy."""
    tag = element.tag
    if tag in _NO_NAMES or not isinstance(tag, str):
        return []
    priority = _name_priority(element)
    texts = []
    if priority < 3:
        # Spaced: a name never runs into the next line of a card ("Ann LeeSales").
        texts.append(" ".join(element.itertext()) if len(element) else element.text or "")
    else:
        texts.extend(t for t in (element.text, element.tail) if t)
    if tag == "img" and element.get("alt"):
        texts.append(element.get("alt"))
        priority = min(priority, 2)
    found = []
    for text in texts:
        if len(text) > 200 or text.lower() == text:
            continue  # too long, or nothing capitalised
        if "@" in text:
            text = emails.EMAIL.sub(" | ", text)
        name = names.clean_name(text)
        if names.looks_like_name(name):
            found.append((name, priority))
        else:
            found.extend((n, priority + 1) for n in names.names_within(text))
    return found


def _name_priority(element) -> int:
    if element.get("itemprop") == "name":
        return 0
    classes = (element.get("class") or "").lower().split()
    if "fn" in classes or "p-name" in classes:
        return 0
    for token in classes:
        if "name" in token and not any(word in token for word in _NAME_CLASS_EXCLUDED):
            return 0
    if element.tag in _HEADINGS:
        return 1
    if element.tag in _EMPHASIS:
        return 2
    return 3


def tie_phones(
    email_list, phone_list, found_emails: Found, found_phones: Found, page_text, lengths: dict
) -> dict[str, str]:
    """email -> the phone stated with it, or the first one in its card, or on its next lines."""
    by_address = cards_by_address(found_emails, personal_only=False, lengths=lengths)
    phone_elements: dict = {}  # element -> numbers inside it
    phone_lines: dict = {}  # run index -> numbers written on that line
    for number in phone_list:
        for occurrence in found_phones.occurrences[number]:
            if occurrence.visible:
                for node in ancestors(occurrence.element):
                    phone_elements.setdefault(node, []).append(number)
            line = line_of(occurrence, page_text)
            if line is not None:
                phone_lines.setdefault(line, []).append(number)
    tied = {}
    for address in email_list:
        phone = found_emails.phone_of.get(address, "")
        if not phone:
            for card in by_address.get(address, ()):
                numbers = phone_elements.get(card)
                if numbers:
                    phone = numbers[0]
                    break
        if not phone and address not in by_address:
            phone = phone_in_lines(found_emails.occurrences[address], page_text, phone_lines)
        if phone:
            tied[address] = phone
    return tied


def line_of(occurrence, page_text) -> int | None:
    if occurrence.where is not None:
        return occurrence.where[0]
    if occurrence.visible:
        place = page_text.run_of.get(occurrence.element)
        return None if place is None else place[0]
    return None


def phone_in_lines(occurrences, page_text, phone_lines: dict) -> str:
    """A number on the address's line or the next two, before the next address."""
    for occurrence in occurrences:
        line = line_of(occurrence, page_text)
        if line is None:
            continue
        for index in range(line, min(line + 3, len(page_text.runs))):
            text = page_text.runs[index].text
            if index > line and (len(text) > _LINE_LIMIT or "@" in text):
                break
            if index in phone_lines:
                return phone_lines[index][0]
    return ""
