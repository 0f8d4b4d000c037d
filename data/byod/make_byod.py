"""Write the made-up "bring your own data" export used by notebooks/90_bring_your_own_data.ipynb.

Run from anywhere: ``python data/byod/make_byod.py``. Same seed, same files. The data imitate
what an Italian retailer's CRM/analytics export looks like: Italian column names, naive local
times (Europe/Rome), two touchpoints the cxkit catalogue does not know, a few exact duplicate
rows and a column of (fake, example.org) e-mail addresses. See data/README.md.
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2009  # the year of Buttle's book, for want of a better number
HERE = Path(__file__).resolve().parent
N_CUSTOMERS = 30

# touchpoint -> (channel written in the export, weight). kiosk_checkin and push_notification
# are not in the cxkit catalogue on purpose: the notebook shows how to add them.
EVENTS = {
    "email_received": ("email", 10), "email_open": ("email", 8), "email_click": ("email", 5),
    "web_visit": ("web", 12), "product_page_view": ("web", 10), "cart_add": ("web", 5),
    "app_open": ("app", 8), "app_feature_use": ("app", 4), "push_notification": ("app", 6),
    "purchase": (None, 8), "store_visit": ("store", 5), "sales_advice": ("store", 2),
    "kiosk_checkin": ("store", 4), "support_chat": ("chat", 3), "support_call": ("phone", 2),
    "complaint": ("phone", 1), "return_request": ("web", 1), "loyalty_program_join": ("app", 1),
    "reward_redeemed": ("app", 1), "survey_response": ("email", 1), "social_like": ("social", 2),
    "cause_campaign_view": ("social", 2), "csr_report_view": ("web", 1),
}
FIRST = ["giulia", "marco", "sara", "luca", "chiara", "paolo", "elena", "andrea", "anna", "matteo"]
LAST = ["rossi", "bianchi", "russo", "ferrari", "esposito", "romano", "colombo", "ricci"]


def journeys(rng: np.random.Generator) -> pd.DataFrame:
    names = list(EVENTS)
    weights = np.array([w for _, w in EVENTS.values()], dtype=float)
    rows = []
    for k in range(1, N_CUSTOMERS + 1):
        customer = f"CL{k:03d}"
        email = f"{rng.choice(FIRST)}.{rng.choice(LAST)}{k}@example.org"
        # Mid-February to early May: the journeys cross the switch to summer time (31 March).
        day = pd.Timestamp("2024-02-12") + pd.Timedelta(days=int(rng.integers(0, 45)))
        for _ in range(int(rng.integers(5, 14))):
            day += pd.Timedelta(days=int(rng.integers(0, 6)))
            # Shop and office hours only, so no time falls in the hour skipped on 31 March.
            when = day + pd.Timedelta(minutes=int(rng.integers(8 * 60, 22 * 60)))
            event = str(rng.choice(names, p=weights / weights.sum()))
            channel = EVENTS[event][0] or str(rng.choice(["web", "app", "store"], p=[.5, .3, .2]))
            if event not in ("kiosk_checkin", "push_notification") and rng.random() < 0.04:
                channel = ""  # the export sometimes leaves the channel empty
            amount = round(float(rng.lognormal(3.8, 0.6)), 2) if event == "purchase" else None
            if event == "return_request":
                amount = -round(float(rng.lognormal(3.5, 0.5)), 2)
            rows.append((customer, when.strftime("%Y-%m-%d %H:%M:%S"), event, channel, amount,
                         email))
    data = pd.DataFrame(rows, columns=["id_cliente", "data_ora", "evento", "canale", "importo",
                                       "email"])
    data = data.sort_values(["data_ora", "id_cliente"], kind="stable", ignore_index=True)
    # An export glitch: three events (one of them a purchase) written twice, each right after
    # the original.
    purchases = np.flatnonzero(data["evento"] == "purchase")
    others = np.flatnonzero(data["evento"] != "purchase")
    doubled = np.sort(np.r_[rng.choice(purchases, 1), rng.choice(others, 2, replace=False)])
    return pd.concat([data, data.iloc[doubled]]).sort_index(kind="stable", ignore_index=True)


def survey(rng: np.random.Generator) -> pd.DataFrame:
    respondents = np.sort(rng.choice(np.arange(1, N_CUSTOMERS + 1), size=22, replace=False))
    ease = np.clip(rng.normal(5.0, 1.2, size=len(respondents)), 1, 7)
    data = pd.DataFrame({"cliente": [f"CL{k:03d}" for k in respondents]})
    for j in (1, 2, 3):
        data[f"facilita_{j}"] = np.clip(np.rint(ease + rng.normal(0, 0.7, len(ease))), 1, 7)
    data["nps"] = np.clip(np.rint(1.4 * ease + rng.normal(0, 1.5, len(ease))), 0, 10)
    data = data.astype({c: "int64" for c in data.columns[1:]})
    # -99 is the survey tool's code for "no answer".
    for row, col in [(3, "facilita_2"), (8, "nps"), (12, "facilita_1"), (15, "facilita_3"),
                     (19, "nps")]:
        data.loc[row, col] = -99
    return data




# --------------------------------------------------------------------------------------------
# data/byod/studio/: a larger export with a two-wave survey and a CSR launch by region, for
# `cxkit report data/byod/studio/study.toml` (its own seed: the files above do not change).
# --------------------------------------------------------------------------------------------

STUDIO_SEED = 2025
STUDIO = HERE / "studio"
N_STUDIO = 150          # customers in the export
N_RESPONDENTS = 120     # of them answer the survey, in both waves
REGIONS = {"Nord": "2025-01-01", "Centro": "2025-04-01", "Sud": None}  # the CSR launch
WAVES = {1: "2024-11-15", 2: "2025-06-16"}  # the survey's fieldwork dates (two weeks each)
TRUE_EFFECT = 0.5       # of the CSR policy on the loyalty items, in scale points
# the export's channel names, in Italian: values={"channel": {...}} maps them
CANALI = {"email": "email", "web": "web", "app": "app", "store": "negozio", "phone": "telefono",
          "chat": "chat", "social": "social"}


def studio_events(rng: np.random.Generator, customers: pd.DataFrame) -> pd.DataFrame:
    names = [e for e in EVENTS if e not in ("kiosk_checkin", "push_notification")]
    weights = np.array([EVENTS[e][1] for e in names], dtype=float)
    rows = []
    for customer in customers.itertuples():
        day = pd.Timestamp("2024-09-01") + pd.Timedelta(days=int(rng.integers(0, 60)))
        for _ in range(int(rng.integers(6, 22))):
            day += pd.Timedelta(days=int(rng.integers(1, 45)))
            if day > pd.Timestamp("2025-08-31"):
                break
            when = day + pd.Timedelta(minutes=int(rng.integers(8 * 60, 22 * 60)))
            event = str(rng.choice(names, p=weights / weights.sum()))
            channel = EVENTS[event][0] or str(rng.choice(["web", "app", "store"], p=[.5, .3, .2]))
            amount = rng.lognormal(3.8, 0.6) if event == "purchase" else np.nan
            rows.append((customer.cliente, when, event, CANALI[channel], amount))
    data = pd.DataFrame(rows, columns=["id_cliente", "data_ora", "evento", "canale", "importo"])
    data = data.sort_values(["data_ora", "id_cliente"], kind="stable", ignore_index=True)
    data["data_ora"] = data["data_ora"].dt.strftime("%d/%m/%Y %H:%M")
    # decimal comma, as an Italian spreadsheet writes it
    data["importo"] = data["importo"].map(lambda v: "" if np.isnan(v) else f"{v:.2f}"
                                          .replace(".", ","))
    # Two broken rows, as real exports have: a time the CRM could not fill, an empty id.
    data.loc[17, "data_ora"] = "N/D"
    data.loc[402, "id_cliente"] = ""
    return data


def studio_survey(rng: np.random.Generator, customers: pd.DataFrame) -> pd.DataFrame:
    people = customers.iloc[:N_RESPONDENTS]
    rows = []
    for wave, fieldwork in WAVES.items():
        day = pd.Timestamp(fieldwork) + pd.to_timedelta(rng.integers(0, 14, len(people)), "D")
        launch = pd.to_datetime(people["regione"].map(REGIONS))
        in_force = (launch <= day).to_numpy()
        latent = {name: people[name].to_numpy() + rng.normal(0, 0.4, len(people))
                  for name in ("bisogni", "facilita", "piacere", "csr")}
        latent["csr"] = latent["csr"] + 0.8 * in_force
        loyalty = (1.2 + 0.15 * latent["bisogni"] + 0.2 * latent["facilita"]
                   + 0.15 * latent["piacere"] + 0.2 * people["csr"].to_numpy()
                   + TRUE_EFFECT * in_force + rng.normal(0, 0.5, len(people)))
        latent["fedelta"] = loyalty
        frame = pd.DataFrame({"cliente": people["cliente"].to_numpy(), "ondata": wave,
                              "data_risposta": day.strftime("%Y-%m-%d"),
                              "segmento": people["segmento"].to_numpy(),
                              "regione": people["regione"].to_numpy()})
        for name, score in latent.items():
            for j in (1, 2, 3):
                answer = np.rint(score + rng.normal(0, 0.6, len(people)))
                frame[f"{name}_{j}"] = np.clip(answer, 1, 7).astype(int)
        frame["nps"] = np.clip(np.rint(1.6 * loyalty - 0.5 + rng.normal(0, 1.2, len(people))),
                               0, 10).astype(int)
        rows.append(frame)
    data = pd.concat(rows, ignore_index=True)
    cells = rng.choice(len(data), size=8, replace=False)
    columns = rng.choice(["facilita_2", "csr_1", "fedelta_3", "nps"], size=8)
    for row, column in zip(cells, columns, strict=True):
        data.loc[row, column] = -99
    return data


def studio(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = pd.DataFrame({
        "cliente": [f"C{k:04d}" for k in range(1, N_STUDIO + 1)],
        "regione": rng.choice(list(REGIONS), N_STUDIO, p=[.4, .35, .25]),
        "segmento": rng.choice(["famiglie", "giovani", "senior"], N_STUDIO, p=[.45, .35, .2])})
    for name, mean in (("bisogni", 5.2), ("facilita", 4.8), ("piacere", 4.2), ("csr", 4.0)):
        customers[name] = np.clip(rng.normal(mean, 1.0, N_STUDIO), 1, 7)
    return studio_events(rng, customers), studio_survey(rng, customers)


def write_studio() -> None:
    events, answers = studio(np.random.default_rng(STUDIO_SEED))
    STUDIO.mkdir(exist_ok=True)
    events.to_csv(STUDIO / "export_eventi.csv", sep=";", index=False)
    answers.to_csv(STUDIO / "sondaggio.csv", sep=";", index=False)


if __name__ == "__main__":
    rng = np.random.default_rng(SEED)
    journeys(rng).to_csv(HERE / "export_eventi.csv", index=False, float_format="%.2f")
    survey(rng).to_csv(HERE / "sondaggio_clienti.csv", index=False)
    write_studio()
