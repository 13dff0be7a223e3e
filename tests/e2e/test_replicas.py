"""Two `streamlit run` replicas behind nginx (deploy/nginx/tipdash.conf, run as shipped with its
ports and certificate paths substituted), both reading the same DuckDB file, 127.0.0.1 only.

- the proxy: /_stcore/metrics hidden, the security headers, gzip for JavaScript, the sticky cookie;
- sticky sessions: a browser keeps to the replica its cookie names (its websocket, its upload),
  a new browser is given either replica, an upload sent to the other replica is refused;
- one database: an import through replica a is seen on replica b at its next page view.
"""
from __future__ import annotations

import contextlib
import gzip
import http.client
import re
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import make_report_workbook, synthetic_report_sheets
from tests.e2e.conftest import ADMIN, ROOT, _free_port, serve

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SITE = ROOT / "deploy" / "nginx" / "tipdash.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"      # Debian's; tools/system-deps.sh installs it
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
COOKIE = "tipdash_replica"
#: the same secret on both replicas (signed cookies of st.login would otherwise differ)
SECRET = "replica-test-cookie-secret-0123456789"


def site_config(tmp: Path, https: int, http: int, a: int, b: int) -> Path:
    """deploy/nginx/tipdash.conf with the test's ports and a self-signed certificate, inside a
    minimal nginx.conf whose files all live in ``tmp`` (nginx runs as this user)."""
    text = SITE.read_text(encoding="utf-8")
    subs = {"listen 443 ssl;": f"listen 127.0.0.1:{https} ssl;", "listen 80;": f"listen 127.0.0.1:{http};",
            "127.0.0.1:8501": f"127.0.0.1:{a}", "127.0.0.1:8502": f"127.0.0.1:{b}",
            "/etc/ssl/tipdash/fullchain.pem": str(tmp / "cert.pem"),
            "/etc/ssl/tipdash/privkey.pem": str(tmp / "key.pem")}
    for old, new in subs.items():
        assert old in text, f"{SITE} no longer says {old!r}: update this test with it"
        text = text.replace(old, new)
    (tmp / "site.conf").write_text(text, encoding="utf-8")
    temps = "\n".join(f"    {k}_temp_path {tmp / k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = tmp / "nginx.conf"
    conf.write_text(f"""pid {tmp / 'nginx.pid'};
error_log {tmp / 'error.log'} info;
events {{ worker_connections 256; }}
http {{
    access_log {tmp / 'access.log'};
{temps}
    include /etc/nginx/mime.types;
    include {tmp / 'site.conf'};
}}
""", encoding="utf-8")
    return conf


@contextlib.contextmanager
def nginx(conf: Path, port: int):
    proc = subprocess.Popen([NGINX, "-p", str(conf.parent), "-c", str(conf), "-g", "daemon off;"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError):
                import socket

                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.poll() is not None else ""
                raise RuntimeError(f"nginx did not start: {out}\n{(conf.parent / 'error.log').read_text()}")
            time.sleep(0.1)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def proxy(e2e_db, e2e_config, tmp_path_factory):
    """(https URL of nginx, SSL context trusting its certificate, database, http port)."""
    for prog in (NGINX, OPENSSL):
        if not Path(prog).exists():      # a failure, never a silent skip: `make test` installs them
            pytest.fail(f"{prog} is missing: run tools/system-deps.sh test nginx:nginx openssl:openssl")
    tmp = tmp_path_factory.mktemp("replicas")
    db = tmp / "tipdash.duckdb"
    shutil.copy(e2e_db, db)               # the session's database stays as the other tests expect it
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(tmp / "key.pem"),
                    "-out", str(tmp / "cert.pem")], check=True, capture_output=True, timeout=60)
    ctx = ssl.create_default_context(cafile=str(tmp / "cert.pem"))
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": SECRET}
    with serve(db, e2e_config, tmp / "a.log", env=env) as url_a, serve(db, e2e_config, tmp / "b.log", env=env) as url_b:
        https, http = _free_port(), _free_port()
        conf = site_config(tmp, https, http, int(url_a.rsplit(":", 1)[1]), int(url_b.rsplit(":", 1)[1]))
        with nginx(conf, https):
            yield f"https://127.0.0.1:{https}", ctx, db, http


