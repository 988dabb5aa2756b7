"""Word's inserted symbols (`w:sym`) as Unicode characters.

Word stores a symbol as a font and a code in that font's own encoding, shifted into
the private-use area (F020-F0FF) for the symbol fonts. Symbol is Adobe's Symbol
encoding (Greek letters and mathematical signs); of Wingdings, the few signs
manuscripts use (bullets, ticks, crosses, arrows).
"""

from __future__ import annotations

SYMBOL_LOW = (
    " !∀#∃%&∋()∗+,−./0123456789:;<=>?"
    "≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_"
    "‾αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼"
)
"""Adobe Symbol, codes 0x20 to 0x7E."""
SYMBOL_HIGH = (
    "€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…⏐⎯↵"
    "ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓"
    "◊〈®©™∑⎛⎜⎝⎡⎢⎣⎧⎨⎩⎪\ufffd〉∫⌠⎮⌡⎞⎟⎠⎤⎥⎦⎫⎬⎭"
)
"""Adobe Symbol, codes 0xA0 to 0xFE."""
WINGDINGS = {
    0x22: "✂",
    0x28: "☎",
    0x2A: "✉",
    0x3F: "✍",
    0x4A: "☺",
    0x4C: "☹",
    0x6C: "●",
    0x6E: "■",
    0x6F: "□",
    0x71: "❑",
    0x75: "◆",
    0x76: "❖",
    0x77: "◆",
    0x9F: "•",
    0xA7: "▪",
    0xA8: "◻",
    0xD8: "➢",
    0xE0: "➔",
    0xE8: "➔",
    0xF0: "⇨",
    0xFB: "✗",
    0xFC: "✓",
    0xFD: "☒",
    0xFE: "☑",
}


def symbol_character(font: str, code: str) -> str | None:
    """Return the character of a `w:sym` (its w:font and hexadecimal w:char); None if unknown."""
    try:
        value = int(code, 16)
    except ValueError:
        return None
    if value < 0xF000 and value >= 0x20:
        return chr(value)  # already a Unicode character
    byte = value - 0xF000 if value >= 0xF000 else value
    name = font.strip().lower()
    if name == "symbol":
        if 0x20 <= byte <= 0x7E:
            return SYMBOL_LOW[byte - 0x20]
        if 0xA0 <= byte <= 0xFE:
            found = SYMBOL_HIGH[byte - 0xA0]
            return None if found == "\ufffd" else found
        return None
    if name.startswith("wingdings"):
        return WINGDINGS.get(byte)
    return None
