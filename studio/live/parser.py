"""Read one live comment: intent, items and quantities, phone number.

Rules, not a model: Vietnamese live comments are short and formulaic ("chốt 2 hộp trà 09xx",
"c2", "+1", "A1 x3"), and a seller must be able to see why a comment became an order. Matching is
diacritics-insensitive (``studio.i18n.fold``), so "chot 2 hop tra" reads like "chốt 2 hộp trà".

The keyword map is the seller's: product slug → the codes and names announced on the live. The
longest keyword wins ("trà hoa cúc" beats "trà"), and a keyword beats a shorthand ("C2" as a product
code beats "c2" = "chốt 2").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studio.errors import Problem, ValidationFailed
from studio.i18n import fold, nfc

INTENTS = ("order", "question", "cancel", "other")

_DIGITS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6,
           "bay": 7, "tam": 8, "chin": 9}
UNITS = frozenset("""hop hu qua goi tui chai lo chiec cai kg ky ki bich set combo phan thung can
cuon bo doi hu cay trai bao tam lang vi""".split())
_SEPARATORS = frozenset({",", "+", ";", "/", "&", "va", "voi", "."})
_PRONOUNS = frozenset("em e minh mk mik toi chi c anh a ban co chu bac".split())
_ORDER_WORDS = frozenset("chot lay mua dat order oder odr".split())
_NEGATIONS = frozenset("khong ko k kh hong hok thoi khg".split())
_QUESTION_WORDS = frozenset("bn sao ib inbox ibx xin gia ha hem".split())
_QUESTION_TAIL = frozenset("khong ko k kh hong hok chua chx khg".split())
_PARTICLES = frozenset("a ah shop sop s vay v nhi nhe nha ne chi em oi ak".split())
MAX_QTY = 999

_PHONE_RUN = re.compile(r"(?<!\d)\+?\d+(?:[ .\-]\d+)*")
_TOKEN = re.compile(r"\+\d+|\d+|[a-z]+|[,;/&?+]")


# -- phone numbers -----------------------------------------------------------------------------
def normalize_phone(raw: str) -> str | None:
    """A Vietnamese mobile number as ``0xxxxxxxxx``, or None when ``raw`` is not one.

    Accepts spaces, dots and dashes and the +84 / 84 prefix; rejects landlines (02x), short or long
    numbers and unknown prefixes (mobile numbers start 03, 05, 07, 08 or 09).
    """
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        return None
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = digits[2:]
        if len(digits) == 9:
            digits = "0" + digits
    if len(digits) == 10 and digits[0] == "0" and digits[1] in "35789":
        return digits
    return None


def mask_phone(phone: str | None) -> str:
    """``0912345678`` → ``0912***678`` (what the desk shows on screen)."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "***"
    return f"{phone[:4]}***{phone[-3:]}"


def redact_phones(text: str) -> str:
    """``text`` with every mobile number in it masked, for showing comments on screen."""
    def _mask(match: re.Match) -> str:
        groups = re.split(r"[ .\-]", match.group().lstrip("+"))
        found = _phone_in_groups(groups)
        if found is None:
            return match.group()
        i, j, phone = found
        return " ".join([*groups[:i], mask_phone(phone), *groups[j:]])

    return _PHONE_RUN.sub(_mask, text or "")


def _extract_phones(text: str) -> tuple[str, list[str], list[str]]:
    """(text without phone-like digit runs, valid phones, rejected phone-like runs)."""
    phones: list[str] = []
    rejected: list[str] = []
    out: list[str] = []
    last = 0
    for match in _PHONE_RUN.finditer(text):
        groups = re.split(r"[ .\-]", match.group().lstrip("+"))
        found = _phone_in_groups(groups)
        if found is not None:
            i, j, phone = found
            phones.append(phone)
            # Digits before the phone stay glued to what precedes them ("A1 0912..." keeps "A1").
            keep = " ".join(groups[:i]) + " ; " + " ".join(groups[j:])
        elif sum(len(g) for g in groups) >= 8 or any(len(g) >= 5 for g in groups):
            rejected.append(match.group())
            keep = " ; "
        else:
            continue
        out.append(text[last:match.start()])
        out.append(f"{keep} ")
        last = match.end()
    out.append(text[last:])
    return "".join(out), phones, rejected


