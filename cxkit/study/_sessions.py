"""Step 4 of the simulator's story (see :mod:`cxkit.study.simulate`): journeys in sessions.

While active, a customer

- is **exposed** to the firm's and others' messages (:data:`EXPOSURES` in ``_story``: ads, social
  ads, influencers, reviews, word of mouth, marketing e-mails and, after the CSR launch, CSR
  news); the e-mail arm receives three times the e-mails, the ad hold-out group no paid ads;
- starts **sessions** from independent sources, each its *cause*: the customer's own (organic)
  sessions, a Poisson process of ``engagement_rate / 4`` per month scaled by affinity; and
  sessions *triggered* by an exposure (with the probability and delay of
  :data:`EXPOSURE_CAUSES`; an e-mail is opened, clicked and leads to a web session).
  Superposed Poisson processes are the continuous-time noisy-OR: each cause starts sessions on
  its own;
- in each session, on the channel the customer chooses at that moment (web, app or store,
  :func:`_channel_weights`: a preferred-channel mix, a trend towards digital and the app once
  the customer has adopted it), produces events a few seconds to minutes apart
  (:data:`GAP_WEIBULL`): a web visit or app opening (plus app features), product pages
  (:data:`PAGES`: how many follows an inverse Gaussian, Huberman et al. 1998), then the
  **funnel**: ``cart_add`` → ``checkout_start`` → ``purchase``, each step conditional on the
  previous one (:data:`FUNNEL_LOGIT`); in a store, a visit, perhaps advice, perhaps a purchase;
- at the last step (checkout to purchase, or the store visit to a purchase) several causes act
  at once as a **noisy-OR**: the session's own cause (the step's base probability), every exposure
  received in the :data:`WINDOW_DAYS` before the session (each independently, with its
  ``conversion_lift``) and the CSR policy (in force in the customer's region, growing over the
  ramp). The purchase is credited to one of the causes that fired, at random, and recorded in the
  event table's ``latent_cause`` column.

**Friction.** The step probabilities rise with the customer's latent *ease* (the pyramid layer the
survey measures, ``ease_on_funnel`` logits per scale point) and the segment's propensity to buy;
the price rise (announced by ``price_change_notice``) lowers adding to the cart (``price_effect``);
the app's **checkout redesign** at ``ux_change`` raises the step from cart to checkout in the app
(``ux_effect`` logits) and nowhere else.

Distributions (documented; tests check them): seconds between events in a session = 1 + a Weibull
with shape 0.8 and scale 40 s (capped at 30 min; dwell times with a decreasing hazard, Liu, White
& Dumais 2010); product pages per browsing session = ⌈inverse Gaussian(mean 2.5, shape 4)⌉ (mean
about 3); app features per app session ~ Poisson(1); days between a customer's organic sessions
~ exponential (a Poisson process).

References: Huberman, Pirolli, Pitkow & Lukose (1998), Strong regularities in World Wide Web
surfing, *Science* 280; Liu, White & Dumais (2010), Understanding web browsing behaviors through
Weibull analysis of dwell time, *SIGIR*.
"""

from __future__ import annotations

import numpy as np

from ._story import (
    AD_TOUCHPOINTS,
    CAUSE_BASE,
    CHANNELS,
    DAYS_PER_MONTH,
    EXPOSURES,
    SEGMENT_BASKET_EUR,
    SEGMENT_PURCHASE_FACTOR,
    _add,
    _launch_months,
    _poisson,
    _ramp,
    _service_and_exit,
    _tp,
    _World,
)

SESSION_CHANNELS = ("web", "app", "store")
#: weights of (web, app, store) for a session, by preferred channel, at the study's start
SESSION_CHANNEL_WEIGHTS = {"web": (0.70, 0.20, 0.10), "app": (0.25, 0.65, 0.10),
                           "store": (0.25, 0.10, 0.65), "phone": (0.55, 0.10, 0.35)}
