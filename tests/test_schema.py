"""The committed openapi.yaml is what the code generates, and it is valid."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def test_committed_schema_matches_the_code(tmp_path):
    generated = tmp_path / "openapi.yaml"
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(generated),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert generated.read_text() == (ROOT / "openapi.yaml").read_text(), (
        "openapi.yaml drifted: run `make schema`"
    )


def test_schema_and_docs_are_served_without_a_cdn(sqlite_server):
    schema = httpx.get(sqlite_server.url + "/api/schema/")
    assert schema.status_code == 200 and schema.text.startswith("openapi: 3")
    assert httpx.get(sqlite_server.url + "/api/schema/?format=json").json()["openapi"].startswith("3")
    for page in ("/api/docs/", "/api/redoc/"):
        html = httpx.get(sqlite_server.url + page).text
        external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
        assert external == [], f"{page} loads from outside: {external}"
        assets = [part.split('"')[0] for part in html.split('src="')[1:]]
        assert assets, page
        for asset in assets:
            url = asset if asset.startswith("http") else sqlite_server.url + asset
            assert httpx.get(url).status_code == 200, asset


def test_swagger_ui_sends_the_csrf_token_from_the_cookie(sqlite_server):
    script = httpx.get(sqlite_server.url + "/api/docs/?format=js").text
    page = httpx.get(sqlite_server.url + "/api/docs/").text
    assert "document.cookie" in page + script
