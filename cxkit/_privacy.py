"""Personal data: recognising it (by a column's name and by its content), masking it wherever
a message or a report would quote it, and the keyed pseudonyms of :func:`cxkit.pseudonymise`.

Part of the private base (it imports nothing from cxkit): :mod:`cxkit._check` masks the values
its errors quote with :func:`shown` and scrubs every :class:`cxkit.DataError` message with
:func:`scrub`; the loaders detect personal data with :func:`detect` and pseudonymise with
:func:`pseudonym_sql` (in DuckDB) or :func:`pseudonyms` (in Python).

What counts as personal (English and Italian):

==================  =========================================================================
kind                recognised by
==================  =========================================================================
e-mail addresses    ``name@domain.tld`` anywhere in a cell; columns named email, e-mail, mail
phone numbers       ``+39 333 1234567``, ``0039…``, ``(02) 1234 5678``, Italian mobile and
                    landline numbers as plain digits (``3331234567``, ``0612345678``);
                    columns named phone, telefono, cellulare, mobile, tel
IBANs               a country code, two check digits and the account, with a valid checksum
                    (ISO 13616, mod 97); columns named iban
codici fiscali      16 characters with a valid check character (omocodia included); columns
                    named cf, codice_fiscale, fiscal_code, tax_code
partite IVA         11 digits (``IT`` optional) with a valid check digit, as a column's main
                    content; columns named partita_iva, piva, p_iva, vat_number
names               two or more capitalised words (``Mario Rossi``, ``ROSSI MARIO``) in an id
                    column; columns named name, nome, cognome, surname, first_name …
addresses           columns named address, indirizzo, street, via
dates of birth      columns named dob, date_of_birth, birth…, data_nascita, nascita…
==================  =========================================================================
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import Counter
from dataclasses import dataclass

#: Rows looked at per column by :func:`detect` (evenly spaced over the whole table).
SAMPLE_ROWS = 10_000
#: A kind found in at least this share of the rows checked (or in at least
#: :data:`MIN_HITS` cells) flags the column: e-mails, IBANs and codici fiscali have almost no
#: false positives.
STRONG_SHARE, MIN_HITS = 0.01, 3
#: Phone numbers, partite IVA and names must make up this share of the non-empty cells
#: (a column of 11-digit numbers passes the partita IVA check digit one time in ten).
WEAK_SHARE = 0.3

EMAIL, PHONE, IBAN, CF, PIVA, NAME, ADDRESS, BIRTH = (
    "e-mail addresses", "phone numbers", "IBANs", "codici fiscali", "partite IVA", "names",
    "addresses", "dates of birth")
_STRONG = (EMAIL, IBAN, CF)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_D = "[0-9LMNPQRSTUVlmnpqrstuv]"  # a digit, or the letter that replaces it (omocodia)
_CF = re.compile(rf"(?<![A-Za-z0-9])[A-Za-z]{{6}}{_D}{{2}}[ABCDEHLMPRSTabcdehlmprst]{_D}{{2}}"
                 rf"[A-Za-z]{_D}{{3}}[A-Za-z](?![A-Za-z0-9])")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
_PIVA = re.compile(r"(?:IT ?)?([0-9]{11})")
_PHONE = re.compile(
    r"(?:\+|00)[1-9][0-9]{0,2}[ .()/-]*[0-9][0-9 .()/-]{5,17}[0-9]"   # with a country code
    r"|3[0-9]{8,9}|0[0-9]{5,10}"                                          # Italian, plain digits
    r"|\(?[0-9]{2,4}\)?[ ./-][0-9]{3,4}[ ./-]?[0-9]{3,4}")                # with separators
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?"
                        r"|[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_NAME = re.compile(rf"[{_UPPER}][{_LOWER}'’]+(?:(?:,? |-)[{_UPPER}][{_LOWER}'’]+)+"
                   rf"|[{_UPPER}'’]{{2,}}(?:,? [{_UPPER}'’]{{2,}})+")

# column names, compared as lower-case tokens (split on anything not a letter or digit)
_NAMED = {
    EMAIL: {"email", "e_mail", "mail", "emailaddress", "email_address", "indirizzo_email",
            "posta_elettronica", "pec"},
    PHONE: {"phone", "phone_number", "telephone", "telefono", "tel", "cellulare", "cell",
            "mobile", "mobile_phone", "numero_telefono", "cellphone", "phonenumber"},
    IBAN: {"iban"},
    CF: {"cf", "codice_fiscale", "codicefiscale", "cod_fiscale", "fiscal_code", "tax_code",
         "taxcode", "ssn", "social_security_number", "tax_id"},
    PIVA: {"partita_iva", "partitaiva", "piva", "p_iva", "vat_number", "vat_id", "vatnumber"},
    NAME: {"name", "nome", "cognome", "surname", "first_name", "firstname", "last_name",
           "lastname", "full_name", "fullname", "given_name", "family_name", "nome_cognome",
           "cognome_nome", "nominativo", "customer_name", "client_name", "nome_cliente",
           "contact_name", "user_name", "nome_utente", "ragione_sociale"},
    ADDRESS: {"address", "indirizzo", "street", "via", "street_address", "home_address",
              "indirizzo_residenza", "residenza", "domicilio"},
    BIRTH: {"dob", "birth", "birthday", "birthdate", "birth_date", "date_of_birth",
            "data_nascita", "data_di_nascita", "nascita", "datanascita", "compleanno",
            "luogo_nascita", "place_of_birth"},
}
# a token anywhere in the name is enough for these
_TOKENS = {
    EMAIL: {"email", "mail"}, PHONE: {"phone", "telefono", "cellulare", "mobile"},
    IBAN: {"iban"}, CF: {"fiscale", "codicefiscale"}, PIVA: {"piva"},
    NAME: {"cognome", "surname", "firstname", "lastname"},
    ADDRESS: {"indirizzo", "address"},
    BIRTH: {"nascita", "birth", "birthday", "birthdate", "dob"},
}


# --------------------------------------------------------------------------------------------
# check characters
# --------------------------------------------------------------------------------------------
_CF_DIGITS = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]  # a digit in an odd place (0 … 9), as A … J
_CF_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                   _CF_DIGITS + _CF_DIGITS + [2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25,
                                              24, 23], strict=True))
_CF_EVEN = {c: (int(c) if c.isdigit() else ord(c) - 65) for c in
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def valid_cf(text: str) -> bool:
    """Whether ``text`` is a codice fiscale with a valid check character.

    >>> valid_cf("RSSMRA80A01H501U"), valid_cf("RSSMRA80A01H501A")
    (True, False)
    """
    code = text.upper()
    if len(code) != 16 or not code.isalnum() or not code.isascii():
        return False
    total = sum(_CF_ODD[c] if i % 2 == 0 else _CF_EVEN[c] for i, c in enumerate(code[:15]))
    return chr(65 + total % 26) == code[15]


def valid_iban(text: str) -> bool:
    """Whether ``text`` (spaces allowed) is an IBAN with a valid checksum (mod 97 = 1).

    >>> valid_iban("IT60 X054 2811 1010 0000 0123 456"), valid_iban("IT61X0542811101000000123456")
    (True, False)
    """
    code = text.replace(" ", "").upper()
    if not 15 <= len(code) <= 34 or not code.isalnum() or not code.isascii():
        return False
    digits = "".join(str(int(c, 36)) for c in code[4:] + code[:4])
    return int(digits) % 97 == 1


def valid_piva(text: str) -> bool:
    """Whether ``text`` (11 digits, ``IT`` optional) is a partita IVA with a valid check digit.

    >>> valid_piva("12345678903"), valid_piva("IT12345678904")
    (True, False)
    """
    code = text.upper().removeprefix("IT").strip()
    if len(code) != 11 or not code.isdigit() or code == "0" * 11:
        return False
    total = 0
    for i, c in enumerate(code[:10]):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return (10 - total % 10) % 10 == int(code[10])


def _iban_in(text: str) -> str | None:
    """The first IBAN in ``text`` (written in groups or not), or None."""
    for match in _IBAN.finditer(text):
        groups = match.group().split(" ")
        for k in range(len(groups), 0, -1):  # "IT60 X054 ... 456 and 3 more" ends early
            candidate = " ".join(groups[:k])
            if valid_iban(candidate):
                return candidate
    return None


# --------------------------------------------------------------------------------------------
# one value
# --------------------------------------------------------------------------------------------
def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


def kind_of(value, *, names: bool = False) -> str | None:
    """The kind of personal data ``value`` is (or holds: an e-mail, a codice fiscale or an
    IBAN inside free text count), or None; names only with ``names=True``.

    >>> kind_of("write to mario.rossi@gmail.com"), kind_of("+39 333 123 4567")
    ('e-mail addresses', 'phone numbers')
    >>> kind_of("Mario Rossi"), kind_of("Mario Rossi", names=True), kind_of("web_visit")
    (None, 'names', None)
    """
    text = _text(value)
    if not text or len(text) < 6:
        return None
    if "@" in text and _EMAIL.search(text):
        return EMAIL
    if len(text) >= 15:
        for match in _CF.finditer(text):
            if valid_cf(match.group()):
                return CF
        if _iban_in(text.upper()):
            return IBAN
    if text[0] in "+(0123456789" or text[:2].upper() == "IT":
        piva = _PIVA.fullmatch(text)
        if piva and valid_piva(piva.group(1)):
            return PIVA
        if _PHONE.fullmatch(text) and 6 <= sum(c.isdigit() for c in text) <= 15 \
                and not _THOUSANDS.fullmatch(text):
            return PHONE
    if names and _NAME.fullmatch(text):
        return NAME
    return None


def mask(value) -> str:
    """The masked form of a value: an e-mail keeps the first letter of its user and domain and
    its top-level domain, anything else its first three characters (one when short).

    >>> mask("mario.rossi@gmail.com"), mask("RSSMRA80A01H501U"), mask("Anna")
    ('m***@g***.com', 'RSS***', 'A***')
    """
    text = _text(value) or ""
    if not text:
        return text
    found = _EMAIL.search(text) if "@" in text else None
    if found:
        user, _, domain = found.group().partition("@")
        top = domain.rsplit(".", 1)[-1]
        return f"{user[:1]}***@{domain[:1]}***.{top}"
    return text[:3 if len(text) >= 8 else 1] + "***"


def shown(value, *, personal: bool = False, names: bool = True):
    """``value`` as an error message or a report may quote it: masked (:func:`mask`) when it
    looks personal (:func:`kind_of`) or comes from a column flagged personal (``personal``),
    unchanged otherwise. Short values (up to four characters: ``N/A``, ``-``, ``nan``) are
    never personal.

    >>> shown("mario@gmail.com"), shown("N/A", personal=True), shown(3331234567.0)
    ('m***@g***.com', 'N/A', '333***')
    >>> shown("abc123")
    'abc123'
    """
    text = _text(value)
    if text is None or len(text) <= 4:
        return value
    if personal or kind_of(text, names=names):
        return mask(text)
    return value


def scrub(message: str) -> str:
    """``message`` with every e-mail address, codice fiscale, IBAN and phone number written
    with its country code replaced by its masked form (the last line of defence: applied to
    every :class:`cxkit.DataError`).

    >>> scrub("cannot read 'mario.rossi@gmail.com' or 'RSSMRA80A01H501U'")
    "cannot read 'm***@g***.com' or 'RSS***'"
    """
    if not isinstance(message, str) or len(message) < 6:
        return message
    if "@" in message:
        message = _EMAIL.sub(lambda m: mask(m.group()), message)
    if len(message) >= 15:
        message = _CF.sub(lambda m: mask(m.group()) if valid_cf(m.group()) else m.group(),
                          message)
        while (found := _iban_in(message)) is not None:
            message = message.replace(found, mask(found))
    if "+" in message or "00" in message:
        message = re.sub(r"(?<![\w.])(?:\+|00)[1-9][0-9 .()/-]{7,18}[0-9](?![\w.])",
                         lambda m: mask(m.group()) if 8 <= sum(
                             c.isdigit() for c in m.group()) <= 15 else m.group(), message)
    return message


# --------------------------------------------------------------------------------------------
# columns
# --------------------------------------------------------------------------------------------
def kind_by_name(column) -> str | None:
    """The kind of personal data a column's name says it holds, or None.

    >>> kind_by_name("Data_Nascita"), kind_by_name("emailCliente"), kind_by_name("campaign_name")
    ('dates of birth', 'e-mail addresses', None)
    """
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", str(column)).lower()
    name = re.sub(r"[^0-9a-zà-ÿ]+", "_", name).strip("_")
    for kind, names in _NAMED.items():
        if name in names:
            return kind
    tokens = set(name.split("_"))
    for kind, found in _TOKENS.items():
        if tokens & found:
            return kind
    return None


@dataclass(frozen=True)
class Finding:
    """A column that holds personal data: its ``kind``, found ``by`` its ``"name"`` or its
    ``"content"``, and the ``share`` of the rows checked (``rows``) whose cell is of that kind
    (NaN when found by name only and no cell looks like it)."""

    column: str
    kind: str
    by: str
    share: float
    rows: int
    label: str = ""

    def warning(self) -> str:
        checked = f" ({self.rows:,} rows checked)"
        if self.by == "name":
            what = f"{self.kind}, by its name"
            if self.share == self.share and self.share > 0:
                what += f" and in {_pct(self.share)} of rows{checked}"
        else:
            what = f"{self.kind} in {_pct(self.share)} of rows{checked}"
        return (f"column {self.label or repr(self.column)} holds personal data: {what}; "
                "pseudonymise or drop it before sharing")


def _pct(share: float) -> str:
    return f"{share:.0%}" if share >= 0.01 else "<1%"


def detect(frame, *, ids=(), skip=(), names=None, label=None,
           sample: int = SAMPLE_ROWS) -> list[Finding]:
    """The columns of ``frame`` (a pandas DataFrame) that hold personal data, by name and by
    content, on up to ``sample`` evenly spaced rows; ``ids`` are id columns (where names are
    looked for too), ``skip`` columns not looked at, ``names`` the user's names of columns a
    loader renamed (looked at by name) and ``label(column)`` how a warning names a column.
    Numbers, dates and flags are looked at by name only, except whole numbers (phone numbers,
    partite IVA).

    >>> import pandas as pd
    >>> data = pd.DataFrame({"id": ["c1", "c2", "c3", "c4", "c5"],
    ...                      "contatto": ["a@b.it", None, "c@d.com", "", "x"],
    ...                      "nome": ["Mario", "Anna", None, None, None]})
    >>> [f.warning() for f in detect(data)]  # doctest: +NORMALIZE_WHITESPACE
    ["column 'contatto' holds personal data: e-mail addresses in 40% of rows (5 rows
    checked); pseudonymise or drop it before sharing", "column 'nome' holds personal data:
    names, by its name; pseudonymise or drop it before sharing"]
    """
    names = dict(names or {})
    import numpy as np
    import pandas as pd

    n = len(frame)
    at = np.unique(np.linspace(0, n - 1, min(n, sample)).astype(np.int64)) if n else \
        np.array([], dtype=np.int64)
    found = []
    for col in frame.columns:
        if col in skip:
            continue
        values = frame[col]
        by_name = kind_by_name(names.get(col, col)) or kind_by_name(col)
        counts: dict[str, int] = {}
        filled = 0
        kind = values.dtype
        textual = pd.api.types.is_object_dtype(kind) or pd.api.types.is_string_dtype(kind) or \
            isinstance(kind, pd.CategoricalDtype)
        whole = pd.api.types.is_integer_dtype(kind) and not pd.api.types.is_bool_dtype(kind)
        if (textual or whole) and len(at):
            # each distinct cell looked at once (as text: cells may be lists or dicts)
            cells = Counter(map(_text, _cells(values, at)))
            for text, times in cells.items():
                if not text:
                    continue
                filled += times
                k = kind_of(text, names=col in ids)
                if k is not None:
                    counts[k] = counts.get(k, 0) + times
        checked = len(at)
        flagged = []
        for k, hits in counts.items():
            share = hits / checked
            if (k in _STRONG and (share >= STRONG_SHARE or hits >= MIN_HITS)) or \
                    (k not in _STRONG and hits / max(filled, 1) >= WEAK_SHARE):
                flagged.append((k, share))
        flagged.sort(key=lambda t: -t[1])
        shown = label(col) if label is not None else repr(str(col))
        if by_name is not None:
            share = next((s for k, s in flagged if k == by_name), float("nan"))
            found.append(Finding(str(col), by_name, "name", share, checked, shown))
            flagged = [(k, s) for k, s in flagged if k != by_name]
        found += [Finding(str(col), k, "content", s, checked, shown) for k, s in flagged]
    return found


def _cells(values, at) -> list:
    """The cells of the Series ``values`` at positions ``at`` (sorted), as Python objects.
    A column held by Arrow in chunks is read chunk by chunk: ``iloc`` would first join its
    chunks into one copy of the whole column."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    chunks = None
    kind = values.dtype
    # pandas' str (Arrow, missing as NaN): to_pylist gives None where tolist gives NaN, and
    # both are no text to _text
    if isinstance(kind, pd.StringDtype) and kind.storage == "pyarrow" and \
            kind.na_value is np.nan:
        try:
            data = pa.array(values.array)
        except (TypeError, ValueError, pa.ArrowException):
            data = None
        if isinstance(data, pa.ChunkedArray) and data.num_chunks > 1 and \
                len(data) == len(values):
            chunks = data.chunks
    if chunks is None:
        return values.iloc[at].tolist()
    ends = np.cumsum([len(c) for c in chunks])
    which = np.searchsorted(ends, at, side="right")
    out = []
    for i in np.unique(which):
        start = int(ends[i] - len(chunks[i]))
        out += chunks[i].take(pa.array(at[which == i] - start)).to_pylist()
    return out


