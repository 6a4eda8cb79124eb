"""CSRF, sessions, Host and Origin checks, job privacy, and the headers every response carries."""

from __future__ import annotations

import json
import re

import pytest
from starlette.testclient import TestClient

from auditor.serve.security import source_hash
from tests.serve import targets
from tests.serve.conftest import LEAD, fixture_bytes, page_token

UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*")


def _policy(response) -> dict[str, str]:
    header = response.headers["content-security-policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def _assert_safe_headers(response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    policy = _policy(response)
    assert policy["frame-ancestors"] == "frame-ancestors 'self'"
    assert not any(token in value.split() for value in policy.values() for token in UNSAFE), policy


def test_the_page_allows_only_its_own_script_and_style_by_nonce(serve) -> None:
    with serve() as app:
        page = app.client.get("/")
        _assert_safe_headers(page)
        policy = _policy(page)
        nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
        assert policy["script-src"] == f"script-src 'nonce-{nonce}'"
        assert policy["style-src"] == f"style-src 'nonce-{nonce}'"
        assert policy["default-src"] == "default-src 'none'"
        assert policy["require-trusted-types-for"] == "require-trusted-types-for 'script'"
        # The page's words for its script are a JSON data block, which no browser runs.
        data = re.findall(r'<script type="application/json" id="page-text">([^<]*)</script>', page.text)
        assert len(data) == 1 and json.loads(data[0])["failed"]
        tags = re.findall(r"<(script|link rel=\"stylesheet\")(?! type=\"application/json\")[^>]*>", page.text)
        assert len(tags) == 2
        assert page.text.count(f'nonce="{nonce}"') == 2
        assert (
            "<style" not in page.text
            and " style=" not in page.text
            and "http" not in page.text.split("<body>")[0]
        )
        assert nonce not in app.client.get("/").headers["content-security-policy"], "a new nonce per response"
        for name in ("app.js", "app.css"):
            asset = app.client.get(f"/static/{name}")
            assert asset.status_code == 200 and "http://" not in asset.text and "https://" not in asset.text
            _assert_safe_headers(asset)


def test_the_report_runs_sandboxed_with_exactly_its_own_inline_blocks(serve) -> None:
    with serve() as app:
        status = app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])
        report = app.client.get(f"/jobs/{status['id']}/report")
        assert report.status_code == 200
        _assert_safe_headers(report)
        policy = _policy(report)
        scripts = re.findall(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", report.text, re.S | re.I)
        styles = re.findall(r"<style\b[^>]*>(.*?)</style>", report.text, re.S | re.I)
        assert styles, "the report has inline CSS"
        assert set(policy["script-src"].split()[1:]) == (
            {source_hash(body) for body in scripts} or {"'none'"}
        )
        assert set(policy["style-src"].split()[1:]) == {source_hash(body) for body in styles}
        assert policy["sandbox"].split()[1:] == [
            "allow-scripts",
            "allow-downloads",
            "allow-modals",
            "allow-popups",
            "allow-popups-to-escape-sandbox",
        ], "no allow-same-origin: the report cannot use the session"


def test_every_error_response_carries_the_headers_too(serve) -> None:
    with serve() as app:
        for response in (
            app.client.get("/jobs/nope"),
            app.client.get("/nowhere"),
            app.upload([fixture_bytes(LEAD)], token="wrong"),
        ):
            assert response.status_code >= 400
            _assert_safe_headers(response)
            assert _policy(response)["default-src"] == "default-src 'none'"


@pytest.mark.parametrize(
    "how", ["no token", "wrong token", "token of another session", "token after the file"]
)
def test_an_upload_without_the_session_s_csrf_token_is_refused_before_anything_is_stored(serve, how) -> None:
    with serve() as app:
        if how == "no token":
            response = app.upload([fixture_bytes(LEAD)], token="")
        elif how == "wrong token":
            response = app.upload([fixture_bytes(LEAD)], token=app.token[:-2] + "xx")
        elif how == "token of another session":
            other = TestClient(app.client.app)
            response = app.upload([fixture_bytes(LEAD)], token=page_token(other))
        else:
            body = (
                b'--B\r\nContent-Disposition: form-data; name="files"; filename="Lead.csv"\r\n\r\n'
                + LEAD.read_bytes()
                + b'\r\n--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                + app.token.encode()
                + b"\r\n--B--\r\n"
            )
            response = app.client.post(
                "/jobs", content=body, headers={"content-type": "multipart/form-data; boundary=B"}
            )
        assert response.status_code == 403
        assert "security token" in response.json()["error"]
        assert app.job_folders() == []


def test_an_upload_without_a_session_cookie_is_refused(serve) -> None:
    with serve() as app:
        app.client.cookies.clear()
        response = app.upload([fixture_bytes(LEAD)])
        assert response.status_code == 403 and "reload the page" in response.json()["error"]


def test_a_forged_session_cookie_is_not_a_session(serve) -> None:
    with serve() as app:
        app.client.cookies.clear()
        app.client.cookies.set("crm_audit_session", "attacker-chosen.value")
        assert app.upload([fixture_bytes(LEAD)]).status_code == 403
        assert "set-cookie" in app.client.get("/").headers, "the page replaces it with a signed one"


def test_the_token_may_come_in_a_header_as_the_page_sends_it(serve) -> None:
    with serve() as app:
        files = [("files", fixture_bytes(LEAD))]
        good = app.client.post("/jobs", files=files, data={"lang": "en"}, headers={"x-csrf-token": app.token})
        assert good.status_code == 202
        bad = app.client.post("/jobs", files=files, headers={"x-csrf-token": "nope"})
        assert bad.status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "null"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
    ],
)
def test_a_cross_site_upload_is_refused_even_with_a_valid_token(serve, headers) -> None:
    with serve() as app:
        response = app.client.post(
            "/jobs", files=[("files", fixture_bytes(LEAD))], data={"csrf_token": app.token}, headers=headers
        )
        assert response.status_code == 403
        assert app.job_folders() == []


