"""Audits through the web app: results equal the library's, unreadable files are skipped, crashes stay in their job."""

from __future__ import annotations

import json
import stat
import time

import auditor
from auditor.config import Config
from tests.conftest import AS_OF
from tests.serve import targets
from tests.serve.conftest import CONTACT, LEAD, fixture_bytes


def test_an_audit_gives_what_the_library_gives_and_names_the_uploaded_files(serve) -> None:
    with serve() as app:
        response = app.upload(
            [fixture_bytes(LEAD), fixture_bytes(CONTACT)], as_of=AS_OF.isoformat(), lang="fr"
        )
        assert response.status_code == 202, response.text
        status = app.wait(response.json()["id"])
        assert status["state"] == "done", status
        expected = auditor.audit(
            [LEAD, CONTACT], Config(as_of=AS_OF, lang="fr"), display_names=["Lead.csv", "Contact.csv"]
        )
        assert status["summary"] == expected.summary()
        assert status["files"] == ["Lead.csv", "Contact.csv"]
        findings = app.client.get(f"/jobs/{status['id']}/download/json")
        assert findings.status_code == 200
        assert findings.headers["content-disposition"] == 'attachment; filename="crm-audit-findings.json"'
        data = json.loads(findings.content)
        assert data["as_of"] == AS_OF.isoformat()
        assert [entry["file"] for entry in data["inputs"]] == ["Lead.csv", "Contact.csv"]
        named = {record["file"] for finding in data["findings"] for record in finding["records"]}
        assert named and named <= {"Lead.csv", "Contact.csv"}, "findings name the uploads, not temp paths"


def test_uploads_are_deleted_when_the_audit_ends_and_results_are_private(serve) -> None:
    with serve() as app:
        status = app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])
        (folder,) = app.job_folders()
        assert not (folder / "in").exists(), "the uploaded copies are gone once the audit ends"
        assert stat.S_IMODE(app.manager.root.stat().st_mode) == 0o700
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for path in (folder / "out").iterdir():
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
        assert status["state"] == "done"


def test_an_unreadable_file_is_skipped_and_the_others_are_audited(serve, tmp_path) -> None:
    broken = ("Accounts.xlsx", b"PK\x03\x04" + b"\x00garbage" * 40)
    empty = ("empty.csv", b"")
    with serve() as app:
        status = app.wait(app.upload([fixture_bytes(LEAD), broken, empty]).json()["id"])
        assert status["state"] == "done", status
        assert [entry["file"] for entry in status["skipped"]] == ["Accounts.xlsx", "empty.csv"]
        for name, content in (broken, empty):
            (tmp_path / name).write_bytes(content)
        expected = auditor.audit(
            [LEAD, tmp_path / broken[0], tmp_path / empty[0]],
            Config(),
            display_names=["Lead.csv", "Accounts.xlsx", "empty.csv"],
        )
        assert status["skipped"] == [
            {"file": report.file, "error": report.error} for report in expected.skipped
        ]
        assert status["summary"] == expected.summary() and status["summary"]["records"] > 0
        report = app.client.get(f"/jobs/{status['id']}/report")
        assert "Accounts.xlsx" in report.text and "empty.csv" in report.text


def test_a_csv_named_like_a_workbook_is_read_as_text(serve) -> None:
    with serve() as app:
        status = app.wait(app.upload([("Lead.xlsx", LEAD.read_bytes())]).json()["id"])
        assert status["state"] == "done" and status["skipped"] == []
        assert status["summary"]["records"] == len(auditor.audit([LEAD], Config()).records)


def test_inputs_are_read_only_while_the_audit_runs(serve) -> None:
    with serve(target=targets.waits) as app:
        job_id = app.upload([fixture_bytes(LEAD), fixture_bytes(CONTACT)]).json()["id"]
        (folder,) = app.job_folders()
        assert targets.seen(folder)["modes"] == ["0o400", "0o400"]
        targets.release(folder)
        assert app.wait(job_id)["error"] == "released"


def test_an_exception_in_a_worker_fails_that_job_only(serve) -> None:
    with serve(target=targets.raises) as app:
        status = app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])
        assert status["state"] == "failed"
        assert "stopped unexpectedly" in status["error"] and "exited with status 1" in status["error"]
        assert app.client.get("/").status_code == 200


def test_a_killed_worker_fails_that_job_and_the_server_goes_on(serve) -> None:
    with serve(target=targets.killed) as app:
        status = app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])
        assert status["state"] == "failed"
        assert "signal SIGKILL" in status["error"] and "memory" in status["error"]
        assert app.client.get(f"/jobs/{status['id']}/report").status_code == 409
        # The next audit runs as usual: nothing of the pool broke.
        app.manager._target = auditor.serve.worker.run_job  # type: ignore[attr-defined]
        second = app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])
        assert second["state"] == "done"


def test_a_job_past_its_time_limit_is_stopped(serve) -> None:
    with serve(target=targets.waits, job_timeout=0.5) as app:
        started = time.monotonic()
        status = app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])
        assert status["state"] == "failed" and "longer than 0.5 seconds" in status["error"]
        assert time.monotonic() - started < 10


def test_the_worker_reports_its_own_errors_in_one_line(tmp_path) -> None:
    from multiprocessing import Pipe

    from auditor.serve.worker import run_job

    reader, writer = Pipe(duplex=False)
    run_job(writer, str(tmp_path), [], [], {"audit": {"stale_after_days": 0}})
    kind, why = reader.recv()
    detail = "the form: stale_after_days must be a positive number of days"
    assert (kind, why) == ("failed", f"The audit failed: {detail}")
    # The wording itself crosses the pipe, so that the server says it in the language of the page that asks;
    # the library's own detail stays English.
    assert why.in_language("fr") == f"L'audit a échoué : {detail}"
