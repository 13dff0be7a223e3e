"""A minimal Streamlit websocket client: what a browser tab says to a Streamlit 1.67 server,
without a browser. For tests (tests/e2e/test_security.py) and load generators (bench/).

It speaks Streamlit's own protobuf messages (``streamlit.proto``): ``BackMsg`` to the server,
``ForwardMsg`` from it, over ``/_stcore/stream``, with the XSRF cookie and token the server
hands out on ``/_stcore/health`` (the browser sends the token as the second websocket
subprotocol, after ``streamlit``).

    from tools.stclient import Session

    with Session("http://127.0.0.1:8501") as s:
        run = s.rerun(query="lang=en")                 # open the app (or page="import")
        s.set("signin_user", "ana.admin")              # widget values by their user key ...
        s.set("signin_password", "wrong password")
        run = s.click("signin_submit")                 # ... then a button / form submit: one run
        print(run.ok, run.seconds, run.text)           # every text the run drew, one string
        s.clear_cache()                                # the BackMsg any client may send
        s.upload("upload", "report.csv", data)         # a file into a file uploader (then one run)

``Run`` holds what one script run sent: ``texts`` (the strings of every element, in order),
``text`` (joined), ``elements`` (``(type, element proto)``), ``status`` (the
``ForwardMsg.script_finished`` value), ``seconds``, ``bytes`` (of every message the run sent),
``ok`` (finished without an exception element), ``page_not_found``. ``Session.widgets`` maps
user keys (and ids) to the widget ids the server named; ``Session.session_id`` is the server's
id of the session (from its ``new_session`` message, after the first run).

A load generator opens ``Session(url, light=True)``: texts are not collected (only the element
types, to tell an exception), and the client never pings (a browser does not either; a busy
server would otherwise be blamed for a late pong).

Deliberately small: no media, no fragments, one page run at a time per session; open several
``Session`` objects (one per simulated visitor, threads are fine).
"""
from __future__ import annotations

import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlparse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import connect

XSRF_COOKIE = "_streamlit_xsrf"
#: string fields read as the text of an element (markdown body, alert body, labels, values ...)
_TEXT_FIELDS = ("body", "label", "value", "message", "text")
_RERUN = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")


@dataclass
class Run:
    """What one script run sent to the client."""

    status: int | None = None
    seconds: float = 0.0
    bytes: int = 0
    page_not_found: bool = False
    elements: list = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def ok(self) -> bool:
        finished = self.status in (ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY"),
                                   ForwardMsg.ScriptFinishedStatus.Value("FINISHED_FRAGMENT_RUN_SUCCESSFULLY"))
        return finished and not any(kind == "exception" for kind, _ in self.elements)


