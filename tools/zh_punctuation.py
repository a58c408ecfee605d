"""Chinese punctuation in the Simplified Chinese translations, as Chinese documents use it: ，。：；（）？！ next to
Chinese text, ASCII inside numbers, times, paths, codes and {placeholders}.

    python tools/zh_punctuation.py          list the translations that break the rule
    python tools/zh_punctuation.py --fix    rewrite them in tools/translations.py and tools/zh/*.py
                                            (then run tools/translations.py to rebuild the .ts and .qm)

A mark counts as next to Chinese when the nearest character on either side, looking past spaces, {placeholders}
and HTML tags, is a CJK character or already full-width punctuation. Spaces around a replaced mark go: Chinese
sets none."""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20\u201c\u201d]")
# Looked past when finding a mark's neighbours: spaces, {placeholders} and markup.
SKIP = re.compile(r"\s+|\{[^{}]*\}|<[^<>]*>")
# Where ASCII stays although Chinese is near, because a program reads it: a menu mnemonic "文件(&F)", a file
# dialog's filter "(*.xlsx);;", a URL or database address "postgresql://用户:密码@服务器/库".
# Also syntax the officer types as written: a head is "序号:哈希" (SEQ:HASH).
ALLOWED = (re.compile(r"\(&\w\)"), re.compile(r"\([^()]*\*[^()]*\)|;;"), re.compile(r"\w+://\S+"),
           re.compile(r"序号:哈希"))


def _neighbour(text: str, i: int, step: int) -> str:
    """The nearest character from i in direction step (+1/-1) that is not a space, placeholder or tag."""
    j = i
    while 0 <= j < len(text):
        if step > 0:
            m = SKIP.match(text, j)
            if m and m.end() > j:
                j = m.end()
                continue
        else:
            # scan back over a closing } or > to its opening, or over spaces
            if text[j].isspace():
                j -= 1
                continue
            if text[j] in "}>":
                opening = "{" if text[j] == "}" else "<"
                k = text.rfind(opening, 0, j)
                if k >= 0 and SKIP.fullmatch(text, k, j + 1):
                    j = k - 1
                    continue
        return text[j]
    return ""


def _allowed(text: str, i: int) -> bool:
    return any(m.start() <= i < m.end() for p in ALLOWED for m in p.finditer(text))


def _partner(text: str, i: int) -> int | None:
    """The matching bracket of the bracket at i (ASCII or full-width), or None."""
    opening, closing = ("(", "（"), (")", "）")
    step = 1 if text[i] in opening else -1
    depth = 0
    j = i
    while 0 <= j < len(text):
        if text[j] in opening:
            depth += step
        elif text[j] in closing:
            depth -= step
        if depth == 0:
            return j
        j += step
    return None


def _digits_around(text: str, i: int) -> bool:
    """1,000 / 08:00 / 3.5: a mark between two digits belongs to the number."""
    return 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def hits(text: str) -> list[int]:
    """Positions of ASCII marks next to Chinese."""
    out = []
    for i, ch in enumerate(text):
        if ch not in FULL or _digits_around(text, i) or _allowed(text, i) or _inside_placeholder(text, i):
            continue
        if CJK.match(_neighbour(text, i - 1, -1) or " ") or CJK.match(_neighbour(text, i + 1, 1) or " "):
            out.append(i)
    # Brackets go in pairs: "（100-10000)" is as wrong as "(100-10000)" next to Chinese.
    for i in list(out):
        if text[i] in "()":
            j = _partner(text, i)
            if j is not None and text[j] in "()" and j not in out:
                out.append(j)
    return sorted(out)


def _inside_placeholder(text: str, i: int) -> bool:
    return any(m.start() < i < m.end() for m in re.finditer(r"\{[^{}]*\}", text))


def fix(text: str) -> str:
    """The text with every hit made full-width and the spaces around it dropped, repeated until stable (a
    replaced mark makes its ASCII neighbour a hit: "行):" becomes "行）：")."""
    while True:
        found = hits(text)
        if not found:
            return text
        out, last = [], 0
        for i in found:
            a = i
            while a > last and text[a - 1] == " ":
                a -= 1
            out.append(text[last:a] + FULL[text[i]])
            last = i + 1
            while last < len(text) and text[last] == " ":
                last += 1
        out.append(text[last:])
        text = "".join(out)


def translation_files() -> list[Path]:
    return [ROOT / "tools" / "translations.py", *sorted((ROOT / "tools" / "zh").glob("*.py"))]


def _value_tokens(source: str) -> list[tokenize.TokenInfo]:
    """The string tokens that make up dictionary values of ZH = {...} (and ZH.update({...})) in a file."""
    tree = ast.parse(source)
    lines = source.splitlines()

    def char_col(line: int, byte_col: int) -> int:  # ast counts UTF-8 bytes, tokenize characters
        return len(lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8"))

    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for v in node.values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str) and v.end_lineno and v.end_col_offset:
                    spans.append(((v.lineno, char_col(v.lineno, v.col_offset)),
                                  (v.end_lineno, char_col(v.end_lineno, v.end_col_offset))))
    toks = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.STRING]
    return [t for t in toks if any(a <= t.start and t.end <= b for a, b in spans)]


def _quoted(value: str, quote: str) -> str:
    body = value.replace("\\", "\\\\").replace("\n", "\\n").replace(quote, "\\" + quote)
    return quote + body + quote


def fix_file(path: Path) -> int:
    """Rewrite the translations of one file in place, each string literal by itself; returns how many changed."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    edits = []
    for t in _value_tokens(source):
        value = ast.literal_eval(t.string)
        new = fix(value)
        if new != value:
            start = offsets[t.start[0] - 1] + t.start[1]
            end = offsets[t.end[0] - 1] + t.end[1]
            edits.append((start, end, _quoted(new, t.string[-1])))
    for start, end, text in reversed(edits):
        source = source[:start] + text + source[end:]
    path.write_text(source, encoding="utf-8")
    return len(edits)


def main(argv: list[str]) -> int:
    if "--fix" in argv:
        for p in translation_files():
            n = fix_file(p)
            if n:
                print(f"{p.relative_to(ROOT)}: {n} fixed")
        return 0
    bad = 0
    for p in translation_files():
        for t in _value_tokens(p.read_text(encoding="utf-8")):
            value = ast.literal_eval(t.string)
            if hits(value):
                bad += 1
                print(f"{p.relative_to(ROOT)}:{t.start[0]}: {value!r} -> {fix(value)!r}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