def _phone_in_groups(groups: list[str]) -> tuple[int, int, str] | None:
    for i in range(len(groups)):
        joined = ""
        for j in range(i, len(groups)):
            joined += groups[j]
            if len(joined) > 12:
                break
            phone = normalize_phone(joined)
            if phone:
                return i, j + 1, phone
    return None


# -- keyword map -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Token:
    text: str
    glued: bool  # no space before it (so "a1" differs from "a 1")


def tokenize(text: str) -> list[Token]:
    """Folded tokens; letters and digits split ("2a1" → 2, a, 1) but remember they were glued."""
    folded = fold(text)
    tokens: list[Token] = []
    for match in _TOKEN.finditer(folded):
        glued = match.start() > 0 and not folded[match.start() - 1].isspace()
        tokens.append(Token(match.group(), glued))
    return tokens


class KeywordMap:
    """Product slug → keywords, matched diacritics-insensitively, longest first."""

    def __init__(self, mapping: dict[str, list[str]]) -> None:
        problems: list[Problem] = []
        if not isinstance(mapping, dict) or not mapping:
            raise ValidationFailed([Problem("keywords", "live_keywords_empty")])
        self.mapping = {}
        owner: dict[tuple, str] = {}
        for slug, words in mapping.items():
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                problems.append(Problem(str(slug), "live_keywords_list"))
                continue
            self.mapping[slug] = [nfc(w).strip() for w in words if w.strip()] or [slug]
            for word in self.mapping[slug]:
                key = tuple((t.text, t.glued) for t in tokenize(word))
                if not key:
                    continue
                key = ((key[0][0], False),) + key[1:]
                if key in owner and owner[key] != slug:
                    problems.append(Problem(str(slug), "live_keyword_twice",
                                            {"word": word, "other": owner[key]}))
                owner[key] = slug
        if problems:
            raise ValidationFailed(problems)
        self._patterns = sorted(owner.items(), key=lambda kv: -len(kv[0]))

    @property
    def slugs(self) -> list[str]:
        return list(self.mapping)

    def match_at(self, tokens: list[Token], i: int) -> tuple[int, str] | None:
        """(length, slug) of the longest keyword starting at token ``i``."""
        for pattern, slug in self._patterns:
            n = len(pattern)
            if i + n > len(tokens):
                continue
            if all(tokens[i + k].text == pattern[k][0]
                   and (k == 0 or tokens[i + k].glued == pattern[k][1]) for k in range(n)):
                return n, slug
        return None


# -- numbers -----------------------------------------------------------------------------------
def _number_at(tokens: list[Token], i: int) -> tuple[int, int, bool] | None:
    """(value, tokens used, spelled in words) of a quantity starting at token ``i``."""
    tok = tokens[i].text
    if tok.isdigit():
        value, used, words = int(tok), 1, False
    elif tok == "muoi":  # mười, mười lăm, mười một
        value, used, words = 10, 1, True
        if i + 1 < len(tokens) and tokens[i + 1].text in _DIGITS:
            value, used = 10 + _DIGITS[tokens[i + 1].text], 2
    elif tok == "chuc":
        return 10, 1, True
    elif tok in _DIGITS:  # hai, hai mươi, hai mươi lăm
        value, used, words = _DIGITS[tok], 1, True
        if i + 1 < len(tokens) and tokens[i + 1].text == "muoi":
            value, used = value * 10, 2
            nxt = tokens[i + 2].text if i + 2 < len(tokens) else ""
            if nxt in _DIGITS:
                value, used = value + _DIGITS[nxt], 3
    else:
        return None
    if i + used < len(tokens) and tokens[i + used].text == "chuc":
        value, used = value * 10, used + 1
    return value, used, words


def _is_price(tokens: list[Token], end: int) -> bool:
    nxt = tokens[end].text if end < len(tokens) else ""
    return nxt in ("k", "d", "vnd", "nghin", "ngan", "tr", "trieu", "xu", "dong") or (
        nxt == "000")


# -- the parse ---------------------------------------------------------------------------------
@dataclass
class ParsedComment:
    """What one comment says. ``items`` maps slug → quantity; in a cancel, 0 means all of it."""

    text: str
    intent: str
    items: dict[str, int] = field(default_factory=dict)
    phone: str | None = None
    products: list[str] = field(default_factory=list)  # every product mentioned
    explicit: bool = False  # a quantity was written (not the default 1)
    rejected_phones: list[str] = field(default_factory=list)
    also_order: dict[str, int] = field(default_factory=dict)  # ordered in the same cancel

    def as_dict(self) -> dict:
        return {"text": self.text, "intent": self.intent, "items": dict(self.items),
                "phone": self.phone, "products": list(self.products),
                "also_order": dict(self.also_order)}


