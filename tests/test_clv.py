"""Value models on CDNOW against the published estimates, and their predictions against
hand-computable cases.

Published numbers and where they come from:

- BG/NBD on CDNOW weeks 1–39: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4 —
  Fader, Hardie & Lee (2005), "Counting your customers the easy way", *Marketing Science*
  24(2), section 4 (the same numbers are the reference values of CLVTools'
  ``tests/testthat/test_correctness_bgnbd.R``, "As reported in Fader, Hardie, Lee (2005)").
- Pareto/NBD on the same data: r = 0.553, α = 10.578, s = 0.606, β = 11.669, LL = −9595.0 —
  reported in FHL (2005) next to the BG/NBD (CLVTools' ``test_correctness_pnbd_nocovstaticcov.R``,
  "As also reported to compare against bgnbd in Fader, Hardie, Lee (2005)"); its standard
  errors r 0.0476, α 0.8427, s 0.1873, β 6.2105 are CLVTools' (a reference implementation,
  not a paper).
- Gamma–gamma on the 946 repeat customers' mean repeat spend: p = 6.25, q = 3.74,
  γ = 15.44 — Fader & Hardie (2013), "The gamma-gamma model of monetary value"
  (brucehardie.com/notes/025), the model of Fader, Hardie & Lee (2005), "RFM and CLV",
  *JMR* 42(4); CLVTools' ``test_correctness_gg.R`` cites the note with LL −4055.9177.
- The summary itself: customer 1 (x = 2, t_x = 30.43, T = 38.86, mean repeat spend 22.35) and
  customer 2 (1, 1.71, 38.86, 11.77), as in Hardie's "Creating an RFM summary using Excel"
  (brucehardie.com/notes/022) and the CDNOW summary shipped with lifetimes.

Tolerance = the printed precision: the estimate rounded to the printed digits equals the
printed number. Independent references for the predictions are computed here without the
kit's formulas: power series of the Gaussian hypergeometric function, and quadrature of the
Pareto/NBD model's integrals over the unobserved lifetime.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special

import cxkit
from cxkit import DataError
from cxkit.models import (
    BGNBDResult,
    GammaGammaResult,
    ParetoNBDResult,
    bg_nbd,
    calibration_holdout,
    clv,
    gamma_gamma,
    pareto_nbd,
    repeat_purchase_summary,
)
from cxkit.plots import plot_calibration_holdout, plot_p_alive_matrix


# --------------------------------------------------------------------------------------------
# fixtures: CDNOW, its 39 + 39 week summary, the three models (fitted once per module)
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cdnow():
    return cxkit.datasets.load_cdnow()


@pytest.fixture(scope="module")
def summary(cdnow):
    return calibration_holdout(cdnow, calibration_end="1997-09-30",
                               observation_end="1998-06-30", unit="W")


@pytest.fixture(scope="module")
def bg(summary):
    return bg_nbd(summary)


@pytest.fixture(scope="module")
def pnbd(summary):
    return pareto_nbd(summary)


@pytest.fixture(scope="module")
def gg(summary):
    return gamma_gamma(summary)


def _hyp2f1_series(a, b, c, z, terms=4000):
    """2F1(a, b; c; z) by its power series (|z| < 1), summed term by term."""
    total, term = 1.0, 1.0
    for n in range(terms):
        term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
        total += term
        if abs(term) < 1e-17 * abs(total):
            break
    return total


# --------------------------------------------------------------------------------------------
# the data set
# --------------------------------------------------------------------------------------------
def test_load_cdnow_is_the_published_sample(cdnow):
    assert len(cdnow) == 6919
    assert cdnow["customer_id"].nunique() == 2357
    assert cdnow["customer_id"].min() == "0001" and cdnow["customer_id"].max() == "2357"
    assert str(cdnow["timestamp"].min().date()) == "1997-01-01"
    assert str(cdnow["timestamp"].max().date()) == "1998-06-30"
    # every customer's first purchase is in the first quarter of 1997
    first = cdnow.groupby("customer_id")["timestamp"].min()
    assert str(first.max().date()) <= "1997-03-31"
    assert set(cdnow["touchpoint"]) == {"purchase"}
    assert {"quantity", "value", "master_id"} <= set(cdnow.columns)
    assert (cdnow["value"] == 0).sum() == 8
    assert cdnow["quantity"].dtype == "int64" and (cdnow["quantity"] >= 1).all()


def test_load_cdnow_carries_its_load_report(cdnow):
    report = cxkit.load_report(cdnow)
    assert report.rows_read == report.rows_kept == 6919
    assert report.source.endswith("cdnow/CDNOW_sample.txt")
    text = str(report)
    assert cxkit.datasets.load_cdnow.__module__ == "cxkit.study.cdnow"
    assert "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a" in text
    assert "21 exact duplicate" in text


def test_data_card_sits_beside_the_file():
    from importlib import resources

    card = (resources.files("cxkit.study") / "data" / "cdnow" / "README.md").read_text()
    for needed in ("brucehardie.com", "Lifetimes-0.11.3-py3-none-any.whl",
                   "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a",
                   "Fader", "Terms of use"):
        assert needed in card


# --------------------------------------------------------------------------------------------
# the calibration / hold-out summary
# --------------------------------------------------------------------------------------------
def test_summary_matches_the_published_rfm_rows(summary):
    assert len(summary) == 2357
    assert int(summary["frequency"].sum()) == 2457
    assert int((summary["frequency"] > 0).sum()) == 946
    first_two = summary.iloc[:2][["frequency", "recency", "T", "monetary_value"]].to_numpy()
    # printed to two decimals: within half a unit of the last digit (22.345 prints as 22.35)
    assert first_two.ravel() == pytest.approx([2, 30.43, 38.86, 22.35, 1, 1.71, 38.86, 11.77],
                                              abs=0.005 + 1e-9)


def test_holdout_counts_purchase_days_after_calibration(cdnow, summary):
    # independent count: distinct (customer, day) pairs from 1997-10-01 to 1998-06-30
    days = cdnow.assign(day=cdnow["timestamp"].dt.normalize())
    late = days[(days["day"] > "1997-09-30") & (days["day"] <= "1998-06-30")]
    expected = late.drop_duplicates(["customer_id", "day"]).groupby("customer_id").size()
    got = summary.set_index("customer_id")["frequency_holdout"]
    assert got.sum() == expected.sum() == 1882
    assert (got.reindex(expected.index) == expected).all()
    assert (summary["duration_holdout"] == 39.0).all()
    assert summary.attrs["unit"] == "W"


def test_calibration_holdout_refuses_an_observation_end_before_calibration_end(cdnow):
    with pytest.raises(ValueError, match="observation_end"):
        calibration_holdout(cdnow, calibration_end="1997-09-30", observation_end="1997-09-30")


# --------------------------------------------------------------------------------------------
# published estimates
# --------------------------------------------------------------------------------------------
def test_bg_nbd_reproduces_fader_hardie_lee_2005(bg):
    assert isinstance(bg, BGNBDResult) and bg.converged
    assert list(bg.params.index) == ["r", "alpha", "a", "b"]
    assert bg.params.round(3).to_dict() == {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert round(bg.loglik, 1) == -9582.4
    assert bg.n == 2357 and bg.unit == "W"


def test_pareto_nbd_reproduces_the_published_estimates(pnbd):
    assert isinstance(pnbd, ParetoNBDResult) and pnbd.converged
    assert list(pnbd.params.index) == ["r", "alpha", "s", "beta"]
    assert pnbd.params.round(3).to_dict() == {"r": 0.553, "alpha": 10.578, "s": 0.606,
                                              "beta": 11.669}
    assert round(pnbd.loglik, 1) == -9595.0
    # standard errors against CLVTools' (four digits printed there; the numerical Hessians
    # of two implementations agree to about 1e-4 relative, so 0.5% is ample)
    assert pnbd.se.to_numpy() == pytest.approx([0.0476264, 0.8427222, 0.1872594, 6.2105448],
                                               rel=5e-3)


def test_gamma_gamma_reproduces_fader_hardie_2013(gg):
    assert isinstance(gg, GammaGammaResult) and gg.converged
    assert list(gg.params.index) == ["p", "q", "gamma"]
    assert gg.params.round(2).to_dict() == {"p": 6.25, "q": 3.74, "gamma": 15.44}
    assert round(gg.loglik, 1) == -4055.9
    assert (gg.n, gg.n_set_aside) == (946, 1411)
    assert "1411 without one set aside" in gg.summary()
    # FHL (2005, RFM and CLV) report a weak correlation of frequency and spend (0.11)
    assert round(gg.correlation, 2) == 0.11


def test_result_tables_and_intervals(bg):
    table = bg.to_frame()
    assert list(table.columns) == ["parameter", "estimate", "se", "ci_low", "ci_high"]
    assert (table["ci_low"] < table["estimate"]).all()
    assert (table["estimate"] < table["ci_high"]).all()
    # log-scale Wald interval: the estimate is the geometric mean of the bounds
    assert np.sqrt(table["ci_low"] * table["ci_high"]).to_numpy() == pytest.approx(
        table["estimate"].to_numpy())
    wider = bg.conf_int(conf_level=0.99)
    assert (wider["lower"].to_numpy() < table["ci_low"].to_numpy()).all()
    assert "BG/NBD: 2357 customers" in bg.summary()
    assert bg.cov.shape == (4, 4)
    assert np.sqrt(np.diag(bg.cov)) == pytest.approx(bg.se.to_numpy())


# --------------------------------------------------------------------------------------------
# predictions against hand-computable cases
# --------------------------------------------------------------------------------------------
def test_bg_nbd_p_alive_is_one_without_a_repeat_purchase(bg, summary):
    alive = bg.p_alive(summary)
    assert (alive[summary["frequency"] == 0] == 1.0).all()
    assert (alive[summary["frequency"] > 0] < 1.0).all()


def test_bg_nbd_p_alive_against_its_closed_form(bg):
    r, alpha, a, b = bg.params
    x, t_x, T = 2, 30.43, 38.86
    expected = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
    got = bg.p_alive(pd.DataFrame({"frequency": [x], "recency": [t_x], "T": [T]}))
    assert got.iloc[0] == pytest.approx(expected, rel=1e-12)


def test_bg_nbd_expectation_without_repeat_purchase_against_series(bg):
    # x = 0: E[Y(t)] = (a+b-1)/(a-1) [1 - ((α+T)/(α+T+t))^r 2F1(r, b; a+b-1; t/(α+T+t))]
    r, alpha, a, b = bg.params
    T, t = 38.86, 39.0
    z = t / (alpha + T + t)
    expected = (a + b - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** r
                                        * _hyp2f1_series(r, b, a + b - 1, z))
    got = bg.expected_transactions(t, pd.DataFrame({"frequency": [0], "recency": [0.0],
                                                    "T": [T]}))
    assert got.iloc[0] == pytest.approx(expected, rel=1e-10)


def test_bg_nbd_expectation_for_a_new_customer_against_series(bg):
    r, alpha, a, b = bg.params
    for t in (1.0, 39.0, 78.0):
        expected = (a + b - 1) / (a - 1) * (
            1 - (alpha / (alpha + t)) ** r * _hyp2f1_series(r, b, a + b - 1, t / (alpha + t)))
        assert bg.expected_transactions(t) == pytest.approx(expected, rel=1e-10)
    curve = bg.expected_transactions(np.array([0.0, 39.0]))
    assert curve[0] == 0.0 and curve[1] == pytest.approx(bg.expected_transactions(39.0))


def test_bg_nbd_expectation_stays_finite_for_many_purchases_and_long_horizons(bg):
    # the untransformed 2F1 overflows here (NaN); the Euler-transformed one does not
    many = pd.DataFrame({"frequency": [300, 1000], "recency": [38.0, 38.0], "T": [38.86] * 2})
    short = bg.expected_transactions(520.0, many)
    long = bg.expected_transactions(5000.0, many)
    assert np.isfinite(long).all() and (long > short).all()
    assert np.isfinite(bg.expected_transactions(np.array([1e4, 1e6]))).all()


def test_bg_nbd_conditional_expectation_of_customer_1(bg, summary):
    # FHL (2005, eq. 10) with the x > 0 term, with an independent 2F1
    r, alpha, a, b = bg.params
    x, t_x, T, t = 2, summary["recency"].iloc[0], summary["T"].iloc[0], 39.0
    hyp = _hyp2f1_series(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    expected = ((a + b + x - 1) / (a - 1)
                * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
                / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)))
    got = bg.expected_transactions(39.0, summary).iloc[0]
    assert got == pytest.approx(expected, rel=1e-10)


def _pareto_by_quadrature(params, x, t_x, T):
    """Pareto/NBD log-likelihood and P(alive) by integrating over the death time τ in
    (t_x, T]: L = Γ(r+x)α^r/Γ(r) [β^s / ((α+T)^(r+x) (β+T)^s)
    + ∫ s β^s (α+τ)^-(r+x) (β+τ)^-(s+1) dτ]; the integrand is divided by the first term
    so that it does not underflow for many purchases."""
    r, alpha, s, beta = params
    log_alive = s * math.log(beta) - (r + x) * math.log(alpha + T) - s * math.log(beta + T)
    ratio, _ = integrate.quad(
        lambda tau: math.exp(math.log(s) + s * math.log(beta) - (r + x) * math.log(alpha + tau)
                             - (s + 1) * math.log(beta + tau) - log_alive),
        t_x, T, epsabs=0, epsrel=1e-12, limit=200)
    front = special.gammaln(r + x) - special.gammaln(r) + r * math.log(alpha)
    return front + log_alive + math.log1p(ratio), 1 / (1 + ratio)


@pytest.mark.parametrize("x, t_x, T", [(0, 0.0, 38.86), (2, 30.43, 38.86), (14, 35.0, 36.0),
                                       (29, 38.0, 38.86), (221, 50.0, 52.0),
                                       (500, 360.0, 365.0), (30, 1.0, 365.0)])
def test_pareto_nbd_likelihood_and_p_alive_against_quadrature(pnbd, x, t_x, T):
    from cxkit.models import _btyd

    params = pnbd.params.to_numpy()
    loglik, alive = _pareto_by_quadrature(params, x, t_x, T)
    arrays = (np.array([x], float), np.array([t_x]), np.array([T]))
    assert _btyd.pareto_nbd_loglik(params, *arrays)[0] == pytest.approx(loglik, rel=1e-9)
    got = pnbd.p_alive(pd.DataFrame({"frequency": [x], "recency": [t_x], "T": [T]}))
    assert got.iloc[0] == pytest.approx(alive, rel=1e-8)


def test_pareto_nbd_likelihood_in_both_branches():
    # α < β uses the other hypergeometric term; check it against quadrature too
    from cxkit.models import _btyd

    # whole-number r and s make c - a - b of the 2F1 an integer (a special case in scipy)
    for params in ([0.5, 3.0, 0.8, 20.0], [0.5, 20.0, 0.8, 3.0], [1.0, 3.0, 1.0, 20.0],
                   [1.0, 20.0, 1.0, 3.0], [2.0, 5.0, 2.0, 5.0 + 1e-9]):
        loglik, _ = _pareto_by_quadrature(params, 3, 10.0, 30.0)
        got = _btyd.pareto_nbd_loglik(np.array(params), np.array([3.0]), np.array([10.0]),
                                      np.array([30.0]))[0]
        assert got == pytest.approx(loglik, rel=1e-9), params


def test_pareto_nbd_conditional_expectation_against_quadrature(pnbd):
    # given alive at T: λ ~ gamma(r+x, α+T), μ ~ gamma(s, β+T), so
    # E[Y(t)] = P(alive) (r+x)/(α+T) ∫_0^t ((β+T)/(β+T+u))^s du
    r, alpha, s, beta = pnbd.params
    x, t_x, T, t = 2, 30.43, 38.86, 39.0
    _, alive = _pareto_by_quadrature(pnbd.params.to_numpy(), x, t_x, T)
    integral, _ = integrate.quad(lambda u: ((beta + T) / (beta + T + u)) ** s, 0, t,
                                 epsabs=0, epsrel=1e-12)
    expected = alive * (r + x) / (alpha + T) * integral
    got = pnbd.expected_transactions(t, pd.DataFrame({"frequency": [x], "recency": [t_x],
                                                      "T": [T]}))
    assert got.iloc[0] == pytest.approx(expected, rel=1e-8)
    # a new customer: E[X(t)] = r/α ∫_0^t (β/(β+u))^s du
    new, _ = integrate.quad(lambda u: (beta / (beta + u)) ** s, 0, t, epsrel=1e-12)
    assert pnbd.expected_transactions(t) == pytest.approx(r / alpha * new, rel=1e-8)


def test_expected_spend_is_the_weighted_mean(gg, summary):
    p, q, gamma = gg.params
    population = p * gamma / (q - 1)
    assert gg.mean_spend == pytest.approx(population)
    spend = gg.expected_spend(summary)
    x, m = summary["frequency"].iloc[0], summary["monetary_value"].iloc[0]
    weight = p * x / (p * x + q - 1)
    assert spend.iloc[0] == pytest.approx((1 - weight) * population + weight * m, rel=1e-12)
    assert np.allclose(spend[summary["frequency"] == 0], population, rtol=1e-12)


def test_clv_without_discounting_is_spend_times_purchases(bg, gg, summary):
    value = gg.clv(bg, summary, horizon=12, discount_rate=0.0, unit="M")
    weeks = 12 * (365.25 / 12) / 7
    expected = gg.expected_spend(summary) * bg.expected_transactions(weeks, summary)
    assert value.to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-10)


def test_clv_discounts_each_month(bg, gg, summary):
    one = summary.iloc[[0]]
    c = (365.25 / 12) / 7  # weeks in a month
    steps = [bg.expected_transactions(k * c, one).iloc[0] for k in range(0, 4)]
    expected = gg.expected_spend(one).iloc[0] * sum(
        (steps[k] - steps[k - 1]) / 1.01 ** k for k in range(1, 4))
    assert gg.clv(bg, one, horizon=3, discount_rate=0.01).iloc[0] == pytest.approx(expected)


def test_clv_table(summary, bg):
    table = clv(summary, horizon=12, discount_rate=0.01)
    assert list(table.columns) == ["customer_id", "frequency", "recency", "T",
                                   "monetary_value", "p_alive", "expected_transactions",
                                   "expected_spend", "clv"]
    assert len(table) == 2357 and (table["clv"] >= 0).all()
    assert table["p_alive"].to_numpy() == pytest.approx(bg.p_alive(summary).to_numpy())
    assert table.attrs["transactions"] == "bg_nbd" and table.attrs["n_spend_set_aside"] == 1411
    other = clv(summary, transactions="pareto_nbd")
    assert other.attrs["transactions"] == "pareto_nbd"
    fitted = clv(summary, transactions=bg)
    assert fitted["clv"].to_numpy() == pytest.approx(table["clv"].to_numpy())


def test_holdout_table_and_p_alive_matrix(bg, summary):
    table = bg.holdout_table(summary)
    assert table["label"].tolist()[-1] == "7+" and table["n"].sum() == 2357
    assert table.loc[0, "actual"] == pytest.approx(
        summary.loc[summary["frequency"] == 0, "frequency_holdout"].mean())
    # each group's prediction is the mean conditional expectation over the 39 hold-out weeks
    each = bg.expected_transactions(39.0, summary)
    assert table.loc[3, "predicted"] == pytest.approx(each[summary["frequency"] == 3].mean())
    assert table.loc[7, "predicted"] == pytest.approx(each[summary["frequency"] >= 7].mean())
    cells = bg.p_alive_matrix(max_frequency=5, max_recency=10, T=20)
    assert len(cells) == 6 * 11
    assert cells.query("frequency == 0 and recency == 0")["p_alive"].iloc[0] == 1.0
    assert cells.query("frequency == 0 and recency > 0")["p_alive"].isna().all()


def test_plots_return_axes(bg, summary):
    ax = plot_calibration_holdout(bg.holdout_table(summary))
    assert ax.get_xlabel() == "purchases in the calibration period"
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "7+"
    ax = plot_p_alive_matrix(bg.p_alive_matrix())
    assert ax.get_ylabel() == "recency" and "38.9 weeks" in ax.get_title()
    assert bg.plot().get_xlabel() == "frequency (repeat purchases)"


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------
GOOD = {"frequency": [2, 0, 1], "recency": [5.0, 0.0, 3.0], "T": [10.0, 8.0, 6.0],
        "monetary_value": [20.0, 0.0, 15.0]}


@pytest.mark.parametrize("fit", [bg_nbd, pareto_nbd, gamma_gamma])
@pytest.mark.parametrize("column, values, message, row", [
    ("frequency", [2, -1, 1], "negative value", 2),
    ("frequency", [2, 0.5, 1], "not a whole number", 2),
    ("recency", [5.0, 0.0, 7.0], "recency greater than T", 3),
    ("recency", [5.0, 1.0, 3.0], "positive recency without a repeat purchase", 2),
    ("T", [10.0, float("nan"), 6.0], "missing values", 2),
])
def test_bad_summaries_are_refused_naming_column_and_row(fit, column, values, message, row):
    data = pd.DataFrame({**GOOD, column: values})
    with pytest.raises(DataError, match=message) as err:
        fit(data)
    assert column in str(err.value) and err.value.rows == [row]


@pytest.mark.parametrize("fit", [bg_nbd, pareto_nbd, gamma_gamma])
def test_a_missing_column_is_named(fit):
    with pytest.raises(DataError, match="recency"):
        fit(pd.DataFrame(GOOD).drop(columns="recency"))


def test_gamma_gamma_needs_positive_spend_and_the_column():
    with pytest.raises(DataError, match="monetary_value"):
        gamma_gamma(pd.DataFrame(GOOD).drop(columns="monetary_value"))
    with pytest.raises(DataError, match="spend not positive") as err:
        gamma_gamma(pd.DataFrame({**GOOD, "monetary_value": [20.0, 0.0, 0.0]}))
    assert err.value.rows == [3]


def test_bad_horizons_and_rates(bg, gg, summary):
    with pytest.raises(ValueError, match="t must"):
        bg.expected_transactions(-1.0, summary)
    with pytest.raises(ValueError, match="discount_rate"):
        gg.clv(bg, summary, discount_rate=-0.1)
    with pytest.raises(ValueError, match="unit"):
        gg.clv(bg, summary, unit="Y")
    with pytest.raises(TypeError, match="transactions"):
        gg.clv(gg, summary)


def test_clv_needs_a_known_time_unit(summary):
    bare = pd.DataFrame({c: summary[c].to_numpy() for c in
                         ("frequency", "recency", "T", "monetary_value")})
    model = bg_nbd(bare)
    assert model.unit is None
    with pytest.raises(ValueError, match="time unit"):
        gamma_gamma(bare).clv(model, bare)
    assert bg_nbd(bare, unit="W").unit == "W"


def test_a_fit_that_runs_to_the_boundary_says_it_did_not_converge():
    # four customers, none of whom seems to drop out: a and b run off to infinity (the NBD
    # limit of the BG/NBD), and the result says so instead of posing as an estimate
    log = pd.DataFrame({
        "customer_id": ["a"] * 3 + ["b"] * 2 + ["c", "d", "d"],
        "timestamp": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-02-20", "2024-01-03",
                                     "2024-03-01", "2024-01-10", "2024-01-05", "2024-01-06"]),
        "touchpoint": "purchase", "value": [10.0, 12.0, 8.0, 30.0, 25.0, 5.0, 7.0, 9.0]})
    summary = repeat_purchase_summary(log, calibration_end="2024-03-31")
    model = bg_nbd(summary)
    assert not model.converged
    assert "did NOT converge" in model.summary()


def _simulate_bg_nbd(rng, n, r, alpha, a, b, T):
    """Repeat-purchase summaries drawn from the BG/NBD story itself."""
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    x, t_x = np.zeros(n), np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T:
                break
            x[i], t_x[i] = x[i] + 1, t
            if rng.random() < p[i]:
                break
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": np.full(n, T)})


def _simulate_pareto_nbd(rng, n, r, alpha, s, beta, T):
    lam = rng.gamma(r, 1 / alpha, n)
    death = rng.exponential(1 / rng.gamma(s, 1 / beta, n))
    x, t_x = np.zeros(n), np.zeros(n)
    for i in range(n):
        t, end = 0.0, min(death[i], T)
        while True:
            t += rng.exponential(1 / lam[i])
            if t > end:
                break
            x[i], t_x[i] = x[i] + 1, t
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": np.full(n, T)})


@pytest.mark.parametrize("fit, simulate, truth", [
    (bg_nbd, _simulate_bg_nbd, {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5}),
    (pareto_nbd, _simulate_pareto_nbd, {"r": 0.6, "alpha": 8.0, "s": 0.8, "beta": 10.0}),
])
def test_models_recover_the_parameters_they_simulate(fit, simulate, truth):
    # 4,000 customers observed for 52 weeks, seed fixed; each true value must lie within
    # 3.5 of the fit's own standard errors (a two-sided 0.05% miss per parameter under the
    # normal approximation: four parameters, two models, a false alarm about 1 in 300 seeds)
    rng = np.random.default_rng(20241128)
    data = simulate(rng, 4000, *truth.values(), 52.0)
    model = fit(data)
    assert model.converged
    z = (model.params - pd.Series(truth)) / model.se
    assert (z.abs() < 3.5).all(), z.round(2).to_dict()


def test_pareto_nbd_expectation_is_continuous_at_s_equal_one():
    from cxkit.models import _btyd

    at_one = _btyd.pareto_nbd_expected(np.array([0.5, 8.0, 1.0, 10.0]), 39.0)
    near = _btyd.pareto_nbd_expected(np.array([0.5, 8.0, 1.0 + 1e-7, 10.0]), 39.0)
    # s = 1: E[X(t)] = r β / α · log(1 + t / β)
    assert at_one == pytest.approx(0.5 * 10.0 / 8.0 * math.log1p(39.0 / 10.0), rel=1e-12)
    assert near == pytest.approx(at_one, rel=1e-6)