def get(url: str, ctx, *, cookies: dict[str, str] | None = None, headers: dict[str, str] | None = None):
    """(status, headers, body) of a GET, also for 4xx."""
    head = dict(headers or {})
    if cookies:
        head["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    req = urllib.request.Request(url, headers=head)
    try:
        with urllib.request.urlopen(req, timeout=30, context=ctx) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def replica_cookie(headers) -> str | None:
    for h in headers.get_all("Set-Cookie") or []:
        m = re.match(rf"{COOKIE}=([ab]);", h)
        if m:
            return m.group(1)
    return None


def test_the_proxy_hides_metrics_sets_headers_and_compresses(proxy):
    url, ctx, _, http_port = proxy
    status, headers, body = get(f"{url}/", ctx)
    assert status == 200 and b"<html" in body.lower()
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert replica_cookie(headers) in ("a", "b")
    assert "Secure" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]

    status, headers, body = get(f"{url}/_stcore/metrics", ctx)
    assert status == 404 and b"cache" not in body and headers["X-Frame-Options"] == "SAMEORIGIN"
    assert get(f"{url}/_stcore/health", ctx)[0] == 200

    script = re.search(rb'src="\.?/?(static/js/[^"]+\.js)"', get(f"{url}/", ctx)[2]).group(1).decode()
    status, headers, body = get(f"{url}/{script}", ctx, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert len(gzip.decompress(body)) > 2 * len(body)

    plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)   # plain HTTP goes to HTTPS
    plain.request("GET", "/?lang=en")
    r = plain.getresponse()
    assert r.status == 301 and r.getheader("Location") == "https://127.0.0.1/?lang=en"
    plain.close()


def test_a_browser_keeps_to_its_replica(proxy):
    from tools.stclient import Session

    url, ctx, _, _ = proxy
    given = {replica_cookie(get(f"{url}/_stcore/health", ctx)[1]) for _ in range(40)}
    assert given == {"a", "b"}, given                   # new browsers go to either replica
    assert replica_cookie(get(f"{url}/", ctx, cookies={COOKIE: "b"})[1]) == "b"   # and keep to it

    for mine, other in (("a", "b"), ("b", "a")):
        with Session(url, cookies={COOKIE: mine}, ssl_context=ctx, timeout=120) as s:
            assert s.rerun("", "lang=en").ok and s.session_id
            # the upload URL of this session works through its replica ...
            urls = s.upload_url("report.csv")
            assert s.put_file(urls, "report.csv", b"unit,year\n") == 204
            # ... and not through the other one, which does not know the session
            s.cookies[COOKIE] = other
            with pytest.raises(urllib.error.HTTPError) as err:
                s.put_file(s.upload_url("report.csv"), "report.csv", b"unit,year\n")
            assert err.value.code == 400
            s.cookies[COOKIE] = mine
            assert s.rerun().ok                         # the websocket itself stays where it was


def test_an_import_through_one_replica_is_seen_by_the_other(proxy, tmp_path):
    """Reader on b sees 28 of 35 for 2022; an admin on a imports Anenii Noi's 2022 report through
    the Import page; the reader's next page view (one rerun) shows 29 of 35."""
    from tipdash.web import auth as web_auth
    from tools.stclient import Session

    url, ctx, _, _ = proxy
    wb = make_report_workbook(tmp_path, name="SYNTHETIC_anenii_noi_2022.xlsx",
                              **synthetic_report_sheets("Anenii Noi", 2022))
    with Session(url, cookies={COOKIE: "b"}, ssl_context=ctx, timeout=120) as reader, \
            Session(url, cookies={COOKIE: "a"}, ssl_context=ctx, timeout=120) as admin:
        assert "28 of 35" in reader.rerun("", "lang=en&year=2022").text
        assert admin.rerun("", "lang=en").ok
        admin.open(web_auth.FORM_OPEN)
        admin.set(web_auth.FORM_USER, ADMIN[0])
        admin.set(web_auth.FORM_PASSWORD, ADMIN[1])
        assert "Signed in as" in admin.click(web_auth.FORM_SUBMIT).text
        assert admin.rerun(page="import").ok
        run = admin.upload("upload", wb.name, wb.read_bytes())
        assert run.ok and "import_go" in admin.widgets, run.text
        run = admin.click("import_go")
        assert "Files imported: 1." in run.text, run.text
        assert "29 of 35" in reader.rerun().text
