"""schemathesis hooks: an authenticated profile per transport (``SCHEMATHESIS_HOOKS`` loads this module).

The profile logs in over HTTP as the user the test made (``ST_USERNAME``/``ST_PASSWORD``) on the
transport the test asks for (``ST_TRANSPORT``), and puts the credential on every generated request:
``X-Session-Token`` on the header transport; the session and CSRF cookies plus ``X-CSRFToken`` on the
cookie transport. A generated logout or revocation ends that session, so a 401 makes schemathesis
log in again (its default for auth providers).
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import schemathesis

BASE_URL = os.environ.get("ST_BASE_URL", "")
TRANSPORT = os.environ.get("ST_TRANSPORT", "header")
# gunicorn answers a request line over 4094 bytes with its own 414 page before the service runs, as it
# answers over-long header lines with 431 (a limit we keep): such a case tests gunicorn, not the API.
REQUEST_LINE_LIMIT = 4094


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    """Leave out cases whose request line gunicorn would refuse before the service sees them."""
    path = case.path
    for name, value in (case.path_parameters or {}).items():
        path = path.replace("{" + name + "}", quote(str(value), safe=""))
    query = urlencode(case.query or {}, doseq=True, quote_via=quote)
    return len(f"{case.method} /{path}?{query} HTTP/1.1") < REQUEST_LINE_LIMIT - 100


@schemathesis.auth()
class SessionLogin:
    def get(self, case: Any, context: Any) -> dict[str, str]:
        body = {"username": os.environ["ST_USERNAME"], "password": os.environ["ST_PASSWORD"]}
        with httpx.Client(base_url=BASE_URL + "/api/v1", timeout=30) as client:
            if TRANSPORT == "header":
                response = client.post("/auth/login", json={**body, "transport": "header"})
                response.raise_for_status()
                return {"token": response.json()["session_token"]}
            csrf = client.get("/auth/csrf").json()["csrf_token"]
            client.post("/auth/login", json=body, headers={"X-CSRFToken": csrf}).raise_for_status()
            return {"sessionid": client.cookies["sessionid"], "csrftoken": client.cookies["csrftoken"]}

    def set(self, case: Any, data: dict[str, str], context: Any) -> None:
        case.headers = dict(case.headers or {})
        if TRANSPORT == "header":
            case.headers["X-Session-Token"] = data["token"]
            return
        case.cookies = {**(case.cookies or {}), **data}
        case.headers["X-CSRFToken"] = data["csrftoken"]
