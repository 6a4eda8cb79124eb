"""How long anything is kept: a bounded queue, deletion after download, after the time limit, and on shutdown."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

from starlette.testclient import TestClient

from auditor.serve.app import create_app
from auditor.serve.jobs import FOLDER_PREFIX, PID_FILE
from auditor.serve.settings import ServeSettings
from tests.serve import targets
from tests.serve.conftest import LEAD, fixture_bytes, page_token


def test_a_busy_server_says_so_and_stores_nothing(serve) -> None:
    with serve(target=targets.waits, workers=1, max_queued=1) as app:
        running = app.upload([fixture_bytes(LEAD)])
        waiting = app.upload([fixture_bytes(LEAD)])
        assert (running.status_code, waiting.status_code) == (202, 202)
        targets.seen(app.folder_of(running.json()["id"]))
        queued = app.client.get(f"/jobs/{waiting.json()['id']}").json()
        assert (queued["state"], queued["step"], queued["queue_ahead"]) == ("queued", "queued", 0)
        refused = app.upload([fixture_bytes(LEAD)])
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "30"
        assert refused.json()["error"] == (
            "The server is busy: 1 audit(s) are running and 1 are waiting. Try again in a minute."
        )
        assert len(app.job_folders()) == 2
        # Places free up as audits end.
        for folder in app.job_folders():
            targets.release(folder)
        app.wait(running.json()["id"])
        app.wait(waiting.json()["id"])
        assert app.upload([fixture_bytes(LEAD)]).status_code == 202


def test_results_are_deleted_once_every_download_is_taken(serve) -> None:
    with serve() as app:
        job_id = app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])["id"]
        assert app.client.get(f"/jobs/{job_id}/report").status_code == 200
        for kind in ("html", "xlsx", "json", "csv"):
            assert app.client.get(f"/jobs/{job_id}/download/{kind}").status_code == 200
            assert app.client.get(f"/jobs/{job_id}/download/{kind}").status_code == 200, "until all are taken"
        assert len(app.job_folders()) == 1
        last = app.client.get(f"/jobs/{job_id}/download/fixes")
        assert last.status_code == 200 and last.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(last.content)) as archive:
            names = archive.namelist()
            plan = json.loads(archive.read("plan.json"))
        # The fix plan as `--fixes` writes it: the restore file of each table it touches, by the
        # names the files were uploaded under (never the server's storage names), the clean set, the
        # import files and the README saying how to apply them.
        assert plan["schema_version"] == 1 and "clean/records.csv" in names and "README.md" in names
        assert all(
            n in ("plan.json", "README.md", "clean/records.csv") or n.startswith(("before/", "import/"))
            for n in names
        )
        touched = {ref["file"] for action in plan["actions"] for ref in _records_of(action)}
        assert touched and {f"before/{Path(file).name}" for file in touched} <= set(names)
        assert app.job_folders() == []
        gone = app.client.get(f"/jobs/{job_id}")
        assert gone.status_code == 410
        assert gone.json()["error"] == (
            "Its files were deleted once every result had been downloaded. Run the audit again to see the results."
        )


def test_results_nobody_downloads_are_deleted_after_the_time_limit(serve) -> None:
    with serve(keep_seconds=600) as app:
        job_id = app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])["id"]
        app.manager.sweep(now=time.monotonic() + 599)
        assert len(app.job_folders()) == 1
        app.manager.sweep(now=time.monotonic() + 601)
        assert app.job_folders() == []
        expired = app.client.get(f"/jobs/{job_id}/download/xlsx")
        assert expired.status_code == 410
        assert expired.json()["error"].startswith(
            "Its files were deleted 10 minutes after the audit finished."
        )
        assert app.client.get(f"/jobs/{job_id}/report").status_code == 410


def test_the_janitor_sweeps_by_itself(serve) -> None:
    with serve(keep_seconds=0.2, sweep_interval=0.05) as app:
        job_id = app.upload([fixture_bytes(LEAD)]).json()["id"]
        app.wait(job_id)
        deadline = time.monotonic() + 5
        while app.job_folders() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert app.job_folders() == []
        assert app.client.get(f"/jobs/{job_id}").status_code == 410


def test_stopping_the_server_deletes_everything_and_stops_running_audits(serve, tmp_path) -> None:
    with serve(target=targets.waits) as app:
        job_id = app.upload([fixture_bytes(LEAD)]).json()["id"]
        targets.seen(app.job_folders()[0])
        root = app.manager.root
        assert root.exists() and app.client.get(f"/jobs/{job_id}").json()["state"] == "running"
        started = time.monotonic()
    assert not root.exists()
    assert list(tmp_path.glob(f"{FOLDER_PREFIX}*")) == []
    assert time.monotonic() - started < 10, "the waiting worker was killed, not waited for"


def test_folders_left_by_a_killed_server_are_removed_at_the_next_start(tmp_path) -> None:
    abandoned = tmp_path / f"{FOLDER_PREFIX}old"
    (abandoned / "job" / "in").mkdir(parents=True)
    (abandoned / PID_FILE).write_text("999999999")  # no such process
    alive = tmp_path / f"{FOLDER_PREFIX}live"
    alive.mkdir()
    (alive / PID_FILE).write_text("1")  # init: another server still running
    app = create_app(ServeSettings(allowed_hosts=("testserver",), temp_parent=tmp_path))
    with TestClient(app) as client:
        page_token(client)
        assert not abandoned.exists()
        assert alive.exists()


def _records_of(action: dict) -> list[dict]:
    return [value for key, value in action.items() if key in ("record", "survivor", "lead", "into")] + list(
        action.get("merged", [])
    )