def test_a_same_origin_upload_from_a_browser_is_accepted(serve) -> None:
    with serve() as app:
        response = app.client.post(
            "/jobs",
            files=[("files", fixture_bytes(LEAD))],
            data={"csrf_token": app.token},
            headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"},
        )
        assert response.status_code == 202


def test_requests_for_another_host_name_are_refused(serve) -> None:
    """A page on a domain rebound to 127.0.0.1 would be same-origin with the server but for this."""
    with serve() as app:
        response = app.client.get("/", headers={"host": "rebind.evil.example:8765"})
        assert response.status_code == 421
        assert "set-cookie" not in response.headers


def test_a_job_is_reachable_only_from_its_own_session(serve) -> None:
    with serve(target=targets.waits) as app:
        job_id = app.upload([fixture_bytes(LEAD)]).json()["id"]
        assert len(job_id) >= 32
        stranger = TestClient(app.client.app)
        page_token(stranger)
        for path in (f"/jobs/{job_id}", f"/jobs/{job_id}/report", f"/jobs/{job_id}/download/json"):
            response = stranger.get(path)
            assert response.status_code == 404, path
            assert response.json()["error"].startswith("No such audit.")
        assert (
            stranger.delete(f"/jobs/{job_id}", headers={"x-csrf-token": page_token(stranger)}).status_code
            == 404
        )
        assert app.client.get(f"/jobs/{job_id}").status_code == 200, "the owner still sees it"
        targets.release(app.job_folders()[0])
        app.wait(job_id)


def test_an_unknown_job_id_is_not_found(serve) -> None:
    with serve() as app:
        for path in ("/jobs/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/jobs/x/report", "/jobs/x/download/xlsx"):
            response = app.client.get(path)
            assert response.status_code == 404
            assert "only to the browser that uploaded the files" in response.json()["error"]


def test_there_is_no_listing_of_jobs(serve) -> None:
    with serve() as app:
        app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])
        assert app.client.get("/jobs").status_code == 405
        assert app.client.get("/jobs/").status_code in (404, 405)


def test_deleting_a_job_needs_the_token(serve) -> None:
    with serve() as app:
        job_id = app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])["id"]
        assert app.client.delete(f"/jobs/{job_id}").status_code == 403
        assert (
            app.client.delete(
                f"/jobs/{job_id}", headers={"x-csrf-token": app.token, "origin": "http://evil.example"}
            ).status_code
            == 403
        )
        assert app.job_folders() != []
        assert app.client.delete(f"/jobs/{job_id}", headers={"x-csrf-token": app.token}).json() == {
            "deleted": True
        }
        assert app.job_folders() == []
        gone = app.client.get(f"/jobs/{job_id}/download/csv")
        assert gone.status_code == 410 and "deleted at your request" in gone.json()["error"]
