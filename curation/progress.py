"""A one-line progress bar for long management commands, drawn only on a terminal.

    progress = Progress(self.stdout, total=count, label="Checking contacts")
    for row in rows:
        ...
        progress.advance(note=f"{bad} invalid")
    progress.done()
    self.stdout.write("Checked … (the summary line)")

When the output is not a terminal (a pipe, a log file, a test) nothing is drawn, so the
command's own summary line is all that is printed.
"""

import time
from typing import Any, TextIO

# Redraw at most this often: a terminal is slow next to a loop over rows.
INTERVAL_SECONDS = 0.1
BAR_WIDTH = 24


def is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Progress:
    def __init__(self, stream: Any, total: int | None = None, label: str = "", unit: str = ""):
        self.enabled = is_terminal(stream)
        # A management command's OutputWrapper appends a newline to each write; draw on the
        # stream underneath it.
        self.out: TextIO = getattr(stream, "_out", stream)
        self.total = total
        self.label = label
        self.unit = unit
        self.count = 0
        self.note = ""
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.width = 0  # length of the line on screen, to blank it out

    def advance(self, step: int = 1, note: str | None = None) -> None:
        self.update(self.count + step, note)

    def update(self, count: int, note: str | None = None) -> None:
        self.count = count
        if note is not None:
            self.note = note
        if self.enabled and time.monotonic() - self.drawn_at >= INTERVAL_SECONDS:
            self.draw()

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        rate = self.count / elapsed if elapsed > 0 else 0.0
        parts = [self.label] if self.label else []
        if self.total:
            share = min(self.count / self.total, 1.0)
            filled = round(share * BAR_WIDTH)
            parts.append(f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%}")
            parts.append(f"{self.count}/{self.total}{' ' + self.unit if self.unit else ''}")
            if 0 < self.count < self.total and rate:
                parts.append(f"ETA {clock((self.total - self.count) / rate)}")
        else:
            parts.append(f"{self.count}{' ' + self.unit if self.unit else ''}")
        parts.append(f"{rate:,.0f}/s")
        if self.note:
            parts.append(self.note)
        return " ".join(parts)

    def draw(self) -> None:
        text = self.line()
        self.out.write("\r" + text + " " * max(self.width - len(text), 0))
        self.out.flush()
        self.width = len(text)
        self.drawn_at = time.monotonic()

    def clear(self) -> None:
        if self.enabled and self.width:
            self.out.write("\r" + " " * self.width + "\r")
            self.out.flush()
            self.width = 0

    def write(self, text: str) -> None:
        """Print a line above the bar (a report line), then draw the bar again."""
        self.clear()
        self.out.write(text + "\n")
        if self.enabled:
            self.draw()

    def done(self) -> None:
        """Draw the final state and end the bar's line, so the summary starts on its own."""
        if self.enabled:
            self.draw()
            self.out.write("\n")
            self.out.flush()
            self.width = 0


def clock(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60}:{seconds % 60:02d}"