#: product pages per browsing session: ceil of an inverse Gaussian (mean, shape)
PAGES = (2.5, 4.0)
#: seconds between events in a session: 1 + Weibull(shape) × scale, capped at GAP_MAX_S
GAP_WEIBULL = (0.8, 40.0)
GAP_MAX_S = 1800.0
APP_FEATURES_MEAN = 1.0
TUTORIAL_SHARE = 0.08  # web sessions with a tutorial video
ADVICE_SHARE = 0.60  # store sessions with a sales adviser
#: engagement events of an organic session, nominally: organic sessions arrive at
#: engagement_rate / ENGAGEMENT_PER_SESSION per month (at average affinity)
ENGAGEMENT_PER_SESSION = 4.0
#: logits of each funnel step at average ease, by session channel (web, app, store); the store
#: has no cart or checkout: a visit leads to a purchase or not
FUNNEL_LOGIT = {"cart": (-0.85, -0.85, np.nan), "checkout": (0.40, 0.00, np.nan),
                "purchase": (0.20, 0.20, -0.60)}
#: how long an exposure keeps acting on conversion (days)
WINDOW_DAYS = 7.0
#: exposure → (probability it starts a session, its noisy-OR lift of conversion at the last
#: funnel step while in the window, mean delay in days to the session it starts); e-mails start
#: sessions through opening (0.8 × email_effect × activity) and clicking (EMAIL_CLICK_SHARE)
EXPOSURE_CAUSES = {
    "email_received": (np.nan, 0.15, 1 / 24),
    "ad_impression": (0.08, 0.10, 1.0),
    "social_ad_impression": (0.08, 0.08, 0.5),
    "influencer_post_view": (0.08, 0.06, 1.0),
    "online_review_read": (0.15, 0.10, 0.5),
    "word_of_mouth_received": (0.20, 0.15, 2.0),
    "csr_news_exposure": (0.08, 0.06, 1.0),
}
EMAIL_OPEN_SCALE = 0.8
EMAIL_CLICK_SHARE = 0.40
#: every cause a purchase can be credited to (the ``latent_cause`` column)
CAUSES = (*CAUSE_BASE, *EXPOSURE_CAUSES)
_SLOTS = ("start", "app_feature_use", "sales_advice", "tutorial_video_view", "product_page_view",
          "cart_add", "checkout_start", "purchase")


def _logistic(x):
    return 1 / (1 + np.exp(-x))


def expected_pages() -> float:
    """E[⌈W⌉] for W ~ inverse Gaussian(:data:`PAGES`): the mean product pages per session."""
    from scipy import stats

    mean, shape = PAGES
    k = np.arange(0, 2000)
    return float(stats.invgauss(mean / shape, scale=shape).sf(k).sum())


def _gaps_days(rng, size):
    shape, scale = GAP_WEIBULL
    return (1.0 + np.minimum(rng.weibull(shape, size) * scale, GAP_MAX_S)) / 86400


def _exposure_scale(w: _World, touchpoint: str) -> float:
    if touchpoint in AD_TOUCHPOINTS:
        return w.effects["ad_effect"]
    if touchpoint == "email_received":
        return 1.0
    return w.effects["exposure_effect"]


def _channel_weights(w: _World, idx, t, *, app: bool = True) -> np.ndarray:
    """Probabilities of (web, app, store) for sessions of customers ``idx`` at days ``t``."""
    c = w.c
    if "pref_weights" not in c:
        table = {p: np.array(v, float) for p, v in SESSION_CHANNEL_WEIGHTS.items()}
        c["pref_weights"] = np.stack([table[p] for p in c["preferred_channel"].tolist()])
    weights = c["pref_weights"][idx].copy()
    t = np.asarray(t, float)
    digital = np.exp(w.effects["digital_trend"] * t / 365.25)
    weights[:, 0] *= digital
    weights[:, 1] *= digital * (t >= c["adopt_day"][idx]) * app
    return weights / weights.sum(axis=1, keepdims=True)


