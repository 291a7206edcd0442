"""Benchmark: requests per second of the runner against /healthz, the framework's floor.

    make bench-throughput        (needs wrk: apt-get install wrk)

On one production-like server (gunicorn + gunicorn.conf.py, DEBUG off, fresh
SQLite unless BENCH_DATABASE_URL is set), wrk measures for BENCH_SECONDS each:
  * GET /healthz (a database round trip: the floor for any page),
  * GET of a question page in a running interview (the runner),
  * POST of answers (each request answers a different question, so every one
    is a real insert),
and prints each rate and its ratio to /healthz.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Server, prepare_database, production_env  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PORT = 8766
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  local path = paths[((i - 1) %% #paths) + 1]
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "%(cookie)s",
    ["X-CSRFToken"] = "%(token)s",
  }, "answer=benchmark+answer")
end
"""


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> str:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, body) as response:
                return response.headers.get("Location", "")
        except urllib.error.HTTPError as exc:
            if exc.code == 302:
                return exc.headers["Location"]
            raise

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(url: str, *extra: str) -> float:
    out = subprocess.run(  # noqa: S603
        [shutil.which("wrk") or "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} error responses for {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="prepsite-throughput-"))
    env = production_env(os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3")
    prepare_database(env)
    with Server(env, PORT) as server:
        browser = Browser(server.url)
        token = CSRF.search(browser.get("/")).group(1)
        first = browser.post("/interviews/start", {"csrfmiddlewaretoken": token, "count": 20, "seconds": 300})
        browser.get(first)  # the question page now has its clock running
        paths = []
        for _ in range(150):  # 150 interviews x 20 questions: a fresh question for every POST
            location = browser.post(
                "/interviews/start", {"csrfmiddlewaretoken": token, "count": 20, "seconds": 300}
            )
            paths += [f"{location}questions/{p}/answer" for p in range(1, 21)]
        (tmp / "paths.txt").write_text("\n".join(paths))
        cookie = f"sessionid={browser.cookie('sessionid')}; csrftoken={browser.cookie('csrftoken')}"
        (tmp / "post.lua").write_text(
            LUA % {"paths": tmp / "paths.txt", "cookie": cookie, "token": browser.cookie("csrftoken")}
        )
        vendor = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
        print(f"{vendor}, gunicorn.conf.py, {os.cpu_count()} cores, wrk -c{CONNECTIONS} for {SECONDS} s each")
        floor = wrk(f"{server.url}/healthz")
        page = wrk(f"{server.url}{first}", "-H", f"Cookie: {cookie}")
        post = wrk(server.url, "-s", str(tmp / "post.lua"))
        print(f"{'GET /healthz':<28}{floor:>9.0f} req/s   (floor)")
        print(f"{'GET question page':<28}{page:>9.0f} req/s   {page / floor:6.0%} of /healthz")
        print(f"{'POST answer':<28}{post:>9.0f} req/s   {post / floor:6.0%} of /healthz")


if __name__ == "__main__":
    main()
