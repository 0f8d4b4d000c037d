"""Make the synthetic files of the privacy tests: notebook 90's teaching export and survey
(``data/byod``) with every customer id replaced by a made-up codice fiscale (valid check
character; birthplace code Z999, which no municipality or country has, so that no code can
be a real person's) and every e-mail by a made-up address at example.com.

    python tests/privacy/make_privacy_data.py
"""

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
BYOD = HERE.parents[1] / "data" / "byod"

# the check character of a codice fiscale (Decreto ministeriale 23/12/1976, allegato):
# characters in odd places (1st, 3rd ...) by the first table, in even places by the second
ODD = {**dict(zip("0123456789", (1, 0, 5, 7, 9, 13, 15, 17, 19, 21), strict=True)),
       **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                  (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16,
                   10, 22, 25, 24, 23), strict=True))}
EVEN = {**{str(d): d for d in range(10)},
        **{c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}}


def check_character(first15: str) -> str:
    total = sum(ODD[c] if i % 2 == 0 else EVEN[c] for i, c in enumerate(first15))
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[total % 26]


def fake_cf(rng: random.Random) -> str:
    letters = "".join(rng.choice("BCDFGLMNPRSTVZ") for _ in range(6))
    year, month = rng.randint(50, 99), rng.choice("ABCDEHLMPRST")
    day = rng.randint(1, 28) + rng.choice((0, 40))
    first15 = f"{letters}{year:02d}{month}{day:02d}Z999"
    return first15 + check_character(first15)


def main() -> None:
    rng = random.Random(12)
    with open(BYOD / "export_eventi.csv", newline="", encoding="utf-8") as f:
        events = list(csv.DictReader(f))
    with open(BYOD / "sondaggio_clienti.csv", newline="", encoding="utf-8") as f:
        survey = list(csv.DictReader(f))
    ids = sorted({r["id_cliente"] for r in events} | {r["cliente"] for r in survey})
    cf = {}
    for old in ids:
        code = fake_cf(rng)
        while code in cf.values():
            code = fake_cf(rng)
        cf[old] = code
    first = ["giulia", "marco", "sara", "luca", "paola", "davide"]
    last = ["verdi", "neri", "gialli", "bruni", "galli", "conti"]
    mail = {old: f"{rng.choice(first)}.{rng.choice(last)}{i}@example.com"
            for i, old in enumerate(ids, start=1)}
    for r in events:
        r["email"], r["id_cliente"] = mail[r["id_cliente"]], cf[r["id_cliente"]]
    for r in survey:
        r["cliente"] = cf[r["cliente"]]
    for name, rows in (("export_eventi.csv", events), ("sondaggio_clienti.csv", survey)):
        with open(HERE / name, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


if __name__ == "__main__":
    main()
