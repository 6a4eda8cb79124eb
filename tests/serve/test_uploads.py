"""What the upload accepts: files judged by content, a size limit, options checked, names kept as labels only."""

from __future__ import annotations

import io
import zipfile
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest

from auditor.serve.settings import MEGABYTE
from auditor.serve.uploads import display_name, unique_names
from tests.serve import targets
from tests.serve.conftest import CONTACT, LEAD, PNG, fixture_bytes


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("upload", "says"),
    [
        (("Photo.csv", PNG), "Photo.csv is not a CSV or Excel file (it looks like a PNG image)"),
        (
            ("Contacts.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
            "Contacts.xlsx is not a CSV or Excel file (it looks like a PDF document)",
        ),
        (
            ("export.csv", bytes(range(256)) * 8),
            "export.csv is not a CSV or Excel file (it holds binary data)",
        ),
        (
            ("Leads.xlsx", _zip({"word/document.xml": b"<w/>"})),
            "Leads.xlsx is a ZIP archive, not an Excel workbook",
        ),
        (
            ("Lead.exe", b"Email,Last Name\na@b.example,Smith\n"),
            "Lead.exe is neither a CSV nor an Excel file",
        ),
    ],
    ids=["png-named-csv", "pdf-named-xlsx", "binary-named-csv", "docx-named-xlsx", "text-named-exe"],
)
def test_a_wrong_file_type_is_refused_by_content_and_nothing_is_kept(serve, upload, says) -> None:
    with serve() as app:
        response = app.upload([fixture_bytes(LEAD), upload])
        assert response.status_code == 415
        message = response.json()["error"]
        assert message.startswith(says), message
        assert "Upload CSV, TSV or TXT exports, or Excel workbooks" in message
        assert app.job_folders() == []


def test_every_wrong_file_is_named_in_one_message(serve) -> None:
    with serve() as app:
        response = app.upload([("a.csv", PNG), fixture_bytes(LEAD), ("b.csv", bytes(range(256)) * 4)])
        assert response.status_code == 415
        assert "a.csv is not" in response.json()["error"] and "b.csv is not" in response.json()["error"]


def test_an_upload_over_the_limit_is_refused_while_it_arrives(serve) -> None:
    with serve(max_upload_bytes=MEGABYTE) as app:
        # Declared size under limit + overhead, so the refusal comes from counting the bytes that arrive.
        big = ("Lead.csv", LEAD.read_bytes() + b"\n" * (MEGABYTE // 2 * 3))
        response = app.upload([fixture_bytes(CONTACT), big])
        assert response.status_code == 413
        assert response.json()["error"] == (
            "The upload is larger than the 1 MB limit (reached while receiving Lead.csv). Audit fewer or "
            "smaller files at once, or start the server with a higher --max-upload-mb."
        )
        assert app.job_folders() == []


def test_an_upload_declared_over_the_limit_is_refused_before_it_is_read(serve) -> None:
    with serve(max_upload_bytes=MEGABYTE) as app:
        response = app.upload([("Lead.csv", b"x" * (2 * MEGABYTE + 10))])
        assert response.status_code == 413
        assert "larger than the 1 MB limit." in response.json()["error"]
        assert app.job_folders() == []


def test_the_limit_counts_all_files_of_one_audit_together(serve) -> None:
    lead, contact = LEAD.read_bytes(), CONTACT.read_bytes()
    with serve(max_upload_bytes=len(lead) + len(contact) - 1) as app:
        assert app.upload([("Lead.csv", lead)]).status_code == 202
        response = app.upload([("Lead.csv", lead), ("Contact.csv", contact)])
        assert response.status_code == 413 and "Contact.csv" in response.json()["error"]


def test_too_many_files_are_refused(serve) -> None:
    with serve(max_files=2) as app:
        response = app.upload([fixture_bytes(LEAD)] * 3)
        assert response.status_code == 400 and "at most 2" in response.json()["error"]
        assert app.job_folders() == []


def test_an_upload_without_files_is_refused(serve) -> None:
    with serve() as app:
        response = app.upload([("", b"")])  # what a browser sends for a file input left empty
        assert response.status_code == 400 and "at least one" in response.json()["error"]


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        (
            {"as_of": "2026-13-01"},
            "An option of the form cannot be used: as_of must be a date written YYYY-MM-DD, not '2026-13-01'",
        ),
        (
            {"as_of": "9999-12-31"},
            "An option of the form cannot be used: as_of 9999-12-31 is outside the dates an audit can count "
            "days to. Give a date from 1678-01-01 to 2261-12-31",
        ),
        (
            {"lang": "de"},
            "An option of the form cannot be used: --lang must be one of en, ar, es, fr, id, pl, not 'de'",
        ),
        (
            {"internal_domains": "example.com, our company"},
            "'our' is not an email domain; write it like example.com.",
        ),
    ],
)
def test_wrong_options_are_refused_before_any_audit(serve, fields, says) -> None:
    with serve() as app:
        response = app.upload([fixture_bytes(LEAD)], **fields)
        assert response.status_code == 400
        assert response.json()["error"] == says
        assert app.job_folders() == []