def _step_probabilities(w: _World, idx, t, chan):
    """Base probabilities of the three funnel steps for sessions (customer, day, channel)."""
    c, e = w.c, w.effects
    ease = e["ease_on_funnel"] * c["EASE0"][idx]
    segment = np.log(np.vectorize(SEGMENT_PURCHASE_FACTOR.get)(c["segment"][idx]))
    logit = {k: np.asarray(v)[chan] for k, v in FUNNEL_LOGIT.items()}
    p_cart = _logistic(logit["cart"] + ease + segment + e["price_effect"] * (t >= w.price_day))
    ux = e["ux_effect"] * ((chan == 1) & (t >= w.ux_day))
    p_checkout = _logistic(logit["checkout"] + ease + ux)
    p_purchase = _logistic(logit["purchase"] + ease + np.where(chan == 2, segment, 0.0))
    return p_cart, p_checkout, p_purchase


def _window_counts(exposures: dict, idx, t) -> np.ndarray:
    """Exposures of each type in the window (t − WINDOW_DAYS, t] of each (customer, day)."""
    out = np.zeros((idx.size, len(EXPOSURE_CAUSES)), dtype=np.int64)
    for j, tp in enumerate(EXPOSURE_CAUSES):
        key = exposures[tp]
        hi = np.searchsorted(key, idx * 1e5 + t, side="right")
        lo = np.searchsorted(key, idx * 1e5 + t - WINDOW_DAYS, side="right")
        out[:, j] = hi - lo
    return out


def _csr_share(w: _World, idx, t) -> np.ndarray:
    """Share of the CSR purchase effect in force for customers ``idx`` at days ``t``."""
    ramp = max(int(w.effects["csr_purchase_ramp_months"]), 1)
    bounds = _launch_months(w, ramp)[idx]
    k = (bounds <= np.asarray(t)[:, None]).sum(axis=1) - 1
    return np.where(k < 0, 0.0, _ramp(w, np.maximum(k, 0)))


def _sessions(w: _World, exposures_raw: dict):
    """Every session: customer, start day, cause code and channel (−1: still to choose)."""
    rng, c = w.rng, w.c
    parts = [(*_poisson(rng, c["eng_rate"] / ENGAGEMENT_PER_SESSION, c["obs_start"],
                        c["obs_end"]), 0, -1)]
    for tp, (p_session, _, delay) in EXPOSURE_CAUSES.items():
        idx, day = exposures_raw[tp]
        if tp == "email_received":
            opened = rng.random(idx.size) < c["email_open"][idx]
            io = idx[opened]
            od = day[opened] + np.minimum(rng.exponential(delay, io.size), WINDOW_DAYS / 2)
            _add(w, io, od, "email_open")
            clicked = rng.random(io.size) < EMAIL_CLICK_SHARE
            io, cd = io[clicked], od[clicked] + _gaps_days(rng, clicked.sum())
            _add(w, io, cd, "email_click")
            parts.append((io, cd + _gaps_days(rng, io.size), CAUSES.index(tp),
                          SESSION_CHANNELS.index("web")))
            continue
        hit = rng.random(idx.size) < p_session * _exposure_scale(w, tp)
        lag = rng.exponential(delay, hit.sum())
        ok = lag < WINDOW_DAYS
        parts.append((idx[hit][ok], day[hit][ok] + lag[ok], CAUSES.index(tp), -1))
    idx = np.concatenate([p[0] for p in parts])
    start = np.concatenate([p[1] for p in parts])
    cause = np.concatenate([np.full(p[0].size, p[2]) for p in parts])
    chan = np.concatenate([np.full(p[0].size, p[3]) for p in parts])
    keep = start < c["obs_end"][idx] - 2 / 24  # a session ends before the customer leaves
    idx, start, cause, chan = idx[keep], start[keep], cause[keep], chan[keep]
    draw = np.flatnonzero(chan < 0)
    cum = _channel_weights(w, idx[draw], start[draw]).cumsum(axis=1)
    chan[draw] = np.minimum((rng.random(draw.size)[:, None] > cum).sum(axis=1), 2)
    return idx, start, cause, chan


