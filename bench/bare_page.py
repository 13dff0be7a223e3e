"""The baseline page: draws figures and tables computed beforehand (no query, no computation).

`BENCH_BARE` names a pickle with {"figures": [{"spec", "config"}], "frames": [DataFrame]} (written
by pages_bench.py) or, for the browser benchmark, a JSON file holding one figure."""
import json
import os
import pickle
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st


@st.cache_resource(show_spinner=False)
def _load(path: str) -> dict:
    p = Path(path)
    raw = json.loads(p.read_text(encoding="utf-8")) if p.suffix == ".json" else pickle.loads(p.read_bytes())
    if "spec" in raw:
        raw = {"figures": [raw], "frames": []}
    figs = [(go.Figure(json.loads(f["spec"])), json.loads(f["config"] or "{}")) for f in raw["figures"]]
    return {"figures": figs, "frames": raw["frames"]}


content = _load(os.environ["BENCH_BARE"])
for i, (fig, config) in enumerate(content["figures"]):
    st.plotly_chart(fig, config=config, key=f"fig{i}")
for i, frame in enumerate(content["frames"]):
    st.dataframe(frame, key=f"df{i}")
