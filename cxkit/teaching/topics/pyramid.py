"""Exercises of chapter 04 (the CX pyramid)."""

import numpy as np
import pandas as pd

from .._registry import exercise, sample

LAYERS = {layer: [f"{layer}_{k}" for k in (1, 2, 3)] for layer in ("needs", "ease", "enjoy")}
LOYALTY = ["loy_1", "loy_2", "loy_3"]


def _wave_1_scores():
    from ...measurement import cx_pyramid

    wave_1 = sample().survey[sample().survey["wave"] == 1]
    return wave_1, cx_pyramid(wave_1, **LAYERS, outcome=LOYALTY, top_box=5).scores[list(LAYERS)]


# a product of three shares of 1,244 respondents; rounded to two decimals (±0.005) is accepted
@exercise("pyramid.1", tolerance=0.005,
          hint="Share with score ≥ 5 for each layer on its own, then multiply the three shares.")
def _():
    _, scores = _wave_1_scores()
    return float((scores >= 5).mean().prod())


# an OLS coefficient in loyalty points; rounded to two decimals (±0.005) is accepted
@exercise("pyramid.2", tolerance=0.005,
          hint="Regress the mean of loy_1..3 on a constant, needs, ease, enjoy and csat; read "
               "the needs coefficient.")
def _():
    wave_1, scores = _wave_1_scores()
    design = np.column_stack([np.ones(len(wave_1)), scores, wave_1["csat"]])
    coef = np.linalg.lstsq(design, wave_1[LOYALTY].mean(axis=1), rcond=None)[0]
    return float(pd.Series(coef[1:4], index=list(LAYERS))["needs"])