def findings_table(findings):
    """The report's ``details["personal_data"]``: one row per finding (no values)."""
    import pandas as pd

    return pd.DataFrame({"column": pd.Series([f.column for f in findings], dtype="str"),
                         "kind": pd.Series([f.kind for f in findings], dtype="str"),
                         "found_by": pd.Series([f.by for f in findings], dtype="str"),
                         "share": pd.Series([f.share for f in findings], dtype="float64"),
                         "rows_checked": pd.Series([f.rows for f in findings], dtype="int64")})


# --------------------------------------------------------------------------------------------
# pseudonyms: "px_" + the first 16 hex characters of HMAC-SHA-256(key, id), both UTF-8
# --------------------------------------------------------------------------------------------
PREFIX = "px_"
PSEUDONYM = re.compile(r"px_[0-9a-f]{16}")


def pseudonym(key: bytes, text: str) -> str:
    """The pseudonym of one id.

    >>> pseudonym(b"key", "c1")
    'px_6f349ae9d3b1867f'
    """
    return PREFIX + hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def pseudonyms(key: bytes, texts) -> list[str]:
    """The pseudonyms of ``texts`` (each distinct text hashed once)."""
    done: dict[str, str] = {}
    out = []
    for text in texts:
        p = done.get(text)
        if p is None:
            p = done[text] = pseudonym(key, text)
        out.append(p)
    return out


def hmac_pads(key: bytes) -> dict[str, bytes]:
    """The inner and outer padded keys of HMAC-SHA-256 (RFC 2104), as the parameters of
    :func:`pseudonym_sql` (never written into a query's text)."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return {"cx_ipad": bytes(b ^ 0x36 for b in key), "cx_opad": bytes(b ^ 0x5C for b in key)}


def pseudonym_sql(x: str) -> str:
    """DuckDB SQL for the pseudonym of the text ``x``: HMAC-SHA-256 from two SHA-256 over
    BLOBs, ``H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m))``, with the pads as the parameters
    ``$cx_ipad`` and ``$cx_opad`` (:func:`hmac_pads`). NULL stays NULL."""
    return (f"'{PREFIX}' || left(sha256($cx_opad || unhex(sha256($cx_ipad || "
            f"encode(CAST({x} AS VARCHAR))))), 16)")
