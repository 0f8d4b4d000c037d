"""Tests for cxkit.journeys: hand-built logs with known answers, input forms, errors, and the
DuckDB engine against plain pandas reference implementations on the bundled sample.

The pandas references below are written the obvious way (sort, shift, groupby, crosstab) and
are the definition the engine queries must reproduce. ``test_journeys_spark.py`` runs the same
functions on Spark.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cxkit
from cxkit import DataError, _check, journeys

GAP = pd.Timedelta("30min")


# --------------------------------------------------------------------------------------------
# helpers and pandas references
# --------------------------------------------------------------------------------------------
def log(rows, channel=None) -> pd.DataFrame:
    """Events from (customer, time, touchpoint[, channel]) tuples, classified by the catalogue."""
    frame = pd.DataFrame([r[:3] for r in rows], columns=["customer_id", "timestamp", "touchpoint"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601").astype(
        "datetime64[ns, UTC]")
    events = cxkit.classify(frame)
    if any(len(r) > 3 for r in rows):
        events["channel"] = [r[3] if len(r) > 3 else c for r, c in zip(rows, events["channel"],
                                                                        strict=True)]
    return events


def ordered(events: pd.DataFrame) -> pd.DataFrame:
    """The canonical event order: customer, time, then touchpoint and channel."""
    keys = [c for c in ("customer_id", "timestamp", "touchpoint", "channel") if c in events]
    return events.sort_values(keys, kind="stable").reset_index(drop=True)


def ref_features(events: pd.DataFrame, gap=GAP, as_of=None) -> pd.DataFrame:
    ev = ordered(events)
    g = ev.groupby("customer_id")
    prev = g["timestamp"].shift()
    new = prev.isna() | (ev["timestamp"] - prev >= gap)
    out = pd.DataFrame({"events": g.size(), "sessions": new.groupby(ev["customer_id"]).sum(),
                        "first": g["timestamp"].min(), "last": g["timestamp"].max()})
    as_of = ev["timestamp"].max() if as_of is None else as_of
    out["tenure_days"] = (out["last"] - out["first"]) / pd.Timedelta(days=1)
    out["recency_days"] = (as_of - out["last"]) / pd.Timedelta(days=1)
    out["channels"] = g["channel"].nunique()
    parts = [out]
    for col, prefix in (("touchpoint", "touchpoint_"), ("level", "level_"), ("stage", "stage_")):
        parts.append(pd.crosstab(ev["customer_id"], ev[col].fillna("missing")).add_prefix(prefix))
    parts.append(pd.crosstab(ev["customer_id"], ev["channel"].fillna("missing"),
                             normalize="index").add_prefix("channel_share_"))
    return pd.concat(parts, axis=1).rename_axis("customer_id").reset_index()


def ref_sessions(events: pd.DataFrame, gap=GAP) -> pd.DataFrame:
    ev = ordered(events)
    prev = ev.groupby("customer_id")["timestamp"].shift()
    ev["session"] = (prev.isna() | (ev["timestamp"] - prev >= gap)).groupby(
        ev["customer_id"]).cumsum()
    g = ev.groupby(["customer_id", "session"])
    out = pd.DataFrame({"start": g["timestamp"].min(), "end": g["timestamp"].max()})
    out["duration"] = out["end"] - out["start"]
    out["events"] = g.size()
    out["channels"] = g["channel"].nunique()
    out["entry_touchpoint"] = g["touchpoint"].first()
    out["exit_touchpoint"] = g["touchpoint"].last()
    return out.reset_index()


def ref_transitions(events: pd.DataFrame, on="touchpoint", by=None) -> pd.DataFrame:
    by = [] if by is None else [by] if isinstance(by, str) else list(by)
    ev = ordered(events)
    keys = [*by, "customer_id"]
    ev = ev.sort_values([*by, "customer_id", "timestamp", "touchpoint", "channel"],
                        kind="stable")
    ev[f"next_{on}"] = ev.groupby(keys)[on].shift(-1)
    ev = ev[ev.groupby(keys).cumcount(ascending=False) > 0]
    out = ev.groupby([*by, on, f"next_{on}"]).size().rename("transitions").reset_index()
    out["probability"] = out["transitions"] / out.groupby([*by, on])["transitions"].transform(
        "sum")
    return out


def ref_paths(events: pd.DataFrame, max_len=None, top=20) -> pd.DataFrame:
    ev = ordered(events)
    if max_len is not None:
        ev = ev[ev.groupby("customer_id").cumcount() < max_len]
    per_customer = ev.groupby("customer_id")["touchpoint"].agg(list)
    out = pd.DataFrame({"path": per_customer.map(" > ".join),
                        "steps": per_customer.map(len)})
    out = out.groupby(["path", "steps"]).size().rename("customers").reset_index()
    out["share"] = out["customers"] / out["customers"].sum()
    out = out.sort_values(["customers", "path"], ascending=[False, True])
    return (out if top is None else out.head(top)).reset_index(drop=True)


def ref_funnel_times(events: pd.DataFrame, steps, within) -> pd.DataFrame:
    """Per customer who entered: the time each step was reached (NaT if not)."""
    rows = []
    for cid, ev in ordered(events).groupby("customer_id"):
        times = {}
        first = ev.loc[ev["touchpoint"] == steps[0], "timestamp"]
        if first.empty:
            continue
        t = start = first.min()
        times[0] = t
        for k, step in enumerate(steps[1:], start=1):
            ok = ev[(ev["touchpoint"] == step) & (ev["timestamp"] >= t)]
            if within is not None:
                ok = ok[ok["timestamp"] <= start + within]
            if ok.empty:
                break
            t = times[k] = ok["timestamp"].min()
        rows.append({"customer_id": cid, **{f"t{k}": times.get(k, pd.NaT)
                                            for k in range(len(steps))}})
    out = pd.DataFrame(rows)
    for k in range(len(steps)):
        out[f"t{k}"] = pd.to_datetime(out[f"t{k}"], utc=True)
    return out


def ref_funnel_times_merged(events: pd.DataFrame, steps, within) -> pd.DataFrame:
    """The same as ref_funnel_times, with merges instead of a loop over customers."""
    ev = events[["customer_id", "timestamp", "touchpoint"]]
    out = (ev[ev["touchpoint"] == steps[0]].groupby("customer_id")["timestamp"].min()
           .rename("t0").reset_index())
    for k, step in enumerate(steps[1:], start=1):
        cand = out.merge(ev[ev["touchpoint"] == step], on="customer_id")
        ok = cand["timestamp"] >= cand[f"t{k - 1}"]
        if within is not None:
            ok &= cand["timestamp"] <= cand["t0"] + within
        reached = cand[ok].groupby("customer_id")["timestamp"].min().rename(f"t{k}")
        out = out.merge(reached, on="customer_id", how="left")
    return out


def ref_markov(events: pd.DataFrame, conversion="purchase", by="channel") -> pd.DataFrame:
    """Removal effects by iterating the chain (not by solving it), from explicit journeys."""
    steps = []
    for _, ev in ordered(events).groupby("customer_id"):
        journey = ["(start)"]
        for tp, state in zip(ev["touchpoint"], ev[by], strict=True):
            if tp == conversion:
                steps += list(zip(journey, journey[1:] + ["(conversion)"], strict=True))
                journey = ["(start)"]
            else:
                journey.append(state)
        if len(journey) > 1:
            steps += list(zip(journey, journey[1:] + ["(null)"], strict=True))
    counts = pd.Series(steps).value_counts()
    states = sorted({s for pair in counts.index for s in pair} - {"(start)", "(conversion)",
                                                                    "(null)"})

    def p_conversion(removed=None):
        names = ["(start)", *states, "(conversion)", "(null)"]
        idx = {s: i for i, s in enumerate(names)}
        m = np.zeros((len(names), len(names)))
        for (i, j), n in counts.items():
            m[idx[i], idx["(null)"] if j == removed else idx[j]] += n
        m[idx["(conversion)"], idx["(conversion)"]] = m[idx["(null)"], idx["(null)"]] = 1
        m = m / m.sum(axis=1, keepdims=True)
        dist = np.zeros(len(names))
        dist[0] = 1
        for _ in range(2000):
            dist = dist @ m
        return dist[idx["(conversion)"]]

    full = p_conversion()
    effects = pd.Series({s: 1 - p_conversion(s) / full for s in states})
    total = int((events["touchpoint"] == conversion).sum())
    return pd.DataFrame({by: effects.index, "removal_effect": effects.to_numpy(),
                         "conversions": (total * effects / effects.sum()).to_numpy()})


def assert_same(result: pd.DataFrame, expected: pd.DataFrame, keys) -> None:
    """Equal up to row order and column order; numbers to 1e-9."""
    cols = list(expected.columns)
    assert sorted(result.columns) == sorted(cols)
    a = result[cols].sort_values(keys).reset_index(drop=True)
    b = expected[cols].sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False, check_exact=False, rtol=1e-9,
                                  atol=1e-12)


# --------------------------------------------------------------------------------------------
# hand-built logs with known answers
# --------------------------------------------------------------------------------------------
@pytest.fixture
def gap_log():
    return log([
        ("c1", "2025-03-01 09:00:00", "web_visit"),
        ("c1", "2025-03-01 09:29:59", "product_page_view"),   # 29:59 later: same session
        ("c1", "2025-03-01 09:59:59", "cart_add"),            # exactly 30:00 later: new one
        ("c1", "2025-03-01 10:29:58.999999", "purchase"),     # 1 µs under 30 min: same
        ("c2", "2025-03-02 12:00:00", "email_open"),          # a single event
    ])


def test_a_gap_of_exactly_session_gap_starts_a_new_session(gap_log):
    s = journeys.sessions(gap_log, session_gap="30min")
    c1 = s[s["customer_id"] == "c1"]
    assert c1["session"].tolist() == [1, 2]
    assert c1["events"].tolist() == [2, 2]
    assert c1["start"].tolist() == [pd.Timestamp("2025-03-01 09:00:00", tz="UTC"),
                                    pd.Timestamp("2025-03-01 09:59:59", tz="UTC")]
    assert c1["duration"].tolist() == [pd.Timedelta("29min 59s"),
                                       pd.Timedelta("29min 59.999999s")]
    assert c1["entry_touchpoint"].tolist() == ["web_visit", "cart_add"]
    assert c1["exit_touchpoint"].tolist() == ["product_page_view", "purchase"]
    # one microsecond shorter a gap and the third event no longer splits... longer, it does
    assert journeys.sessions(gap_log, session_gap="29min 59.999999s")["session"].max() == 3
    assert journeys.sessions(gap_log, session_gap="30min 0.000001s")["session"].max() == 1


def test_a_customer_with_a_single_event(gap_log):
    s = journeys.sessions(gap_log)
    c2 = s[s["customer_id"] == "c2"].iloc[0]
    assert (c2["session"], c2["events"], c2["duration"]) == (1, 1, pd.Timedelta(0))
    assert c2["entry_touchpoint"] == c2["exit_touchpoint"] == "email_open"
    f = journeys.customer_features(gap_log).set_index("customer_id")
    assert f.loc["c2", "events"] == 1 and f.loc["c2", "sessions"] == 1
    assert f.loc["c2", "tenure_days"] == 0
    assert f.loc["c2", "recency_days"] == 0  # the last event of the log
    assert f.loc["c2", "channel_share_email"] == 1
    tr = journeys.transitions(gap_log)
    assert "email_open" not in set(tr["touchpoint"]) | set(tr["next_touchpoint"])
    p = journeys.paths(gap_log)
    assert p.set_index("path").loc["email_open", "customers"] == 1


def test_customer_features_of_a_hand_built_log(gap_log):
    f = journeys.customer_features(gap_log, as_of="2025-03-03").set_index("customer_id")
    c1 = f.loc["c1"]
    assert (c1["events"], c1["sessions"], c1["channels"]) == (4, 2, 1)
    assert c1["touchpoint_web_visit"] == c1["touchpoint_purchase"] == 1
    assert c1["touchpoint_email_open"] == 0
    assert (c1["level_engagement"], c1["level_interaction"]) == (3, 1)
    assert (c1["stage_consideration"], c1["stage_purchase"]) == (2, 2)
    assert c1["channel_share_web"] == 1
    assert c1["recency_days"] == pytest.approx(
        (pd.Timestamp("2025-03-03", tz="UTC") - pd.Timestamp("2025-03-01 10:29:58.999999",
                                                             tz="UTC")) / pd.Timedelta("1D"))
    assert f.loc["c2", "recency_days"] == pytest.approx(0.5)
    assert list(f.columns[:7]) == ["events", "sessions", "first", "last", "tenure_days",
                                   "recency_days", "channels"]
    assert [c for c in f.columns if c.startswith("level_")] == ["level_engagement",
                                                                "level_interaction"]
    assert str(f["first"].dtype) == "datetime64[ns, UTC]"


def test_unclassified_touchpoints_are_counted_as_missing_not_dropped():
    events = log([("c1", "2025-01-01 10:00", "web_visit"), ("c1", "2025-01-01 10:05", "kiosk")])
    f = journeys.customer_features(events).iloc[0]
    assert f["touchpoint_kiosk"] == 1
    assert f["level_missing"] == 1 and f["level_engagement"] == 1
    assert f["channel_share_missing"] == 0.5


def test_transitions_break_ties_by_touchpoint_then_channel():
    events = log([
        ("c1", "2025-01-01 10:00", "web_visit"),
        ("c1", "2025-01-01 10:00", "email_open"),    # same time: email_open sorts first
        ("c1", "2025-01-01 11:00", "purchase", "store"),
        ("c1", "2025-01-01 11:00", "purchase", "app"),  # same time and touchpoint: app first
    ])
    tr = journeys.transitions(events)
    pairs = dict(zip(zip(tr["touchpoint"], tr["next_touchpoint"], strict=True),
                     tr["transitions"], strict=True))
    assert pairs == {("email_open", "web_visit"): 1, ("web_visit", "purchase"): 1,
                     ("purchase", "purchase"): 1}
    ch = journeys.transitions(events, on="channel")
    assert list(zip(ch["channel"], ch["next_channel"], strict=True)) == [
        ("app", "store"), ("email", "web"), ("web", "app")]
    shuffled = events.sample(frac=1, random_state=3)
    assert_same(journeys.transitions(shuffled, on="channel"), ch, ["channel", "next_channel"])


def test_transition_probabilities_add_up_to_one_per_state_and_group():
    events = log([("a", "2025-01-01 10:00", "web_visit"), ("a", "2025-01-01 11:00", "purchase"),
                  ("a", "2025-01-01 12:00", "web_visit"), ("a", "2025-01-01 13:00", "cart_add"),
                  ("b", "2025-01-01 10:00", "web_visit"), ("b", "2025-01-01 11:00", "purchase")])
    events["segment"] = events["customer_id"].map({"a": "x", "b": "y"})
    tr = journeys.transitions(events, by="segment", min_n=0)  # groups of one customer
    x = tr[tr["segment"] == "x"].set_index(["touchpoint", "next_touchpoint"])["probability"]
    assert x[("web_visit", "purchase")] == pytest.approx(0.5)
    assert x[("web_visit", "cart_add")] == pytest.approx(0.5)
    assert tr.groupby(["segment", "touchpoint"])["probability"].sum().tolist() == \
        pytest.approx([1, 1, 1])
    assert list(tr.columns) == ["segment", "touchpoint", "next_touchpoint", "transitions",
                                "probability", "suppressed"]


def test_paths_count_customers_per_variant_with_max_len_and_top():
    events = log([("a", "2025-01-01 10:00", "web_visit"), ("a", "2025-01-01 11:00", "cart_add"),
                  ("a", "2025-01-01 12:00", "purchase"),
                  ("b", "2025-01-02 10:00", "web_visit"), ("b", "2025-01-02 11:00", "cart_add"),
                  ("c", "2025-01-03 10:00", "email_open")])
    full = journeys.paths(events)
    assert full["path"].tolist() == ["email_open", "web_visit > cart_add",
                                     "web_visit > cart_add > purchase"]
    assert full["customers"].tolist() == [1, 1, 1]
    short = journeys.paths(events, max_len=2)
    assert short["path"].tolist() == ["web_visit > cart_add", "email_open"]
    assert short["customers"].tolist() == [2, 1]
    assert short["share"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert journeys.paths(events, max_len=2, top=1)["path"].tolist() == ["web_visit > cart_add"]
    assert journeys.paths(events, on="channel", separator="/")["path"].iloc[0] == "email"


@pytest.fixture
def funnel_log():
    day = pd.Timedelta("1D")
    t0 = pd.Timestamp("2025-05-01 09:00", tz="UTC")
    rows = [
        # in order: all three steps
        ("inorder", t0, "product_page_view"), ("inorder", t0 + day, "cart_add"),
        ("inorder", t0 + 2 * day, "purchase"),
        # cart before the first view does not count, and nothing after it: step 1 only
        ("cart_first", t0, "cart_add"), ("cart_first", t0 + day, "product_page_view"),
        # purchase before cart: reaches step 2, and step 3 only if bought again after the cart
        ("swapped", t0, "product_page_view"), ("swapped", t0 + day, "purchase"),
        ("swapped", t0 + 2 * day, "cart_add"),
        ("swapped_again", t0, "product_page_view"), ("swapped_again", t0 + day, "purchase"),
        ("swapped_again", t0 + 2 * day, "cart_add"), ("swapped_again", t0 + 3 * day, "purchase"),
        # the cart comes after the 7-day window
        ("late", t0, "product_page_view"), ("late", t0 + 7 * day + pd.Timedelta("1s"),
                                            "cart_add"),
        # steps at the same moment count (at or after the previous step)
        ("same_time", t0, "product_page_view"), ("same_time", t0, "cart_add"),
        ("same_time", t0, "purchase"),
        # never enters
        ("no_entry", t0, "purchase"),
    ]
    return log([(c, str(t), tp) for c, t, tp in rows])


def test_funnel_with_out_of_order_steps_and_a_window(funnel_log):
    steps = ["product_page_view", "cart_add", "purchase"]
    f = journeys.funnel(funnel_log, steps, within="7D")
    assert f["step"].tolist() == [1, 2, 3]
    assert f["customers"].tolist() == [6, 4, 3]
    assert f["conversion"].tolist() == pytest.approx([1, 4 / 6, 3 / 6])
    assert f["step_conversion"].tolist() == pytest.approx([1, 4 / 6, 3 / 4])
    assert f["drop_off"].tolist() == [0, 2, 1]
    # time from start to purchase: inorder 2 days, swapped_again 3 days, same_time 0
    assert f.loc[2, "median_time_from_start"] == pd.Timedelta("2D")
    assert f.loc[2, "median_time_from_previous"] == pd.Timedelta("1D")
    assert journeys.funnel(funnel_log, steps, within=None)["customers"].tolist() == [6, 5, 3]
    ref = ref_funnel_times(funnel_log, steps, pd.Timedelta("7D"))
    assert f["customers"].tolist() == [int(ref[f"t{k}"].notna().sum()) for k in range(3)]


def test_markov_attribution_matches_a_hand_computed_chain():
    # journeys: web > email > purchase;  web > (no conversion);  email > purchase
    events = log([("x", "2025-01-01 10:00", "web_visit"), ("x", "2025-01-01 11:00", "email_open"),
                  ("x", "2025-01-01 12:00", "purchase"), ("x", "2025-01-02 10:00", "web_visit"),
                  ("y", "2025-01-01 10:00", "email_open"), ("y", "2025-01-01 11:00", "purchase")])
    credit = journeys.markov_attribution(events).set_index("channel")
    # P(conv) = 2/3 * 1/2 + 1/3 = 2/3; without web 1/3 (RE 1/2); without email 0 (RE 1)
    assert credit.loc["web", "removal_effect"] == pytest.approx(0.5)
    assert credit.loc["email", "removal_effect"] == pytest.approx(1.0)
    assert credit.loc["web", "conversions"] == pytest.approx(2 * 0.5 / 1.5)
    assert credit.loc["email", "conversions"] == pytest.approx(2 * 1.0 / 1.5)
    assert credit["share"].sum() == pytest.approx(1)
    assert credit.index.tolist() == ["email", "web"]  # most credit first
    assert credit.attrs["conversions"] == 2 and credit.attrs["journeys"] == 3
    assert credit.attrs["conversion_probability"] == pytest.approx(2 / 3)
    ref = ref_markov(events).set_index("channel")
    assert credit["removal_effect"].to_dict() == pytest.approx(ref["removal_effect"].to_dict())


def test_markov_attribution_without_conversions_is_refused(gap_log):
    with pytest.raises(DataError, match="no conversion"):
        journeys.markov_attribution(gap_log, conversion="cancellation")


# --------------------------------------------------------------------------------------------
# inputs, engines and errors
# --------------------------------------------------------------------------------------------
def test_parquet_csv_glob_and_ibis_inputs_give_the_same_answer(tmp_path, funnel_log):
    import ibis

    expected = journeys.customer_features(funnel_log)
    funnel_log.to_parquet(tmp_path / "all.parquet")
    half = funnel_log["customer_id"] < "no"
    funnel_log[half].to_parquet(tmp_path / "part-1.parquet")
    funnel_log[~half].to_parquet(tmp_path / "part-2.parquet")
    funnel_log.to_csv(tmp_path / "all.csv", index=False)
    con = ibis.duckdb.connect()
    table = con.read_parquet(tmp_path / "all.parquet")
    for source in (tmp_path / "all.parquet", str(tmp_path / "part-*.parquet"),
                   [tmp_path / "part-1.parquet", tmp_path / "part-2.parquet"],
                   tmp_path / "all.csv", table, ibis.memtable(funnel_log)):
        got = journeys.customer_features(source)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=str(source))
    assert journeys.customer_features(funnel_log, engine="duckdb").equals(expected)
    assert journeys.customer_features(funnel_log, engine=con).equals(expected)


def test_a_folder_of_parquet_files_is_read_whole(tmp_path, funnel_log):
    folder = tmp_path / "events"
    folder.mkdir()
    for i, (_, part) in enumerate(funnel_log.groupby("customer_id")):
        part.to_parquet(folder / f"part-{i}.parquet")
    pd.testing.assert_frame_equal(journeys.transitions(folder), journeys.transitions(funnel_log))


def test_placeholder_dates_that_make_the_log_span_centuries_are_refused():
    rows = [(f"c{i}", "2025-01-01 10:00", f"tp{i:03d}") for i in range(300)]
    events = pd.DataFrame(rows, columns=["customer_id", "timestamp", "touchpoint"])
    events["timestamp"] = pd.to_datetime(events["timestamp"], utc=True)
    events.loc[0, "timestamp"] = pd.Timestamp("1680-01-01", tz="UTC")
    events.loc[1, "timestamp"] = pd.Timestamp("2260-01-01", tz="UTC")
    with pytest.raises(DataError, match="span from 1680"):
        journeys.transitions(events)


def test_a_log_spanning_centuries_is_still_counted_exactly():
    rng = np.random.default_rng(5)
    # 38 touchpoints x 3 channels: too many combinations to pack with the plain key over
    # six centuries, so the dense combination number is used
    touchpoints = cxkit.catalogue()["touchpoint"].tolist()
    rows = [(f"c{i % 7}", str(pd.Timestamp("2025-01-01", tz="UTC")
                              + pd.Timedelta(minutes=int(rng.integers(0, 10**6)))),
             touchpoints[i % len(touchpoints)], ["web", "app", "store"][i % 3])
            for i in range(3 * len(touchpoints))]
    events = log(rows)
    placeholders = log([("old", "1680-01-01", "web_visit"), ("future", "2260-01-01",
                                                              "web_visit")])
    both = pd.concat([events, placeholders], ignore_index=True)
    got = journeys.customer_features(both).set_index("customer_id")
    # the usual customers are counted as without the placeholders (but for recency)
    expected = ref_features(events).set_index("customer_id").drop(columns="recency_days")
    assert_same(got.loc[expected.index, expected.columns].reset_index(),
                expected.reset_index(), ["customer_id"])
    # days between 1680 and 2260 do not fit in a pandas Timedelta, but do in days
    span = (pd.Timestamp("2260-01-01").to_pydatetime() - pd.Timestamp("1680-01-01")
            .to_pydatetime()).days
    assert got.loc["old", "recency_days"] == pytest.approx(span)
    assert got.loc["old", "first"] == pd.Timestamp("1680-01-01", tz="UTC")


def test_row_order_does_not_change_any_result(funnel_log):
    shuffled = funnel_log.sample(frac=1, random_state=1)
    steps = ["product_page_view", "cart_add", "purchase"]
    for fn in (journeys.customer_features, journeys.sessions, journeys.transitions,
               journeys.paths, lambda e: journeys.funnel(e, steps),
               lambda e: journeys.markov_attribution(e)):
        pd.testing.assert_frame_equal(fn(shuffled), fn(funnel_log))


def test_missing_columns_and_values_are_refused(gap_log):
    with pytest.raises(DataError, match="not in the events"):
        journeys.sessions(gap_log.drop(columns="timestamp"))
    with pytest.raises(DataError, match="'segment'"):
        journeys.transitions(gap_log, by="segment")
    bad = gap_log.copy()
    bad.loc[1, "customer_id"] = None
    with pytest.raises(DataError, match="1 event.* no customer_id"):
        journeys.customer_features(bad)
    bad = gap_log.copy()
    bad.loc[[0, 2], "touchpoint"] = None
    with pytest.raises(DataError, match="2 event.* no touchpoint"):
        journeys.transitions(bad)
    with pytest.raises(DataError, match="no rows"):
        journeys.paths(gap_log.iloc[:0])


def test_bad_arguments_are_refused(gap_log, tmp_path):
    with pytest.raises(ValueError, match="session_gap"):
        journeys.sessions(gap_log, session_gap="soon")
    with pytest.raises(ValueError, match="positive"):
        journeys.customer_features(gap_log, session_gap="0s")
    with pytest.raises(ValueError, match="once"):
        journeys.funnel(gap_log, ["web_visit", "web_visit"])
    with pytest.raises(ValueError, match="list"):
        journeys.funnel(gap_log, "web_visit")
    with pytest.raises(ValueError, match="max_len"):
        journeys.paths(gap_log, max_len=0)
    with pytest.raises(TypeError, match="engine"):
        journeys.paths(gap_log, engine="oracle-please")
    with pytest.raises(TypeError, match="events"):
        journeys.paths(42)
    with pytest.raises(FileNotFoundError):
        journeys.paths(tmp_path / "nope.parquet")
    (tmp_path / "events.json").write_text("{}")
    with pytest.raises(DataError, match="unsupported"):
        journeys.paths(tmp_path / "events.json")


def test_text_timestamps_in_the_events_are_refused_before_any_query(gap_log):
    with pytest.raises(DataError, match="column 'timestamp': not a date-time column"):
        journeys.sessions(gap_log.assign(timestamp=gap_log["timestamp"].astype(str)))


def test_as_of_and_by_arguments_are_checked(gap_log):
    with pytest.raises(ValueError, match="as_of must be a date-time"):
        journeys.customer_features(gap_log, as_of="not a date")
    with pytest.raises(ValueError, match="by must be a column name"):
        journeys.transitions(gap_log, by=[1])
    with pytest.raises(ValueError, match="conversion must be a touchpoint name or a list"):
        journeys.markov_attribution(gap_log, conversion=[])
    with pytest.raises(ValueError, match="top must be a whole number of at least 1"):
        journeys.paths(gap_log, top=0)


# --------------------------------------------------------------------------------------------
# the checks of cxkit._check that the journeys use
# --------------------------------------------------------------------------------------------
def test_column_names_refuse_absent_columns_with_a_hint():
    assert _check.column_names(("a", "b"), ["b", "a", "b"]) == ["b", "a"]
    expected = (r"column 'c': column\(s\) not in the events table \(expected columns 'a', "
                r"'c'; available: a, b \(map them\)\)")
    with pytest.raises(DataError, match=expected) as info:
        _check.column_names(("a", "b"), ["a", "c"], what="events", hint="map them")
    assert info.value.column == ["c"]


def test_row_count_and_missing_count_refuse_what_an_engine_counted():
    assert _check.row_count(3, what="events") == 3
    with pytest.raises(DataError, match="the events table has no rows"):
        _check.row_count(0, what="events")
    _check.missing_count(0, "touchpoint", unit="event")
    with pytest.raises(DataError, match=r"1 event\(s\) have no touchpoint") as info:
        _check.missing_count(1, "touchpoint", unit="event")
    assert info.value.column == "touchpoint"


def test_datetime_type_refuses_other_types():
    _check.datetime_type(np.dtype("datetime64[ns]"), "timestamp")
    _check.datetime_type(pd.DatetimeTZDtype(tz="UTC"), "timestamp")
    _check.datetime_type("timestamp(6)", "timestamp", is_datetime=True)
    with pytest.raises(DataError, match=r"not a date-time column \(dtype string\)"):
        _check.datetime_type("string", "timestamp", is_datetime=False)
    with pytest.raises(DataError, match="not a date-time column"):
        _check.datetime_type(np.dtype("int64"), "timestamp")


def test_value_names_take_one_name_or_a_list():
    assert _check.value_names("purchase", "conversion") == ["purchase"]
    assert _check.value_names(("a", "b"), "steps", single=False, distinct=True) == ["a", "b"]
    for bad in ([], [1], 3, None):
        with pytest.raises(ValueError, match="conversion must be a name or a list"):
            _check.value_names(bad, "conversion")
    with pytest.raises(ValueError, match="steps must be a list of one or more"):
        _check.value_names("a", "steps", single=False)
    with pytest.raises(ValueError, match="each name may appear once in steps"):
        _check.value_names(["a", "a"], "steps", single=False, distinct=True)


def test_optional_list_utc_time_and_period_alias():
    assert _check.optional_list(None, "by") == [] and _check.optional_list([], "by") == []
    assert _check.optional_list("segment", "by") == ["segment"]
    with pytest.raises(ValueError, match="by must be a column name"):
        _check.optional_list([2], "by")
    assert _check.utc_time("2025-03-01", "as_of") == pd.Timestamp("2025-03-01", tz="UTC")
    assert _check.utc_time(pd.Timestamp("2025-03-01 01:00", tz="Europe/Rome"),
                           "as_of") == pd.Timestamp("2025-03-01 00:00", tz="UTC")
    for bad in ("soon", None, [1]):
        with pytest.raises(ValueError, match="as_of must be a date-time"):
            _check.utc_time(bad, "as_of")
    assert _check.period_alias("W", "per") == "W"
    with pytest.raises(ValueError, match="per must be a pandas period alias"):
        _check.period_alias("fortnight", "per")


def test_text_customer_ids_keep_their_zeros_and_integer_ids_become_text(tmp_path):
    events = log([("007", "2025-01-01 10:00", "web_visit"), ("7", "2025-01-01 11:00", "purchase")])
    assert journeys.customer_features(events)["customer_id"].tolist() == ["007", "7"]
    numeric = events.assign(customer_id=[7, 8])
    numeric.to_parquet(tmp_path / "n.parquet")
    assert journeys.customer_features(tmp_path / "n.parquet")["customer_id"].tolist() == [
        "7", "8"]


# --------------------------------------------------------------------------------------------
# DuckDB against the pandas references on the bundled sample
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_events() -> pd.DataFrame:
    return cxkit.datasets.load_sample().events


def test_customer_features_equal_the_pandas_reference_on_the_sample(sample_events):
    got = journeys.customer_features(sample_events)
    assert got["customer_id"].is_monotonic_increasing
    assert_same(got, ref_features(sample_events), ["customer_id"])


def test_sessions_equal_the_pandas_reference_on_the_sample(sample_events):
    got = journeys.sessions(sample_events, session_gap="1h")
    assert_same(got, ref_sessions(sample_events, gap=pd.Timedelta("1h")),
                ["customer_id", "session"])


def test_transitions_equal_the_pandas_reference_on_the_sample(sample_events):
    for on in ("touchpoint", "channel"):
        assert_same(journeys.transitions(sample_events, on=on), ref_transitions(sample_events,
                                                                                on=on),
                    [on, f"next_{on}"])
    by_level = journeys.transitions(sample_events, by="level")
    assert not by_level["suppressed"].any()
    assert_same(by_level.drop(columns="suppressed"),
                ref_transitions(sample_events, by="level"),
                ["level", "touchpoint", "next_touchpoint"])


def test_paths_equal_the_pandas_reference_on_the_sample(sample_events):
    pd.testing.assert_frame_equal(journeys.paths(sample_events, max_len=5, top=30),
                                  ref_paths(sample_events, max_len=5, top=30),
                                  check_dtype=False)
    pd.testing.assert_frame_equal(journeys.paths(sample_events, top=None),
                                  ref_paths(sample_events, top=None), check_dtype=False)


def test_funnel_equals_the_pandas_reference_on_the_sample(sample_events):
    steps = ["product_page_view", "cart_add", "purchase"]
    within = pd.Timedelta("30D")
    got = journeys.funnel(sample_events, steps, within="30D")
    ref = ref_funnel_times_merged(sample_events, steps, within)
    counts = [int(ref[f"t{k}"].notna().sum()) for k in range(3)]
    assert got["customers"].tolist() == counts and counts[-1] > 0
    for k in range(1, 3):
        assert got.loc[k, "median_time_from_start"] == (ref[f"t{k}"] - ref["t0"]).median()
        assert got.loc[k, "median_time_from_previous"] == (
            ref[f"t{k}"] - ref[f"t{k - 1}"]).median()


def test_the_two_funnel_references_agree(funnel_log):
    steps = ["product_page_view", "cart_add", "purchase"]
    a = ref_funnel_times(funnel_log, steps, pd.Timedelta("7D"))
    b = ref_funnel_times_merged(funnel_log, steps, pd.Timedelta("7D"))
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_markov_attribution_equals_the_pandas_reference_on_the_sample(sample_events):
    got = journeys.markov_attribution(sample_events)
    ref = ref_markov(sample_events)
    assert_same(got[["channel", "removal_effect", "conversions"]], ref, ["channel"])
    assert got["conversions"].sum() == pytest.approx((sample_events["touchpoint"]
                                                      == "purchase").sum())


# --------------------------------------------------------------------------------------------
# last-touch, first-touch and Shapley attribution (#17)
# --------------------------------------------------------------------------------------------
def _log(rows):
    """Events from (customer, day, touchpoint, channel) rows."""
    frame = pd.DataFrame(rows, columns=["customer_id", "day", "touchpoint", "channel"])
    frame["timestamp"] = pd.Timestamp("2025-01-01") + pd.to_timedelta(frame.pop("day"), "D")
    return frame


def _credit(table):
    return table.set_index("channel")["conversions"].to_dict()


@pytest.fixture
def rule_log():
    # a: e-mail (day 0), ad (day 5), web (day 9), purchase (day 10), then e-mail (day 11)
    # b: web (day 0), purchase (day 1), ad (day 2), purchase (day 3)
    return _log([("a", 0, "email_received", "email"), ("a", 5, "ad_impression", "media"),
                 ("a", 9, "web_visit", "web"), ("a", 10, "purchase", "web"),
                 ("a", 11, "email_received", "email"),
                 ("b", 0, "web_visit", "web"), ("b", 1, "purchase", "web"),
                 ("b", 2, "ad_impression", "media"), ("b", 3, "purchase", "web")])


def test_last_and_first_touch_credit_the_hand_counts(rule_log):
    # journeys: a [email, media, web] -> purchase; b [web] -> purchase; b [media] -> purchase;
    # a [email] without purchase
    last = journeys.last_touch_attribution(rule_log)
    assert _credit(last) == {"web": 2.0, "media": 1.0, "email": 0.0}
    first = journeys.first_touch_attribution(rule_log)
    assert _credit(first) == {"email": 1.0, "web": 1.0, "media": 1.0}
    for table in (last, first):
        assert table.columns.tolist() == ["channel", "conversions", "share"]
        assert table["share"].sum() == pytest.approx(1.0)
        assert table.attrs["conversions"] == 3 and table.attrs["journeys"] == 4
        assert table.attrs["unattributed"] == 0


def test_lookback_and_touches_restrict_the_touches(rule_log):
    # 7 days before a's purchase (day 10) leaves the ad (day 5) and the web visit (day 9)
    first = journeys.first_touch_attribution(rule_log, lookback="7D")
    assert _credit(first) == {"web": 1.0, "media": 2.0, "email": 0.0}
    # only exposures: b's first purchase has none, so it is unattributed
    exposures = ["email_received", "ad_impression"]
    last = journeys.last_touch_attribution(rule_log, touches=exposures)
    assert _credit(last) == {"media": 2.0, "email": 0.0}
    assert last.attrs["unattributed"] == 1
    assert last["share"].sum() == pytest.approx(2 / 3)


def test_shapley_attribution_equals_the_hand_formula_with_two_channels():
    # coalitions: {email, web}: a converts, f does not -> v = 1/2; {web}: b converts, e does
    # not -> v = 1/2; {email}: d converts, c and g do not -> v = 1/3.
    # phi_email({e,w}) = (v(e) - 0)/2 + (v(ew) - v(w))/2 = 1/6; phi_web = 1/4 + 1/12 = 1/3;
    # a's conversion: email 1/6 / (1/2) = 1/3, web 2/3; b's to web, d's to email.
    log = _log([("a", 0, "email_received", "email"), ("a", 1, "web_visit", "web"),
                ("a", 2, "purchase", "web"),
                ("b", 0, "web_visit", "web"), ("b", 1, "purchase", "web"),
                ("c", 0, "email_received", "email"),
                ("d", 0, "email_received", "email"), ("d", 1, "purchase", "web"),
                ("e", 0, "web_visit", "web"),
                ("f", 0, "email_received", "email"), ("f", 1, "web_visit", "web"),
                ("g", 0, "email_received", "email")])
    credit = journeys.shapley_attribution(log)
    assert _credit(credit) == pytest.approx({"email": 4 / 3, "web": 5 / 3})
    assert credit["share"].sum() == pytest.approx(1.0)
    assert credit["channel"].tolist() == ["web", "email"]


def test_shapley_attribution_refuses_more_than_twelve_channels():
    log = _log([("a", k, "web_visit", f"c{k:02d}") for k in range(13)]
               + [("a", 13, "purchase", "web")])
    with pytest.raises(DataError, match="at most 12"):
        journeys.shapley_attribution(log)


def test_attribution_models_share_all_conversions_on_the_sample(sample_events):
    conversions = int((sample_events["touchpoint"] == "purchase").sum())
    for model in (journeys.last_touch_attribution, journeys.first_touch_attribution,
                  journeys.shapley_attribution):
        credit = model(sample_events, lookback="7D")
        assert credit.attrs["conversions"] == conversions
        assert credit["conversions"].sum() + credit.attrs["unattributed"] == \
            pytest.approx(conversions)
