"""Exercises of the chapter on bringing your own data (90_bring_your_own_data).

The chapter reads the made-up company export in the project's ``data/byod/`` folder (it is not
package data), so these solutions look for that folder beside the ``pyproject.toml`` above the
working directory, as the chapter does. The answers are counts: they do not depend on the
pseudonymisation key.
"""

from pathlib import Path

from ..._check import DataError
from .._registry import exercise

_COLUMNS = {"customer_id": "id_cliente", "timestamp": "data_ora", "touchpoint": "evento",
            "channel": "canale", "value": "importo"}
_KIOSK = {"touchpoint": "kiosk_checkin", "channel": "store", "level": "interaction",
          "direction": "two_way", "stage": "purchase", "controllable": True,
          "moment_of_truth": True,
          "description": "Self check-in at a shop kiosk to collect an order bought online"}
_PUSH = {"touchpoint": "push_notification", "channel": "app", "level": "experience",
         "direction": "firm_to_customer", "stage": "use", "controllable": True,
         "moment_of_truth": False, "description": "A push message from the firm's app"}


def _byod() -> Path:
    """The project's data/byod folder (the first folder above the working directory with one)."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / "byod" / "export_eventi.csv").exists():
            return folder / "data" / "byod"
    raise DataError("the exercises of topic 'byod' read data/byod/export_eventi.csv from the "
                    "project checkout; run the chapter from inside the project folder")


def _events(kiosk_level: str = "interaction"):
    from ...catalogue import catalogue
    from ...io import load_journeys

    kiosk = {**_KIOSK, "level": kiosk_level,
             "direction": "two_way" if kiosk_level == "interaction" else "customer_to_firm"}
    return load_journeys(_byod() / "export_eventi.csv", columns=_COLUMNS, tz="Europe/Rome",
                         catalogue=catalogue(extend=[kiosk, _PUSH]), dedupe=True)


# a count of events: exact
@exercise("byod.1", hint="Take the touchpoints whose level is 'engagement' in my_catalogue and "
                         "count the events (after dedupe) that have one of them.")
def _():
    return int((_events()["level"] == "engagement").sum())


# a count of events: exact
@exercise("byod.2", hint="Only the kiosk check-ins can move; count the events that are "
                         "interaction in one classification and engagement in the other.")
def _():
    moved = (_events()["level"] == "interaction") & (_events("engagement")["level"] == "engagement")
    return int(moved.sum())


# a count of answers: exact
@exercise("byod.3", hint="Load the survey with missing_codes=(-99,); the load report's "
                         "details['missing_codes'] counts them, item by item.")
def _():
    from ..._report import load_report
    from ...io import load_survey

    survey = load_survey(_byod() / "sondaggio_clienti.csv", id_column="cliente",
                         missing_codes=(-99,), ranges={"nps": (0, 10)})
    return int(load_report(survey).details["missing_codes"]["count"].sum())