def _journey_events(w: _World) -> None:
    rng, c, e = w.rng, w.c, w.effects
    a, b = c["obs_start"], c["obs_end"]
    c["email_open"] = np.clip(EMAIL_OPEN_SCALE * e["email_effect"] * c["activity"], 0, 1)
    raw = {}
    for touchpoint, per_month in EXPOSURES.items():
        rate = np.full(w.n, per_month / DAYS_PER_MONTH)
        if touchpoint == "email_received":
            rate = rate * (1 + 2 * c["email_arm"])  # the campaign: three times the e-mails
        if touchpoint in AD_TOUCHPOINTS:
            rate = rate * (1 - c["ad_holdout"])
        raw[touchpoint] = _poisson(rng, rate, a, b)
        _add(w, *raw[touchpoint], touchpoint)
    after = np.maximum(a, c["launch_day"])
    aware = c["aware_if_launched"]
    for touchpoint, per_month in (("csr_news_exposure", 0.30), ("csr_report_view", 0.12),
                                  ("cause_campaign_view", 0.10)):
        rate = np.where(aware | (touchpoint == "cause_campaign_view"), per_month, 0.0)
        idx, day = _poisson(rng, rate / DAYS_PER_MONTH, after, b)
        raw[touchpoint] = idx, day
        _add(w, idx, day, touchpoint)
    got = np.flatnonzero((a <= w.price_day) & (b > w.price_day))
    _add(w, got, w.price_day + rng.random(got.size), "price_change_notice")
    # social engagement outside sessions
    for touchpoint, per_month in (("social_like", 0.10), ("social_share", 0.03),
                                  ("review_written", 0.02)):
        idx, day = _poisson(rng, per_month / DAYS_PER_MONTH * c["activity"], a, b)
        _add(w, idx, day, touchpoint)
    keys = {}
    for tp in EXPOSURE_CAUSES:
        idx, day = raw[tp]
        keys[tp] = np.sort(idx * 1e5 + day)
    sessions = _sessions(w, raw)
    _session_events(w, sessions, keys)
    _service_and_exit(w)