@dataclass
class _Scan:
    tokens: list[Token]
    mentions: list[tuple[int, int, str]]  # (start, end, slug)
    numbers: dict[int, tuple[int, int, bool]]  # start → (value, end, words)
    used: set[int] = field(default_factory=set)


def _scan(tokens: list[Token], keywords: KeywordMap | None) -> _Scan:
    mentions: list[tuple[int, int, str]] = []
    covered: set[int] = set()
    i = 0
    while keywords is not None and i < len(tokens):
        hit = keywords.match_at(tokens, i)
        if hit:
            mentions.append((i, i + hit[0], hit[1]))
            covered.update(range(i, i + hit[0]))
            i += hit[0]
        else:
            i += 1
    numbers: dict[int, tuple[int, int, bool]] = {}
    i = 0
    while i < len(tokens):
        num = None if i in covered else _number_at(tokens, i)
        if num and not any(k in covered for k in range(i, i + num[1])):
            value, used, words = num
            if not _is_price(tokens, i + used) and 0 < value <= MAX_QTY:
                numbers[i] = (value, i + used, words)
            i += used
        else:
            i += 1
    return _Scan(tokens, mentions, numbers)


def _qty_before(scan: _Scan, start: int) -> int | None:
    j = start
    if j > 0 and scan.tokens[j - 1].text in UNITS:
        j -= 1
    for s, (value, end, _words) in scan.numbers.items():
        if end == j and s not in scan.used:
            scan.used.add(s)
            return value
    return None


def _qty_after(scan: _Scan, end: int) -> int | None:
    j = end
    if j < len(scan.tokens) and scan.tokens[j].text in ("x", "sl", "so", "luong"):
        j += 1
        if j < len(scan.tokens) and scan.tokens[j].text == "luong":
            j += 1
    num = scan.numbers.get(j)
    if num is None or j in scan.used:
        return None
    value, stop, words = num
    after = scan.tokens[stop].text if stop < len(scan.tokens) else ""
    follows_kw = any(m[0] == stop for m in scan.mentions)
    # "trà 2 hộp" / "A1 x3" / "A1 2, A2 1"; a spelled number after a name must carry a unit
    # ("bưởi năm nay" is not five pomelos).
    if follows_kw or (words and after not in UNITS):
        return None
    scan.used.add(j)
    return value


def _each_qty(tokens: list[Token]) -> int | None:
    for i in range(len(tokens) - 2):
        if tokens[i].text == "moi" and tokens[i + 1].text in ("loai", "thu", "cai", "mon", "sp",
                                                               "mau", "vi"):
            num = _number_at(tokens, i + 2)
            if num:
                return num[0]
    return None


def _shorthand(tokens: list[Token], scan: _Scan) -> int | None:
    """``+2`` or ``c2`` (= "chốt 2") when not a product code; the quantity, else None."""
    for i, tok in enumerate(tokens):
        if tok.text.startswith("+") and tok.text[1:].isdigit():
            return int(tok.text[1:]) or None
        if tok.text == "c" and not tok.glued and i + 1 < len(tokens) and tokens[i + 1].glued \
                and tokens[i + 1].text.isdigit() and not any(m[0] == i for m in scan.mentions):
            return int(tokens[i + 1].text) or None
    return None


def _has(tokens: list[Token], *phrase: str) -> bool:
    n = len(phrase)
    return any(tuple(t.text for t in tokens[i:i + n]) == phrase for i in range(len(tokens)))


def _is_cancel(tokens: list[Token]) -> bool:
    words = [t.text for t in tokens]
    if "huy" in words or _has(tokens, "bo", "don") or _has(tokens, "tra", "lai", "don"):
        return True
    if "bo" in words and not _has(tokens, "bo", "gio"):
        i = words.index("bo")
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt.isdigit() or nxt in _DIGITS or nxt == "het":
            return True
    for i, w in enumerate(words):
        if w in ("lay", "mua", "dat", "chot") and i > 0 and (
                words[i - 1] in _NEGATIONS or (i > 1 and words[i - 2] in _NEGATIONS)):
            return "nua" in words[i:] or words[i - 1] == "thoi" or "thoi" in words[:i]
    return False


