"""Help text wrapped by the columns it takes on screen, for Chinese.

Click wraps `--help` by counting characters, and breaks only at spaces: a Chinese paragraph (no
spaces, every character two columns wide) comes out as one line twice the terminal's width. This
wrapper breaks between any two Chinese characters, measures by display width, and keeps closing
punctuation (，。）…) off the start of a line. The command line puts it into Click when it speaks
Chinese (salescli.cli._speak_click).
"""

from __future__ import annotations

import re
import textwrap

from salescli.render import text_width

_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")
# A chunk: a run of spaces; one wide character, with the opening punctuation that must precede it
# and the closing punctuation that must follow it; or a run of anything else up to its spaces.
_WIDE = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_OPENING = "（《「『【〔“‘"
_CLOSING = "，。、；：？！）》」』】〕…％”’"
_CHUNKS = re.compile(rf"\s+|[{_OPENING}]+[^\s{_WIDE}]+[{_CLOSING}]*|[{_OPENING}]*[{_WIDE}][{_CLOSING}]*"
                     rf"|[^\s{_WIDE}]+[{_CLOSING}]*")


def width(text: str) -> int:
    """Columns `text` takes in a terminal (ANSI colours take none)."""
    plain = _ANSI.sub("", text)
    columns = text_width(plain)
    return columns if columns >= 0 else len(plain)


class WideTextWrapper(textwrap.TextWrapper):
    """`textwrap.TextWrapper` that measures in terminal columns and may break between wide characters."""

    def _split(self, text: str) -> list[str]:
        return _CHUNKS.findall(text)

    def _wrap_chunks(self, chunks: list[str]) -> list[str]:
        lines: list[str] = []
        chunks = list(reversed(chunks))
        while chunks:
            indent = self.subsequent_indent if lines else self.initial_indent
            room = self.width - width(indent)
            line: list[str] = []
            used = 0
            if lines and chunks[-1].strip() == "" and self.drop_whitespace:
                chunks.pop()
            while chunks:
                taken = width(chunks[-1])
                if used + taken > room and line:
                    break
                if used + taken > room and not line and self.break_long_words:
                    line.append(_cut(chunks, room))
                    used = room
                    break
                line.append(chunks.pop())
                used += taken
            if line and line[-1].strip() == "" and self.drop_whitespace:
                line.pop()
            if line:
                lines.append(indent + "".join(line))
        return lines


def _cut(chunks: list[str], room: int) -> str:
    """The head of the last chunk that fits in `room` columns (the rest stays to be wrapped)."""
    chunk = chunks.pop()
    used = 0
    for index, character in enumerate(chunk):
        used += max(width(character), 0)
        if used > room and index:
            chunks.append(chunk[index:])
            return chunk[:index]
    return chunk


def summary(help_text: str, columns: int = 40) -> str:
    """A command's one-line description for the list of commands: the first sentence of its help,
    at most `columns` wide. (Click's own cuts at '. ' and counts characters: it keeps a Chinese
    paragraph whole.)"""
    paragraph = help_text.split("\n\n", 1)[0].replace("\b", "").strip()
    sentence = re.split(r"[。；：]", " ".join(paragraph.split()), maxsplit=1)[0]
    if width(sentence) <= columns:
        return sentence
    shown = ""
    for character in sentence:
        if width(shown + character) > columns - 1:
            break
        shown += character
    return shown + "…"


def install(packages: list[str]) -> None:
    """Make the help formatting of these Click packages (`click`, `typer._click`) measure and break
    text as a terminal shows it."""
    import importlib

    for package in packages:
        try:
            wrapping = importlib.import_module(f"{package}._textwrap")
            formatting = importlib.import_module(f"{package}.formatting")
        except ImportError:  # pragma: no cover - a Click without its own wrapper
            continue
        setattr(wrapping, "TextWrapper", _clicks(getattr(wrapping, "TextWrapper")))
        setattr(formatting, "term_len", width)


def _clicks(base: type) -> type:
    """Click's wrapper class (it adds `extra_indent` and `indent_only`) with our measuring."""
    if issubclass(base, WideTextWrapper):
        return base
    return type("WideClickWrapper", (WideTextWrapper, base), {})