def _session_events(w: _World, sessions, keys) -> None:
    rng, c, e = w.rng, w.c, w.effects
    idx, start, cause, chan = sessions
    m = idx.size
    browse, app, store = chan < 2, chan == 1, chan == 2
    mean, shape = PAGES
    pages = np.where(browse, np.ceil(rng.wald(mean, shape, m)), 0).astype(np.int64)
    features = np.where(app, rng.poisson(APP_FEATURES_MEAN, m), 0)
    advice = store & (rng.random(m) < ADVICE_SHARE)
    tutorial = (chan == 0) & (rng.random(m) < TUTORIAL_SHARE)
    p_cart, p_checkout, p_base = _step_probabilities(w, idx, start, chan)
    cart = browse & (rng.random(m) < p_cart)
    checkout = cart & (rng.random(m) < p_checkout)
    # the last step: a noisy-OR of the session's own cause, the exposures in the window and the
    # CSR policy, for every session with a cart or a store visit (those without a checkout are
    # kept for the truth of the UX change)
    cand = np.flatnonzero(cart | store)
    ci, ct = idx[cand], start[cand]
    counts = _window_counts(keys, ci, ct)
    own = cause[cand] - len(CAUSE_BASE)  # the exposure that started the session is its own cause
    triggered = own >= 0
    counts[np.flatnonzero(triggered), own[triggered]] -= 1
    lift = np.array([q * _exposure_scale(w, tp) for tp, (_, q, _) in EXPOSURE_CAUSES.items()])
    share = _csr_share(w, ci, ct)
    q_csr = 1 - np.exp(-e["csr_on_purchases"] * c["tau"][ci] * share)
    fire = np.column_stack([p_base[cand], q_csr, 1 - (1 - lift) ** counts])
    fired = rng.random(fire.shape) < fire
    winner = np.argmin(np.where(fired, rng.random(fire.shape), np.inf), axis=1)
    reached = checkout[cand] | store[cand]
    bought = fired.any(axis=1) & reached
    credited = np.where(winner == 0, cause[cand],
                        np.where(winner == 1, CAUSES.index("csr_policy"),
                                 winner - 2 + len(CAUSE_BASE)))
    purchase = np.zeros(m, dtype=bool)
    purchase[cand] = bought
    # the events, session by session, slot by slot
    slots = np.column_stack([np.ones(m, np.int64), features, advice, tutorial, pages, cart,
                             checkout, purchase]).astype(np.int64)
    total = slots.sum(axis=1)
    sess = np.repeat(np.arange(m), total)
    slot = np.repeat(np.tile(np.arange(len(_SLOTS)), m), slots.ravel())
    codes = np.array([-1] + [_tp(s) for s in _SLOTS[1:]])
    tp = codes[slot]
    first = np.concatenate([[0], np.cumsum(total)[:-1]])
    tp[first] = np.array([_tp("web_visit"), _tp("app_open"), _tp("store_visit")])[chan]
    gaps = _gaps_days(rng, sess.size)
    gaps[first] = 0.0
    elapsed = np.cumsum(gaps)
    day = start[sess] + elapsed - elapsed[first][sess]
    channel = np.array([CHANNELS.index(ch) for ch in SESSION_CHANNELS])[chan][sess]
    rows = slot == len(_SLOTS) - 1
    value = np.full(sess.size, np.nan)
    cause_code = np.full(sess.size, -1)
    order = np.flatnonzero(purchase)  # sessions with a purchase, in session order
    p_idx, p_day = idx[order], day[rows]
    basket = np.vectorize(SEGMENT_BASKET_EUR.get)(c["segment"][p_idx])
    value[rows] = np.round(basket * rng.lognormal(-0.18, 0.6, size=p_idx.size), 2)
    full_credit = np.full(m, -1)
    full_credit[cand] = credited
    cause_code[rows] = full_credit[order]
    _add(w, idx[sess], day, tp, channel, value, cause_code)
    observed = p_day < c["obs_end"][p_idx]
    # the truth needs every candidate session's probabilities and the purchases observed
    c["sessions"] = {"idx": idx, "start": start, "cause": cause, "chan": chan, "cart": cart,
                     "p_cart": p_cart, "p_checkout": p_checkout, "checkout": checkout}
    c["last_step"] = {"session": cand, "fire": fire, "reached": reached,
                      "triggered": np.where(triggered, own, -1), "share": share}
    c["conversions"] = {"idx": p_idx[observed], "day": p_day[observed],
                        "cause": full_credit[order][observed],
                        "channel": chan[order][observed]}
    _after_purchase(w, p_idx[observed], p_day[observed],
                    np.array(SESSION_CHANNELS)[chan[order][observed]])


