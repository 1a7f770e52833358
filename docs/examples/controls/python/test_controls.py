"""A test that drives threescale-sandbox's control API, with the standard
library only: it resets the sandbox, freezes its clock before midnight,
sees the day's limit deny an authrep and the journal say why, then moves
the clock past midnight.

    threescale-sandbox serve &
    SANDBOX_URL=http://127.0.0.1:3000 python3 -m unittest test_controls.py
"""
import json
import os
import unittest
import urllib.error
import urllib.request

BASE = os.environ.get("SANDBOX_URL", "http://127.0.0.1:3000").rstrip("/")
AUTHREP = ("/transactions/authrep.xml?provider_key=acme-provider-key&app_id=echo-app-id"
           "&app_key=echo-app-key&referrer=www.example.com&usage%5Bhits%5D=")


def call(method, path, body=None):
    """Send a request; return the status and the decoded JSON answer (or None)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    token = os.environ.get("THREESCALE_SANDBOX_CONTROL_TOKEN")
    if token and path.startswith("/_sandbox/"):
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req) as resp:
            status, headers, raw = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        status, headers, raw = err.code, err.headers, err.read()
    if "json" in headers.get("Content-Type", ""):
        return status, json.loads(raw)
    return status, None


class DailyLimit(unittest.TestCase):
    def test_daily_limit(self):
        # A clean sandbox, its clock ten seconds before midnight.
        self.assertEqual(call("POST", "/_sandbox/reset")[0], 200)
        status, clock = call("PUT", "/_sandbox/clock", {"frozen": True, "time": "2026-03-31T23:59:50Z"})
        self.assertEqual(clock, {"now": "2026-03-31T23:59:50.000Z", "frozen": True})

        # The echo app's plan allows 1000 hits a day: 1001 are denied.
        self.assertEqual(call("GET", AUTHREP + "1001")[0], 409)
        _, journal = call("GET", "/_sandbox/requests?limit=1&path=/transactions/authrep.xml")
        last = journal["requests"][0]
        self.assertEqual(last["error"], "limits_exceeded")
        self.assertEqual(last["decision"]["validator"], "limits")
        self.assertEqual(last["decision"]["exceeded_limit"]["metric"], "hits")
        self.assertEqual(last["decision"]["exceeded_limit"]["period"], "day")
        self.assertEqual(last["decision"]["exceeded_limit"]["max"], 1000)

        # Past midnight, a new day: the hits fit again.
        _, clock = call("POST", "/_sandbox/clock/advance", {"by": "15s"})
        self.assertEqual(clock["now"], "2026-04-01T00:00:05.000Z")
        self.assertEqual(call("GET", AUTHREP + "5")[0], 200)


if __name__ == "__main__":
    unittest.main()