def test_options_reach_the_audit(serve) -> None:
    with serve(target=targets.waits) as app:
        response = app.upload(
            [fixture_bytes(LEAD)], as_of="2026-11-01", internal_domains="@Example.com; example.fr", lang="pl"
        )
        assert response.status_code == 202
        (folder,) = app.job_folders()
        assert targets.seen(folder)["settings"] == {
            "audit": {"as_of": "2026-11-01", "internal_domains": ["Example.com", "example.fr"]},
            "report": {"lang": "pl"},
        }
        targets.release(folder)
        app.wait(response.json()["id"])


def test_stored_files_get_names_of_our_own_and_client_names_stay_labels(serve) -> None:
    with serve(target=targets.waits) as app:
        response = app.upload(
            [("../../../etc/passwd.csv", LEAD.read_bytes()), ("C:\\Users\\me\\Lead.xlsx", b"a,b\n1,2\n")]
        )
        (folder,) = app.job_folders()
        seen = targets.seen(folder)
        assert seen["inputs"] == ["upload-01.csv", "upload-02.csv"], "stored by content: the .xlsx is text"
        assert seen["names"] == ["passwd.csv", "Lead.xlsx"]
        assert app.client.get(f"/jobs/{response.json()['id']}").json()["files"] == ["passwd.csv", "Lead.xlsx"]
        targets.release(folder)
        app.wait(response.json()["id"])


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("Lead.csv", "Lead.csv"),
        ("../../etc/passwd", "passwd"),
        ("C:\\fakepath\\Contacts (1).xlsx", "Contacts (1).xlsx"),
        ("evil\u202egpj.csv", "evilgpj.csv"),
        ("tab\tand\nnewline.csv", "tabandnewline.csv"),
        ("..", "file-3"),
        ("", "file-3"),
        ("Łódź kontakty.csv", "Łódź kontakty.csv"),
        ("x" * 300 + ".xlsx", "x" * 115 + ".xlsx"),
    ],
)
def test_display_names_are_labels_without_paths_or_controls(raw, label) -> None:
    assert display_name(raw, 3) == label


def test_duplicate_names_are_told_apart() -> None:
    assert unique_names(["Lead.csv", "lead.csv", "Lead.csv"]) == ["Lead.csv", "lead (2).csv", "Lead (3).csv"]


def test_a_stalled_upload_gives_its_place_back(serve) -> None:
    """Driven at the ASGI level: the test client buffers whole bodies, a stalled browser does not."""
    with serve(upload_timeout=0.5, workers=1, max_queued=0) as app:
        cookie = f"crm_audit_session={app.client.cookies['crm_audit_session']}"
        chunks = [
            b'--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + app.token.encode(),
            b'\r\n--B\r\nContent-Disposition: form-data; name="files"; filename="Lead.csv"\r\n\r\n',
            *[b"a,b\r\n"] * 20,
        ]

        async def receive() -> dict:
            await anyio.sleep(0.1)
            return {"type": "http.request", "body": chunks.pop(0), "more_body": bool(chunks)}

        sent: list[dict] = []

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/jobs",
            "raw_path": b"/jobs",
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"testserver"),
                (b"cookie", cookie.encode()),
                (b"content-type", b"multipart/form-data; boundary=B"),
            ],
            "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80),
        }
        # A thread of its own: a session-wide Playwright may hold this thread's event loop.
        with ThreadPoolExecutor(1) as thread:
            thread.submit(anyio.run, app.client.app, scope, receive, send).result(timeout=30)
        assert sent[0]["status"] == 408
        assert b"took too long" in sent[1]["body"]
        assert len(chunks) > 10, "refused while it still trickled"
        assert app.job_folders() == []
        assert app.upload([fixture_bytes(LEAD)]).status_code == 202, "the place is free again"
