"""What the server says back (a refused upload, a failed audit, a deleted result) is in the language of
the page that asked: app.js names it in an X-Page-Lang header; without one, the browser's language as
for the page itself, else English. Every message is a key of the `[serve]` table of reports/i18n."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

from auditor.serve.settings import MEGABYTE
from auditor.serve.uploads import _KNOWN_FORMATS
from auditor.wording import catalogue
from tests.serve import targets
from tests.serve.conftest import LEAD, PNG, fixture_bytes

FRENCH = {"x-page-lang": "fr"}


def _post(app, files, *, headers=None, token=None, baseline=None, **fields):
    """POST /jobs as the page does (token, options, files), with the headers given."""
    data = {"csrf_token": app.token if token is None else token, **fields}
    parts = [("files", (name, content, "application/octet-stream")) for name, content in files]
    if baseline is not None:
        parts.append(("baseline", (*baseline, "application/json")))
    return app.client.post("/jobs", data=data, files=parts, headers=headers or {})


ACCEPTED_EN = "Upload CSV, TSV or TXT exports, or Excel workbooks (.xlsx, .xlsm, .xls, .ods)."
ACCEPTED_FR = "Envoyez des exports CSV, TSV ou TXT, ou des classeurs Excel (.xlsx, .xlsm, .xls, .ods)."

# (what is sent, status, code, English, French); each said in full, its placeholders filled.
REFUSALS = {
    "too-many-files": (
        {"files": [fixture_bytes(LEAD)] * 3},
        400,
        "too_many_files",
        "Too many files: at most 2 in one audit.",
        "Trop de fichiers : 2 au plus par audit.",
    ),
    "not-a-csv": (
        {"files": [fixture_bytes(LEAD), ("photo.csv", PNG)]},
        415,
        "looks_like",
        f"photo.csv is not a CSV or Excel file (it looks like a PNG image). {ACCEPTED_EN}",
        f"photo.csv n'est pas un fichier CSV ou Excel (il ressemble à une image PNG). {ACCEPTED_FR}",
    ),
    "bad-baseline": (
        {"files": [fixture_bytes(LEAD)], "baseline": ("old.json", b"{not json")},
        400,
        "bad_baseline",
        # read_baseline's own words stay English inside the page's sentence.
        "The previous findings file old.json cannot be used: is not JSON. Give the findings JSON",
        "Le fichier de constats précédents old.json ne peut pas être utilisé : is not JSON. Give the",
    ),
    "bad-token": (
        {"files": [fixture_bytes(LEAD)], "token": "forged"},
        403,
        "token_wrong",
        "The form's security token is wrong or expired; reload the page.",
        "Le jeton de sécurité du formulaire est faux ou expiré ; rechargez la page.",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
@pytest.mark.parametrize("page", ["en", "fr"])
def test_a_refusal_is_in_the_language_of_the_page_that_sent_the_upload(serve, case, page) -> None:
    sent, status, code, english, french = REFUSALS[case]
    with serve(max_files=2) as app:
        # The report's language (the form's "lang" field) is another: it does not choose the message's.
        response = _post(app, headers=FRENCH if page == "fr" else {}, lang="pl", **sent)
        assert response.status_code == status
        body = response.json()
        assert body["code"] == code
        assert body["error"].startswith(french if page == "fr" else english), body["error"]
        assert app.job_folders() == []


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, "en"),
        ({"accept-language": "fr-FR,fr;q=0.9"}, "fr"),  # no header from the page: the browser's language
        ({"x-page-lang": "fr", "accept-language": "pl"}, "fr"),  # the page's language first
        ({"x-page-lang": "xx", "accept-language": "es"}, "es"),  # a language the page does not speak
    ],
)
def test_an_upload_refused_before_its_form_is_read_follows_the_request_headers(
    serve, headers, expected
) -> None:
    with serve(max_upload_bytes=MEGABYTE) as app:
        # Declared over the limit: refused before a byte of the form is read, by the headers alone.
        response = _post(app, [("Lead.csv", b"x" * (2 * MEGABYTE + 10))], headers=headers)
        assert response.status_code == 413 and response.json()["code"] == "too_large"
        assert response.json()["error"].startswith(
            {
                "en": "The upload is larger than the 1 MB limit. Audit fewer",
                "fr": "L'envoi dépasse la limite de 1 Mo. Auditez moins",
                "es": "La subida supera el límite de 1 MB. Audite menos",
            }[expected]
        )


def test_why_an_audit_failed_is_said_in_the_language_of_whoever_asks(serve) -> None:
    with serve(target=targets.waits, job_timeout=0.5) as app:
        job_id = _post(app, [fixture_bytes(LEAD)]).json()["id"]
        assert app.wait(job_id)["state"] == "failed"
        english = app.client.get(f"/jobs/{job_id}").json()["error"]
        french = app.client.get(f"/jobs/{job_id}", headers=FRENCH).json()["error"]
        polish = app.client.get(f"/jobs/{job_id}/download/csv", headers={"x-page-lang": "pl"})
    assert english.startswith("The audit took longer than 0.5 seconds and was stopped.")
    # Numbers written the language's way.
    assert french.startswith("L'audit a duré plus de 0,5 secondes et a été arrêté.")
    assert polish.status_code == 409 and polish.json()["code"] == "job_timeout"
    assert polish.json()["error"].startswith("Audyt trwał dłużej niż 0,5 s i został zatrzymany.")


def test_why_a_result_is_gone_is_said_in_the_page_s_language(serve) -> None:
    with serve(target=targets.writes_results) as app:
        job_id = app.wait(_post(app, [fixture_bytes(LEAD)]).json()["id"])["id"]
        deleted = app.client.delete(f"/jobs/{job_id}", headers={"x-csrf-token": app.token, **FRENCH})
        assert deleted.json() == {"deleted": True}
        gone = app.client.get(f"/jobs/{job_id}", headers={"x-page-lang": "ar"})
    assert gone.status_code == 410 and gone.json()["code"] == "deleted_on_request"
    assert gone.json()["error"] == "حُذفت ملفاته بناءً على طلبك. أعد تشغيل التدقيق لرؤية النتائج."


def test_every_server_message_is_in_the_catalogue_and_every_one_is_used() -> None:
    """Each key the server words (`server_words("key"...)`, and the file formats it names) is in the
    `[serve]` table of English, and every key there is used (test_i18n checks the other languages)."""
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in files("auditor.serve").iterdir()
        if path.name.endswith(".py")
    )
    used = set(re.findall(r"""server_words\(\s*["'](\w+)["']""", source))
    used |= {key for _, key in _KNOWN_FORMATS}
    assert len(used) > 40, "the pattern finds the messages"
    known = {key.removeprefix("serve.") for key in catalogue("en") if key.startswith("serve.")}
    assert sorted(used - known) == [], "used, not in reports/i18n/en.toml [serve]"
    assert sorted(known - used) == [], "in [serve], used nowhere"


def test_the_page_s_script_names_the_page_s_language_in_every_request() -> None:
    script = files("auditor.serve").joinpath("static", "app.js").read_text(encoding="utf-8")
    requests = len(re.findall(r"\bfetch\(", script)) + len(re.findall(r"new XMLHttpRequest\(\)", script))
    named = len(re.findall(r"headers: asked|\.\.\.asked", script)) + len(
        re.findall(r'setRequestHeader\("X-Page-Lang", lang\)', script)
    )
    assert requests == named == 4
