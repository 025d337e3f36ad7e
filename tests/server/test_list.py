"""GET /v2/transcript: newest first, limit, page_details, cursors and filters."""

import datetime
import time
import urllib.parse

import pytest

from server_harness import make_wav


@pytest.fixture
def five(start_server, tmp_path):
    """A fresh server holding five transcripts: three completed, two failed (foreign URLs)."""
    s = start_server("--queued-ms", "0", "--processing-ms", "0")
    url = s.upload(make_wav(tmp_path, "hi"))
    ids = []
    for i in range(5):
        audio = url if i % 2 == 0 else f"https://example.com/{i}.mp3"
        ids.append(s.submit(audio)["id"])
    time.sleep(0.05)
    return s, ids[::-1]  # newest first


def query_of(url):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def test_default_page_is_newest_first(five):
    s, newest_first = five
    page = s.ok("GET", "/v2/transcript")
    assert [t["id"] for t in page["transcripts"]] == newest_first
    d = page["page_details"]
    assert d == {"limit": 10, "result_count": 5, "current_url": f"{s.base}/v2/transcript?limit=10",
                 "prev_url": None, "next_url": None}
    item = page["transcripts"][0]
    assert set(item) == {"id", "resource_url", "status", "created", "completed", "audio_url", "error"}
    assert item["resource_url"] == f"{s.base}/v2/transcript/{item['id']}"
    assert s.validate("TranscriptList", page)["errors"] == {"openapi.yml": [], "openapi-latest.yml": []}


def test_items_show_status_error_and_times(five):
    s, ids = five
    items = {t["id"]: t for t in s.ok("GET", "/v2/transcript")["transcripts"]}
    failed = items[ids[1]]
    assert failed["status"] == "error" and failed["completed"] is None
    assert failed["error"].startswith("Download error, unable to download https://example.com/")
    done = items[ids[0]]
    assert done["status"] == "completed" and done["error"] is None
    created = datetime.datetime.fromisoformat(done["created"])
    assert abs(created - datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)).total_seconds() < 60
    assert done["completed"] >= done["created"]


def test_pagination_walks_back_with_prev_url_and_forward_with_next_url(five):
    s, ids = five
    first = s.ok("GET", "/v2/transcript?limit=2")
    assert [t["id"] for t in first["transcripts"]] == ids[0:2]
    assert first["page_details"]["next_url"] is None
    assert query_of(first["page_details"]["prev_url"]) == {"limit": "2", "before_id": ids[1]}

    second = s.ok("GET", first["page_details"]["prev_url"])
    assert [t["id"] for t in second["transcripts"]] == ids[2:4]
    assert second["page_details"]["current_url"] == first["page_details"]["prev_url"]
    third = s.ok("GET", second["page_details"]["prev_url"])
    assert [t["id"] for t in third["transcripts"]] == ids[4:5]
    assert third["page_details"]["prev_url"] is None
    assert third["page_details"]["result_count"] == 1

    back = s.ok("GET", third["page_details"]["next_url"])
    assert query_of(third["page_details"]["next_url"]) == {"limit": "2", "after_id": ids[4]}
    assert [t["id"] for t in back["transcripts"]] == ids[2:4]


def test_before_and_after_together(five):
    s, ids = five
    page = s.ok("GET", f"/v2/transcript?before_id={ids[0]}&after_id={ids[4]}")
    assert [t["id"] for t in page["transcripts"]] == ids[1:4]
    assert query_of(page["page_details"]["current_url"]) == {"limit": "10", "before_id": ids[0], "after_id": ids[4]}
    assert query_of(page["page_details"]["prev_url"]) == {"limit": "10", "before_id": ids[3]}
    assert query_of(page["page_details"]["next_url"]) == {"limit": "10", "after_id": ids[1]}
    status, body = s.request("GET", f"/v2/transcript?before_id={ids[4]}&after_id={ids[0]}")
    assert status == 400 and "after_id" in body["error"]


def test_status_filter_and_throttled_only(five):
    s, ids = five
    errors = s.ok("GET", "/v2/transcript?status=error")
    assert [t["id"] for t in errors["transcripts"]] == [ids[1], ids[3]]
    assert errors["page_details"]["current_url"].endswith("?limit=10&status=error")
    done = s.ok("GET", "/v2/transcript?status=completed&limit=1")
    assert [t["id"] for t in done["transcripts"]] == [ids[0]]
    assert query_of(done["page_details"]["prev_url"]) == {"limit": "1", "status": "completed", "before_id": ids[0]}
    assert s.ok("GET", "/v2/transcript?throttled_only=true")["transcripts"] == []


def test_created_on_filter(five):
    s, ids = five
    today = datetime.datetime.now(datetime.timezone.utc).date()
    assert len(s.ok("GET", f"/v2/transcript?created_on={today.isoformat()}")["transcripts"]) == 5
    assert s.ok("GET", "/v2/transcript?created_on=2001-01-01")["transcripts"] == []


@pytest.mark.parametrize("query,message", [
    ("limit=0", "limit must be greater than or equal to 1"),
    ("limit=201", "limit must be less than or equal to 200"),
    ("limit=ten", "limit must be an Integer"),
    ("status=done", "status must be one of: queued, processing, completed, error"),
    ("created_on=2024-02-30", "created_on must be a date in the form YYYY-MM-DD"),
    ("before_id=nope", "before_id must be a valid UUID"),
    ("throttled_only=maybe", "throttled_only must be a Boolean"),
])
def test_invalid_query_parameters(server, query, message):
    assert server.request("GET", f"/v2/transcript?{query}") == (400, {"error": message})


def test_unknown_cursor_is_rejected(server):
    status, body = server.request("GET", "/v2/transcript?before_id=6f1d2d1e-0000-4000-8000-000000000000")
    assert status == 400 and "before_id" in body["error"]
