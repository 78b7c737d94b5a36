"""A portal process as a worker would run it: log in, render the dashboards, report its RSS.

`python -m bench.memory_probe URL USER... PROVINCE_ID DISTRICT_ID` prints {"rss_mb", "hwm_mb"} as JSON.
Run in its own process so the benchmark's own data does not count.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str]) -> None:
    from portal import create_app

    url, *users, province_id, district_id = argv
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    for username in users:
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": "demo1234"}).status_code in (302, 303)
        for page in ("/", "/?as_of=15/04/2023", f"/units/{district_id}", f"/units/{district_id}?last=1"):
            assert client.get(page).status_code == 200, page
        if username == users[0]:
            for page in (f"/units/{province_id}", f"/units/{province_id}?as_of=15/04/2023"):
                assert client.get(page).status_code == 200, page
    print(json.dumps({"rss_mb": round(_status_mb("VmRSS"), 1), "hwm_mb": round(_status_mb("VmHWM"), 1)}))


if __name__ == "__main__":
    main(sys.argv[1:])