class Session:
    """One browser tab: one websocket, one Streamlit session."""

    def __init__(self, base_url: str, *, timeout: float = 60.0, light: bool = False,
                 cookies: dict[str, str] | None = None, ssl_context=None):
        """``cookies``: sent with every request besides the XSRF cookie (a proxy's sticky-session
        cookie, say); ``ssl_context`` for an https URL (a test's self-signed certificate)."""
        self.base_url, self.timeout, self.light = base_url.rstrip("/"), timeout, light
        self.cookies, self.ssl_context = dict(cookies or {}), ssl_context
        self.widgets: dict[str, str] = {}            # user key (and id) -> widget id
        self._states: dict[str, WidgetState] = {}     # widget id -> value sent on every rerun
        self._page, self._query = "", ""
        self.session_id = ""
        self._token = token = self._xsrf_token()
        u = urlparse(self.base_url)
        scheme = "wss" if u.scheme == "https" else "ws"
        self.ws = connect(f"{scheme}://{u.netloc}{u.path}/_stcore/stream", origin=self.base_url,
                          subprotocols=["streamlit", token], additional_headers={"Cookie": self._cookie_header()},
                          max_size=None, open_timeout=timeout, proxy=None, legacy=True,
                          ping_interval=None if light else 20, **({"ssl": ssl_context} if scheme == "wss" else {}))

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in {**self.cookies, XSRF_COOKIE: self._token}.items())

    def _xsrf_token(self) -> str:
        head = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        req = urllib.request.Request(f"{self.base_url}/_stcore/health", headers=head)
        with urllib.request.urlopen(req, timeout=self.timeout, context=self.ssl_context) as r:
            cookie = SimpleCookie()
            for header in r.headers.get_all("Set-Cookie") or []:
                cookie.load(header)
        return cookie[XSRF_COOKIE].value if XSRF_COOKIE in cookie else ""

    # ------------------------------------------------------------------ messages
    def send(self, msg: BackMsg) -> None:
        self.ws.send(msg.SerializeToString())

    def rerun(self, page: str | None = None, query: str | None = None, *, triggers: tuple[str, ...] = ()) -> Run:
        """Run the app (``page``: a page's url path, "" for the default; ``query``: the URL's query
        string without ``?``), sending every widget value set so far and the given triggers."""
        self._page = self._page if page is None else page
        self._query = self._query if query is None else query
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string, cs.page_name = self._query, self._page
        for wid, state in self._states.items():
            cs.widget_states.widgets.add().CopyFrom(state)
        for key in triggers:
            cs.widget_states.widgets.add(id=self.widgets.get(key, key), trigger_value=True)
        self.send(msg)
        return self.wait()

    def set(self, key: str, value) -> None:
        """A widget's value for the next rerun (str, bool, int or float), by user key or id."""
        wid = self.widgets.get(key, key)
        state = WidgetState(id=wid)
        if isinstance(value, bool):
            state.bool_value = value
        elif isinstance(value, int):
            state.int_value = value
        elif isinstance(value, float):
            state.double_value = value
        else:
            state.string_value = str(value)
        self._states[wid] = state

    def open(self, key: str) -> Run:
        """Open a keyed expander or popover drawn by an earlier run (what it holds is then drawn)."""
        self.set(key, True)
        return self.rerun()

    def click(self, key: str) -> Run:
        """Click a button or a form's submit button (by user key or id) and wait for the run."""
        return self.rerun(triggers=(key,))

    def upload(self, key: str, name: str, data: bytes, mime: str = "application/octet-stream") -> Run:
        """Put ``data`` into the file uploader ``key`` (user key or id, drawn by an earlier run) as
        a browser does: ask the session for an upload URL, PUT the file there, then rerun with the
        uploader's new state."""
        urls = self.upload_url(name)
        self.put_file(urls, name, data, mime)
        wid = self.widgets.get(key, key)
        state = WidgetState(id=wid)
        state.file_uploader_state_value.uploaded_file_info.append(
            UploadedFileInfo(file_id=urls.file_id, name=name, size=len(data), file_urls=urls))
        self._states[wid] = state
        return self.rerun()

    def upload_url(self, name: str):
        """The ``FileURLs`` (file_id, upload_url, delete_url) the session gives for a new file."""
        msg = BackMsg()
        req = msg.file_urls_request
        req.request_id, req.session_id = uuid.uuid4().hex, self.session_id
        req.file_names.append(name)
        self.send(msg)
        return self._file_urls(req.request_id)

    def put_file(self, urls, name: str, data: bytes, mime: str = "application/octet-stream") -> int:
        """PUT one file to its upload URL (multipart, the XSRF token in a header and the cookie);
        the HTTP status (an error status raises ``urllib.error.HTTPError``)."""
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: {mime}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        put = urllib.request.Request(f"{self.base_url}{urls.upload_url}", data=body, method="PUT", headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": self._token,
            "Cookie": self._cookie_header(), "Origin": self.base_url})
        with urllib.request.urlopen(put, timeout=self.timeout, context=self.ssl_context) as r:
            r.read()
            return r.status

    def _file_urls(self, request_id: str):
        deadline = time.monotonic() + self.timeout
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(self._recv(deadline))
            if fwd.WhichOneof("type") == "file_urls_response" and fwd.file_urls_response.response_id == request_id:
                if fwd.file_urls_response.error_msg:
                    raise RuntimeError(fwd.file_urls_response.error_msg)
                return fwd.file_urls_response.file_urls[0]

    def _recv(self, deadline: float) -> bytes:
        while True:
            raw = self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))
            if not isinstance(raw, str):
                return raw

    def clear_cache(self) -> None:
        """The ``clear_cache`` BackMsg (the "Clear cache" menu item of a developer's toolbar)."""
        msg = BackMsg()
        msg.clear_cache = True
        self.send(msg)

    def wait(self) -> Run:
        """Read ForwardMsgs until a script run finishes (one that stopped for a rerun is followed)."""
        run, started = Run(), time.monotonic()
        deadline = started + self.timeout
        while True:
            raw = self._recv(deadline)
            run.bytes += len(raw)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self._element(fwd.delta.new_element, run)
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "add_block":
                self._block(fwd.delta.add_block)
            elif kind == "new_session":
                self.session_id = fwd.new_session.initialize.session_id or self.session_id
            elif kind == "page_not_found":
                run.page_not_found = True
            elif kind == "script_finished":
                run.status = fwd.script_finished
                if fwd.script_finished != _RERUN:
                    run.seconds = time.monotonic() - started
                    return run

    def _element(self, element, run: Run) -> None:
        kind = element.WhichOneof("type")
        if kind is None:
            return
        body = getattr(element, kind)
        run.elements.append((kind, body))
        if self.light and kind != "file_uploader":
            return
        for name in _TEXT_FIELDS:
            value = getattr(body, name, None) if name in body.DESCRIPTOR.fields_by_name else None
            if isinstance(value, str) and value:
                run.texts.append(value)
        wid = getattr(body, "id", "") if "id" in body.DESCRIPTOR.fields_by_name else ""
        if wid:
            self._remember(wid)

    def _block(self, block) -> None:
        """A keyed expander or popover is a widget too (its open state): remember its id."""
        kind = block.WhichOneof("type")
        wid = getattr(block, kind).id if kind in ("expandable", "popover") else ""
        if wid:
            self._remember(wid)

    def _remember(self, wid: str) -> None:
        self.widgets[wid] = wid
        if wid.startswith("$$ID-"):                        # keyed widget: "$$ID-<hash>-<user key>"
            self.widgets[wid.split("-", 2)[-1]] = wid

    # ------------------------------------------------------------------ lifetime
    def close(self) -> None:
        self.ws.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