def _after_purchase(w: _World, idx, day, channel) -> None:
    """Sign-up purchases of new customers, deliveries and returns."""
    rng, c = w.rng, w.c
    b = c["obs_end"]
    new = np.flatnonzero(c["new"] & (c["signup"] < b))
    _add(w, new, c["signup"][new], "account_signup", "web")
    value = np.round(np.vectorize(SEGMENT_BASKET_EUR.get)(c["segment"][new])
                     * rng.lognormal(-0.18, 0.6, size=new.size), 2)
    _add(w, new, c["signup"][new] + 0.01, "purchase", "web", value,
         np.full(new.size, CAUSES.index("signup")))
    idx, day = np.concatenate([new, idx]), np.concatenate([c["signup"][new] + 0.01, day])
    channel = np.concatenate([np.full(new.size, "web"), channel])
    online = (channel != "store") & (day + 2.5 < b[idx])
    _add(w, idx[online], day[online] + 1 + rng.random(online.sum()) * 3, "delivery")
    returned = rng.random(idx.size) < 0.05
    _add(w, idx[returned], day[returned] + 5 + rng.random(returned.sum()) * 10, "return_request")
    # (returns scheduled after churn are simply not observed)
    c["purchase_idx"], c["purchase_day"] = idx, day


# ------------------------------------------------------------------------------------------
# the truth of sessions, channels, the UX change and attribution
# ------------------------------------------------------------------------------------------
def _last_step(w: _World):
    """Candidate sessions of the last step: customer, survival of every cause, p(purchase)."""
    c = w.c
    last = c["last_step"]
    survive = np.prod(1 - last["fire"], axis=1)
    return c["sessions"]["idx"][last["session"]], survive, 1 - survive


def _loss(w: _World, group) -> np.ndarray:
    """Expected purchases lost per customer if the exposures ``group`` (column numbers of
    :data:`EXPOSURE_CAUSES`) were removed, given the sessions and the steps they reached before
    the last one: the sessions they started vanish, the others lose their lift."""
    last = w.c["last_step"]
    idx, survive, p_all = _last_step(w)
    cols = [2 + j for j in group]
    without = survive / np.prod(1 - last["fire"][:, cols], axis=1)
    per = np.where(np.isin(last["triggered"], group), p_all, without - survive)
    per = np.where(last["reached"], per, 0.0)
    return np.bincount(idx, weights=per, minlength=w.n)


def _attribution_truth(w: _World) -> dict:
    from ._story import _codebook

    c, e = w.c, w.effects
    conv = c["conversions"]
    counts = np.bincount(conv["cause"], minlength=len(CAUSES))
    counts[CAUSES.index("signup")] = int(np.sum(c["new"] & (c["signup"] + 0.01 < c["obs_end"])))
    names = list(EXPOSURE_CAUSES)
    by_tp = {tp: {"conversions": int(counts[CAUSES.index(tp)]),
                  "incremental": float(_loss(w, [j]).sum())} for j, tp in enumerate(names)}
    cat = _codebook()["catalogue"].set_index("touchpoint")["channel"]
    groups = {}
    for j, tp in enumerate(names):
        groups.setdefault(cat[tp], []).append(j)
    by_channel = {ch: {"conversions": int(sum(counts[CAUSES.index(names[j])] for j in js)),
                       "incremental": float(_loss(w, js).sum())}
                  for ch, js in sorted(groups.items())}
    ads = _loss(w, [names.index(tp) for tp in AD_TOUCHPOINTS])
    exposed = c["ad_holdout"] == 0
    causes = {tp: {"session_probability": (float(p * _exposure_scale(w, tp))
                                           if tp != "email_received" else None),
                   "conversion_lift": float(q * _exposure_scale(w, tp)),
                   "mean_delay_days": float(d)}
              for tp, (p, q, d) in EXPOSURE_CAUSES.items()}
    return {
        "window_days": WINDOW_DAYS,
        "conversions": int(counts.sum()),
        "exposure_conversions": int(sum(v["conversions"] for v in by_tp.values())),
        "by_cause": {k: int(v) for k, v in zip(CAUSES, counts, strict=True)},
        "by_touchpoint": by_tp,
        "by_channel": by_channel,
        "ad_holdout": {"share": float(e["ad_holdout_share"]), "touchpoints": list(AD_TOUCHPOINTS),
                       "customers": int((~exposed).sum()),
                       "incremental": float(ads[exposed].sum()),
                       "incremental_per_customer": float(ads[exposed].mean())
                       if exposed.any() else float("nan")},
        "causes": causes,
    }


