"""The baseline page: draws figures and tables computed beforehand (no query, no computation).

`BENCH_BARE` names
- a pickle {"figures": [{"spec", "config"}], "frames": [DataFrame]} (written by pages_bench.py);
- a pickle {"views": {name: {"figures": [...], "frames": [...]}}} (written by load_bench.py from
  what each tipdash page sent on the websocket): the URL's ``?view=name`` picks the one to draw;
- or, for the browser benchmark, a JSON file holding one figure.
The figures are built into plotly objects once per server; each run then draws them as a page
does (``st.plotly_chart`` serialises the figure again, ``st.dataframe`` the frame)."""
import json
import os
import pickle
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st


def _figures(content: dict) -> dict:
    figs = [(go.Figure(json.loads(f["spec"])), json.loads(f["config"] or "{}")) for f in content["figures"]]
    return {"figures": figs, "frames": content["frames"]}


@st.cache_resource(show_spinner=False)
def _load(path: str) -> dict:
    p = Path(path)
    raw = json.loads(p.read_text(encoding="utf-8")) if p.suffix == ".json" else pickle.loads(p.read_bytes())
    if "spec" in raw:
        raw = {"figures": [raw], "frames": []}
    if "views" in raw:
        return {name: _figures(c) for name, c in raw["views"].items()}
    return {"": _figures(raw)}


views = _load(os.environ["BENCH_BARE"])
content = views.get(st.query_params.get("view", ""), next(iter(views.values())))
for i, (fig, config) in enumerate(content["figures"]):
    st.plotly_chart(fig, config=config, key=f"fig{i}")
for i, frame in enumerate(content["frames"]):
    st.dataframe(frame, key=f"df{i}")
