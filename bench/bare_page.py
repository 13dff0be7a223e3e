"""The baseline page: draws what a tipdash page drew, computed beforehand (no query, no computation).

`BENCH_BARE` names
- a pickle {"figures": [{"spec", "config"}], "frames": [DataFrame], "tables": [DataFrame],
  "editors": [(DataFrame, num_rows)], "elements": [(Element field, protobuf bytes)]} (written by
  pages_bench.py: frames are ``st.dataframe`` grids, tables ``st.table`` ones, editors
  ``st.data_editor`` ones, elements every other element the page sent: text, headings, alerts,
  metrics, from the main area and the sidebar; widgets, the page's widgets);
- a pickle {"views": {name: {"figures": [...], "frames": [...], "tables": [...]}}} (written by
  load_bench.py from what each tipdash page sent on the websocket): the URL's ``?view=name`` picks
  the one to draw;
- or, for the browser benchmark, a JSON file holding one figure.
The figures are built into plotly objects once per server; each run then draws them as a page
does (``st.plotly_chart`` serialises the figure again, ``st.dataframe`` the frame, ``st.table`` the
table, ``st.data_editor`` the editor), enqueues the other elements' protobufs as they are and
draws the same widgets (kind, label, options, default) with Streamlit's own functions (a widget
is registered in the session at every run: its protobuf alone would not be a widget).
``?only=figures_tables`` leaves the elements and widgets out."""
import json
import os
import pickle
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st
from streamlit.proto.Element_pb2 import Element


def _prepared(content: dict) -> dict:
    figs = [(go.Figure(json.loads(f["spec"])), json.loads(f["config"] or "{}")) for f in content["figures"]]
    fields = Element.DESCRIPTOR.fields_by_name
    others = [(name, fields[name].message_type._concrete_class.FromString(raw))
              for name, raw in content.get("elements", [])]
    widgets = [(name, fields[name].message_type._concrete_class.FromString(raw))
               for name, raw in content.get("widgets", [])]
    return {"figures": figs, "frames": content["frames"], "tables": content.get("tables", []),
            "editors": content.get("editors", []), "elements": others, "widgets": widgets}


_WIDGETS = {"selectbox", "multiselect", "button_group", "checkbox", "button", "download_button", "number_input",
            "file_uploader", "text_input", "radio", "slider"}


def _widget(name: str, w, key: str) -> None:
    """The widget ``w`` (a protobuf the page sent) drawn again: the same kind, label, options and
    default (a custom component, which only its page can mount, is left out)."""
    if name not in _WIDGETS:
        return
    label = w.label or "-"
    if name == "selectbox":
        st.selectbox(label, list(w.options), index=w.default if w.HasField("default") else None, key=key,
                     placeholder=w.placeholder or None)
    elif name == "multiselect":
        st.multiselect(label, list(w.options), default=[w.options[i] for i in w.default], key=key,
                       placeholder=w.placeholder or None)
    elif name == "button_group":
        options = [o.content for o in w.options]
        st.segmented_control(label, options, default=options[w.default[0]] if w.default else None, key=key)
    elif name == "checkbox":
        (st.toggle if w.type == w.StyleType.TOGGLE else st.checkbox)(label, value=w.default, key=key)
    elif name == "button":
        st.button(label, key=key)
    elif name == "download_button":
        st.download_button(label, data=lambda: b"", file_name="x", key=key, on_click="ignore")
    elif name == "number_input":
        st.number_input(label, value=int(w.default) if w.data_type == w.INT else w.default, key=key)
    elif name == "file_uploader":
        st.file_uploader(label, type=list(w.type) or None, accept_multiple_files=w.multiple_files, key=key)
    elif name == "text_input":
        st.text_input(label, value=w.default, key=key, max_chars=w.max_chars or None)
    elif name == "radio":
        st.radio(label, list(w.options), index=w.default, horizontal=w.horizontal, key=key)
    elif name == "slider" and w.options:
        st.select_slider(label, list(w.options), value=w.options[int(w.default[0])] if w.default else None, key=key)


@st.cache_resource(show_spinner=False)
def _load(path: str) -> dict:
    p = Path(path)
    raw = json.loads(p.read_text(encoding="utf-8")) if p.suffix == ".json" else pickle.loads(p.read_bytes())
    if "spec" in raw:
        raw = {"figures": [raw], "frames": []}
    if "views" in raw:
        return {name: _prepared(c) for name, c in raw["views"].items()}
    return {"": _prepared(raw)}


views = _load(os.environ["BENCH_BARE"])
content = views.get(st.query_params.get("view", ""), next(iter(views.values())))
for i, (fig, config) in enumerate(content["figures"]):
    st.plotly_chart(fig, config=config, key=f"fig{i}")
for i, frame in enumerate(content["frames"]):
    st.dataframe(frame, key=f"df{i}")
for frame in content["tables"]:
    st.table(frame)
for i, (frame, rows) in enumerate(content["editors"]):
    st.data_editor(frame, num_rows=rows, key=f"ed{i}")
if st.query_params.get("only") != "figures_tables":
    for name, proto in content["elements"]:
        st._main._enqueue(name, proto)
    for i, (name, proto) in enumerate(content["widgets"]):
        _widget(name, proto, f"w{i}")
