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


if __name__ == "__main__":
    rng = np.random.default_rng(SEED)
    journeys(rng).to_csv(HERE / "export_eventi.csv", index=False, float_format="%.2f")
    survey(rng).to_csv(HERE / "sondaggio_clienti.csv", index=False)