def _ux_truth(w: _World) -> dict:
    c, e = w.c, w.effects
    ses = c["sessions"]
    after = (ses["chan"] == 1) & ses["cart"] & (ses["start"] >= w.ux_day)
    idx = ses["idx"][after]
    with_ux = ses["p_checkout"][after]
    without = _logistic(FUNNEL_LOGIT["checkout"][1] + e["ease_on_funnel"] * c["EASE0"][idx])
    position = np.full(ses["idx"].size, -1)
    position[c["last_step"]["session"]] = np.arange(c["last_step"]["session"].size)
    p_all = _last_step(w)[2][position[after]]
    empty = not after.any()
    return {"channel": "app", "date": str((w.start + np.timedelta64(int(w.ux_day), "D")).date()),
            "step": "cart_add -> checkout_start", "logit": float(e["ux_effect"]),
            "sessions": int(after.sum()),
            "effect_on_checkout_per_cart": float("nan") if empty
            else float(np.mean(with_ux - without)),
            "effect_on_purchase_per_cart": float("nan") if empty
            else float(np.mean((with_ux - without) * p_all))}


def _channel_truth(w: _World) -> dict:
    """Expected shares of organic sessions by channel in each calendar month (mid-month)."""
    import pandas as pd

    c = w.c
    out, effect = {}, {}
    month = w.start
    while (mid := w.day(month) + 14) < w.horizon:
        who = np.flatnonzero((c["obs_start"] <= mid) & (c["obs_end"] > mid))
        if who.size:
            t = np.full(who.size, mid)
            rate = c["eng_rate"][who] / c["eng_rate"][who].sum()
            share = rate @ _channel_weights(w, who, t)
            no_app = rate @ _channel_weights(w, who, t, app=False)
            label = month.strftime("%Y-%m")
            out[label] = {**{ch: float(v) for ch, v in zip(SESSION_CHANNELS, share,
                                                            strict=True)},
                          "digital": float(share[:2].sum()),
                          "digital_without_app": float(no_app[:2].sum())}
            effect[label] = float(share[:2].sum() - no_app[:2].sum())
        month = month + pd.DateOffset(months=1)
    return {"channel_shares_by_month": out, "effect_app_launch_on_digital_share": effect}


def _funnel_truth(w: _World) -> dict:
    """Expected rate of each funnel step given the previous one, by session channel.

    Means of the step probabilities over the sessions that reached the previous step (for the
    purchase, P(purchase) of the noisy-OR), so an observed rate differs from them only by
    binomial sampling error.
    """
    ses = w.c["sessions"]
    last = w.c["last_step"]
    p_all = np.full(ses["idx"].size, np.nan)
    p_all[last["session"]] = _last_step(w)[2]
    out = {}
    for k, name in enumerate(SESSION_CHANNELS):
        here = ses["chan"] == k
        if name == "store":
            out[name] = {"sessions": int(here.sum()), "purchase": float(np.mean(p_all[here]))}
            continue
        cart, checkout = here & ses["cart"], here & ses["checkout"]
        out[name] = {"sessions": int(here.sum()), "cart_add": float(np.mean(ses["p_cart"][here])),
                     "checkout_start": float(np.mean(ses["p_checkout"][cart])),
                     "purchase": float(np.mean(p_all[checkout]))}
    return out


def _session_truth(w: _World) -> dict:
    return {"app_launch": str((w.start + np.timedelta64(int(w.app_day), "D")).date()),
            "funnel_step_rates": _funnel_truth(w),
            **_channel_truth(w), "effect_ux_on_checkout": _ux_truth(w),
            "attribution": _attribution_truth(w),
            "effect_exposure_on_conversion": {tp: float(q * _exposure_scale(w, tp))
                                              for tp, (_, q, _) in EXPOSURE_CAUSES.items()}}
