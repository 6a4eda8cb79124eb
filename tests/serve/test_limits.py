"""Results cannot pile up: a cap on the audits one session keeps, and on the disk all of them take."""

from __future__ import annotations

from starlette.testclient import TestClient

from auditor.serve.settings import MEGABYTE, ServeSettings
from tests.serve import targets
from tests.serve.conftest import LEAD, fixture_bytes, page_token

RESULTS_BYTES = sum(targets.RESULT_SIZES.values())


def test_a_session_keeps_at_most_its_share_of_audits(serve) -> None:
    with serve(target=targets.writes_results, max_jobs_per_session=2) as app:
        kept = [app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])["id"] for _ in range(2)]
        refused = app.upload([fixture_bytes(LEAD)])
        assert refused.status_code == 429
        assert refused.json()["error"] == (
            "This browser already keeps 2 audits on the server, the most it may. Delete the results you "
            "no longer need (Delete now), or wait until they expire, then try again."
        )
        assert len(app.job_folders()) == 2, "nothing of the refused upload is kept"

        stranger = TestClient(app.client.app)
        token = page_token(stranger)
        other = stranger.post("/jobs", data={"csrf_token": token}, files=[("files", fixture_bytes(LEAD))])
        assert other.status_code == 202, "the cap is per session"

        app.client.delete(f"/jobs/{kept[0]}", headers={"x-csrf-token": app.token})
        assert app.upload([fixture_bytes(LEAD)]).status_code == 202, "a deleted audit frees its share"


def test_a_failed_audit_does_not_count_against_the_session(serve) -> None:
    with serve(target=targets.raises, max_jobs_per_session=1) as app:
        assert app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])["state"] == "failed"
        assert app.upload([fixture_bytes(LEAD)]).status_code == 202


def test_a_new_audit_is_refused_once_results_fill_the_disk_limit(serve) -> None:
    upload = ("Lead.csv", LEAD.read_bytes() + b"\n" * (256 * 1024))
    with serve(target=targets.writes_results, max_disk_bytes=RESULTS_BYTES + 128 * 1024) as app:
        # A small upload fits beside the results; one that would take the total past the limit does not.
        first = app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])
        assert first["state"] == "done"
        assert app.manager.disk_used() == RESULTS_BYTES
        refused = app.upload([upload])
        assert refused.status_code == 507
        assert refused.json()["error"] == (
            f"The server is full: uploads and results may take {(RESULTS_BYTES + 128 * 1024) / MEGABYTE:g} MB, "
            "all audits together. Try again once earlier results are downloaded or expire, or audit fewer "
            "or smaller files."
        )
        assert len(app.job_folders()) == 1
        app.client.delete(f"/jobs/{first['id']}", headers={"x-csrf-token": app.token})
        assert app.manager.disk_used() == 0
        assert app.upload([upload]).status_code == 202


def test_an_audit_whose_results_pass_the_disk_limit_is_stopped_and_its_results_deleted(serve) -> None:
    with serve(target=targets.fills_disk, max_disk_bytes=4 * MEGABYTE) as app:
        status = app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])
        assert status["state"] == "failed"
        assert status["error"] == (
            "The audit's results took the server past its limit of 4 MB for the uploads and results of all "
            "audits together, so it was stopped. Try again once earlier results are deleted, or audit fewer "
            "or smaller files."
        )
        (folder,) = app.job_folders()
        assert list(folder.iterdir()) == []
        assert app.manager.disk_used() == 0


def test_the_disk_limit_defaults_to_ten_of_the_largest_uploads() -> None:
    assert ServeSettings().disk_limit == 2000 * MEGABYTE
    assert ServeSettings(max_upload_bytes=500 * MEGABYTE).disk_limit == 5000 * MEGABYTE
    assert ServeSettings(max_disk_bytes=MEGABYTE).disk_limit == MEGABYTE
