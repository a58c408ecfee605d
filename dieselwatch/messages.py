"""User-facing text from the core that the desktop app shows in the officer's language.

The core stays free of Qt, so it cannot call tr(). A message is built as ``Msg(template, **args)``: it *is* the
English text (a str, so the CLI, logs, JSON and stored reports are unchanged), and it keeps its template and
arguments so the GUI can translate the template with Qt's translation system and fill in the arguments
(dieselwatch/gui/core_text.py). pyside6-lupdate extracts the templates when told that Msg marks translatable
text: ``-tr-function-alias QT_TR_NOOP+=Msg`` (tools/translations.py; the context is empty).
Templates are plain string literals with named {placeholders}; arguments may themselves be Msg.
"""

from __future__ import annotations


class Msg(str):
    template: str
    args: dict

    def __new__(cls, template: str, /, **args) -> Msg:
        self = super().__new__(cls, template.format(**args) if args else template)
        self.template, self.args = template, args
        return self

    def __reduce__(self):  # copy, deepcopy and pickle keep the template
        return (_rebuild, (self.template, self.args))


def _rebuild(template: str, args: dict) -> Msg:
    return Msg(template, **args)


def sentences(texts) -> str:
    """Reason texts one after another: a Chinese sentence ends with 。 and needs no separator, an English one
    takes a space, a fragment a semicolon (no “。；” pile-ups in tables and on paper)."""
    out = ""
    for t in (str(x).strip() for x in texts):
        if not t:
            continue
        if out:
            out += "" if out.endswith(("。", "；", "！", "？")) else " " if out.endswith((".", ";")) else \
                "; " if out[-1].isascii() else "；"
        out += t
    return out


def joined(items) -> str:
    """A list inside a message: the same separator in both languages (names and codes are not translated)."""
    return ", ".join(map(str, items))
