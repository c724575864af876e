"""What the page scan collects: every place an address or a number was seen."""

from dataclasses import dataclass, field

from . import classify, names


@dataclass(slots=True)
class Occurrence:
    element: object
    order: tuple[int, int]
    source: str
    where: tuple | None = None  # (run index, start, end, spaced) for text found in a run
    visible: bool = True  # found in the page body, so it sits in a card or row


@dataclass(slots=True)
class Found:
    occurrences: dict = field(default_factory=dict)  # value -> [Occurrence]
    names: dict = field(default_factory=dict)  # email -> (rank, name)
    phone_of: dict = field(default_factory=dict)  # email -> phone stated with it

    def add(self, value: str, occurrence: Occurrence) -> None:
        self.occurrences.setdefault(value, []).append(occurrence)

    def name(self, email: str, name: str, rank: int) -> None:
        name = names.fit_to_mailbox(names.clean_name(name), email)
        if not names.looks_like_name(name) or classify.is_role_mailbox(email):
            return
        current = self.names.get(email)
        if current is None or rank < current[0]:
            self.names[email] = (rank, name)

    def ordered(self) -> list[str]:
        return sorted(self.occurrences, key=lambda v: min(o.order for o in self.occurrences[v]))
