"""`cxkit study init`: a starter study file guessed from the headers of the researcher's files.

Every guess is written with a comment saying it is a guess, for the researcher to confirm;
nothing is guessed silently and the file is checked with :func:`read_study` like any other.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from .. import _check

# Column-name patterns (English and Italian) for the journeys' data contract.
_EVENT_NAMES = {
    "customer_id": r"^(customer|client|cliente|id_cliente|user|utente|cust)(_?id)?$|^id$",
    "timestamp": r"(time|timestamp|data_ora|dataora|datetime|date|data|ora)",
    "touchpoint": r"(touchpoint|event|evento|azione|action|tipo)",
    "channel": r"(channel|canale)",
    "value": r"(value|valore|importo|amount|revenue|ricavo|spesa)",
}
_SURVEY_ID = r"^(customer|client|cliente|id_cliente|respondent|rispondente|id)(_?id)?$"
_WAVE = r"^(wave|ondata|round|tornata)$"
_MISSING = (-99, -98, -9, 99, 999)


def _sniff(path: Path) -> tuple[str, list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        sample = handle.read(64_000)
    lines = sample.splitlines()
    first = lines[0] if lines else ""
    sep = max([",", ";", "\t", "|"], key=first.count)
    rows = list(csv.reader(lines[:200], delimiter=sep))
    return sep, rows[0] if rows else [], rows[1:]


def _guess(header: list[str], patterns: dict) -> dict:
    found = {}
    for canonical, pattern in patterns.items():
        for column in header:
            if column not in found.values() and re.search(pattern, column.strip().lower()):
                found[canonical] = column
                break
    return found


def _number(text: str, decimal: str) -> float | None:
    text = text.strip()
    if decimal == ",":
        text = text.replace(".", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _events_table(path: Path, relative: str) -> list[str]:
    sep, header, rows = _sniff(path)
    decimal = "," if sep == ";" and any(re.fullmatch(r"-?\d+,\d+", v) for r in rows for v in r) \
        else "."
    columns = _guess(header, _EVENT_NAMES)
    lines = ["[events]                          # every key is a parameter of cxkit.load_journeys",
             f'source = "{relative}"']
    if sep != ",":
        lines.append(f'sep = "{sep}"' + " " * 22 + "# guessed from the header line: check")
    if decimal != ".":
        lines.append(f'decimal = "{decimal}"' + " " * 18 + "# guessed from the values: check")
    lines.append('tz = "UTC"                        # CHECK: the zone the export\'s times were '
                 'written in, e.g. "Europe/Rome"')
    lines.append('on_error = "set_aside"            # broken rows listed in the report, not fatal')
    mapping = ", ".join(f'{k} = "{v}"' for k, v in columns.items() if k != v)
    if mapping:
        lines.append(f"columns = {{ {mapping} }}   # guessed from the names: check each")
    missing = [k for k in ("customer_id", "timestamp", "touchpoint") if k not in columns]
    if missing:
        lines.append(f"# NOT FOUND: {', '.join(missing)} — map them in columns = {{ ... }}")
    return lines


def _survey_table(path: Path, relative: str) -> tuple[list[str], dict]:
    sep, header, rows = _sniff(path)
    id_column = next((c for c in header if re.search(_SURVEY_ID, c.strip().lower())), None)
    wave = next((c for c in header if re.search(_WAVE, c.strip().lower())), None)
    numbers: dict[str, list[float]] = {c: [] for c in header}
    text_columns = set()
    for row in rows:
        for column, value in zip(header, row, strict=False):
            if not value.strip():
                continue
            number = _number(value, "," if sep == ";" else ".")
            if number is None:
                text_columns.add(column)
            else:
                numbers[column].append(number)
    special = {column for column in ("nps", "csat", "ces") if column in header}
    items = [c for c in header if c not in text_columns and c not in (id_column, wave)
             and c not in special and numbers[c]]
    codes = sorted({v for c in items for v in numbers[c] if v in _MISSING})
    valid = [v for c in items for v in numbers[c] if v not in _MISSING]
    scale = (int(min(valid)), int(max(valid))) if valid else (1, 7)
    keep = [c for c in header if c in text_columns and c not in (id_column, wave)]
    lines = ["[survey]                          # every key is a parameter of cxkit.load_survey",
             f'source = "{relative}"']
    if sep != ",":
        lines.append(f'sep = "{sep}"' + " " * 22 + "# guessed from the header line: check")
    lines.append(f'id_column = "{id_column or "customer_id"}"'
                 + ("          # guessed: check" if id_column else "  # NOT FOUND: name it"))
    if wave:
        lines.append(f'wave_column = "{wave}"           # guessed: check')
    if keep:
        lines.append(f"keep = {keep!r}".replace("'", '"') + "   # text columns kept as they are")
    lines.append(f"scale = [{scale[0]}, {scale[1]}]"
                 "                  # guessed from the smallest and largest answers: check")
    if codes:
        lines.append(f"missing_codes = {[int(c) for c in codes]}"
                     "          # values that look like 'no answer' codes: check")
    if "nps" in header:
        lines.append("ranges = { nps = [0, 10] }")
    constructs: dict[str, list[str]] = {}
    for item in items:
        match = re.fullmatch(r"(.+?)_?\d+", item)
        if match:
            constructs.setdefault(match.group(1), []).append(item)
    return lines, {k: v for k, v in constructs.items() if len(v) >= 2}


def init_study(events=None, survey=None, *, title: str = "My study", folder=None) -> str:
    """A starter ``study.toml`` guessed from the headers and first rows of the files.

    Parameters
    ----------
    events, survey : str or Path, optional
        A journey export and a survey file (CSV).
    title : str
        ``[study] title``.
    folder : str or Path, optional
        The folder the study file will live in (sources are written relative to it; default:
        the current folder).

    Returns
    -------
    str
        The TOML text; every guess carries a comment to check it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "eventi.csv").write_text("id_cliente;data_ora;evento;importo\\n"
    ...                                         "C1;2024-01-02 10:00;acquisto;12,50\\n")
    >>> print(init_study(folder / "eventi.csv", folder=folder))  # doctest: +ELLIPSIS
    [study]
    title = "My study"
    <BLANKLINE>
    [events]  ...
    source = "eventi.csv"
    sep = ";"  ...
    decimal = ","  ...
    """
    if events is None and survey is None:
        raise ValueError("give events=, survey= or both")
    folder = Path(folder) if folder is not None else Path.cwd()
    lines = ["[study]", f'title = "{title}"']
    constructs: dict = {}
    for name, path, table in (("events", events, _events_table),
                              ("survey", survey, _survey_table)):
        if path is None:
            continue
        path = Path(path)
        if not path.is_file():
            raise _check.DataError("the file does not exist", file=str(path))
        try:
            relative = str(path.resolve().relative_to(folder.resolve()))
        except ValueError:
            relative = str(path.resolve())
        result = table(path, relative)
        if name == "survey":
            result, constructs = result
        lines += ["", *result]
    if constructs:
        lines += ["", "[constructs]                      # guessed from item names (name_1, "
                      "name_2…): check, and rename to needs/ease/enjoy/loyalty where they are"]
        lines += [f"{k} = {v!r}".replace("'", '"') for k, v in constructs.items()]
    lines += ["", "# [policy]                        # optional: a dated policy by group",
              '# launch = { Nord = "2025-01-01" }   # groups absent = never launched',
              '# group = "regione"                 # a survey column kept with keep=',
              "", "[report]",
              '# date = "data_risposta"            # the answer date (a survey column kept with '
              'keep=): needed by [policy] and the moments of truth',
              'segments = []                     # survey columns to break metrics down by',
              "min_n = 10                        # smaller groups are suppressed",
              'pseudonymise_key_env = "CXKIT_KEY" # set it to pseudonymise ids']
    return "\n".join(lines) + "\n"