def _is_question(raw: str, tokens: list[Token]) -> bool:
    words = [t.text for t in tokens]
    if "?" in raw or any(w in _QUESTION_WORDS for w in words):
        return True
    if any(_has(tokens, *p.split()) for p in ("bao nhieu", "the nao", "o dau", "khi nao",
                                               "bao gio", "con hang", "het hang", "may ngay",
                                               "may gio", "may hop", "may", "lam sao")):
        return True
    tail = [w for w in words if w not in _PARTICLES]
    return bool(tail) and tail[-1] in _QUESTION_TAIL


def _has_order_word(tokens: list[Token]) -> bool:
    words = [t.text for t in tokens]
    if _has(tokens, "mua", "roi") or _has(tokens, "da", "mua"):
        return False  # "đã mua", "mua rồi": telling, not ordering
    if any(w in _ORDER_WORDS for w in words) or _has(tokens, "bo", "gio"):
        return True
    for i, w in enumerate(words[:-1]):
        if w in ("cho", "cko", "xin", "gui") and (
                words[i + 1] in _PRONOUNS or words[i + 1] == "xin" or words[i + 1].isdigit()):
            return True
    return False


def parse_comment(text: str, keywords: KeywordMap | None = None,
                  current: str | None = None) -> ParsedComment:
    """Read one comment.

    Args:
        text: the comment as written.
        keywords: the live's keyword map (without it no product is recognised).
        current: slug of the product on screen, for "c2", "+1" and a bare "chốt".

    Returns:
        A :class:`ParsedComment`. A cancel that also orders something else ("không lấy bưởi nữa,
        lấy 2 trà") keeps the cancelled products in ``items`` and the new ones in ``also_order``.
    """
    raw = nfc(text or "").strip()
    rest, phones, rejected = _extract_phones(raw)
    parsed = _read(raw, rest, keywords, current)
    parsed.phone = phones[0] if phones else None
    parsed.rejected_phones = rejected
    if parsed.intent == "cancel":
        clauses = [c for c in re.split(r"[,;.!\n]", rest) if c.strip()]
        reads = [_read(c, c, keywords, None) for c in clauses] if len(clauses) > 1 else []
        if any(r.intent == "cancel" for r in reads) and any(r.intent == "order" for r in reads):
            parsed.items = {s: q for r in reads if r.intent == "cancel" for s, q in r.items.items()}
            parsed.also_order = {s: q for r in reads if r.intent == "order"
                                 for s, q in r.items.items()}
    return parsed


def _read(raw: str, rest: str, keywords: KeywordMap | None, current: str | None) -> ParsedComment:
    """Intent and items of ``rest`` (the comment without its phone numbers)."""
    tokens = tokenize(rest)
    scan = _scan(tokens, keywords)
    each = _each_qty(tokens)
    items: dict[str, int] = {}
    explicit = False
    for start, end, slug in scan.mentions:
        qty = _qty_before(scan, start)
        if qty is None:
            qty = _qty_after(scan, end)
        if qty is None:
            qty = each  # "A1 A2 mỗi loại 2"
        explicit = explicit or qty is not None
        items[slug] = items.get(slug, 0) + (qty or 0)
    products = list(dict.fromkeys(m[2] for m in scan.mentions))
    short = _shorthand(tokens, scan)
    if short is not None and len(items) == 1 and not explicit:
        items = {slug: short for slug in items}
        explicit = True
    ordered = _has_order_word(tokens)
    parsed = ParsedComment(raw, "other", products=products)
    if _is_cancel(tokens):
        parsed.intent = "cancel"
        parsed.items = items
        return parsed
    # A product code alone ("A1", "B2 0912345678") is an order, as in the Vietnamese live tools.
    coded = any(any(t.text.isdigit() for t in tokens[a:b]) for a, b, _s in scan.mentions)
    wants = ordered or explicit or coded or short is not None
    asking = _is_question(raw, tokens)
    if wants and not (asking and not ordered and short is None):
        if not items and current:
            # "chốt 2"; a spelled number counts after an order word ("chốt hai").
            bare = [v for _s, (v, _e, w) in sorted(scan.numbers.items()) if not w or ordered]
            items = {current: short or (bare[0] if bare else 1)}
        parsed.intent = "order"
        parsed.items = {s: (q or 1) for s, q in items.items()}
        parsed.explicit = explicit or short is not None
    elif asking:
        parsed.intent = "question"
    return parsed
