"""The page in the person's language, its words kept in the one catalogue, the report once deleted,
and a previous audit's findings given as a baseline."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import pytest

from auditor.catalogue import report_languages
from auditor.reporting.i18n import Translator
from auditor.serve.worker import OUTPUTS
from auditor.wording import catalogue
from tests.conftest import AS_OF
from tests.serve.conftest import LEAD, fixture_bytes

STATIC = files("auditor.serve").joinpath("static")


def _page_lang(html: str) -> tuple[str, str]:
    found = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', html)
    assert found, "the page names its language and direction"
    return found.group(1), found.group(2)


def _script_text(html: str) -> dict[str, str]:
    found = re.search(r'<script type="application/json" id="page-text">([^<]*)</script>', html)
    assert found
    return json.loads(found.group(1))


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        ("", "", "en"),
        ("", "de-DE, de;q=0.9", "en"),
        ("", "fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("", "de, pl;q=0.5, ar;q=0.9", "ar"),
        ("", "es;q=0, id", "id"),
        ("?lang=pl", "fr", "pl"),
        ("?lang=xx", "es-MX", "es"),
    ],
)
def test_the_page_speaks_the_asked_language_else_the_browser_s_else_english(
    serve, query, accept, expected
) -> None:
    with serve() as app:
        page = app.client.get(f"/{query}", headers={"accept-language": accept} if accept else {})
        t = Translator(expected)
        assert _page_lang(page.text) == (expected, t.direction)
        assert f"<title>{t('page.title')}</title>" in page.text
        # The report language follows the page unless the person picks another.
        assert re.findall(r'<option value="(\w+)"[^>]* selected>', page.text) == [expected]
        assert _script_text(page.text)["finished"] == t("page.js_finished")


def test_arabic_is_right_to_left_and_every_text_of_the_page_is_arabic(serve) -> None:
    with serve() as app:
        page = app.client.get("/?lang=ar").text
    assert _page_lang(page) == ("ar", "rtl")
    arabic, english = catalogue("ar"), catalogue("en")
    shown = [
        key
        for key in arabic
        if key.startswith("page.")
        and not key.startswith(("page.js_", "page.gone"))  # said by the script; the deleted report's page
        and "{" not in arabic[key]
    ]
    assert shown
    for key in shown:
        assert arabic[key] in page, key
        assert english[key] not in page.split("<body>")[1], f"{key} is still in English"
    assert _script_text(page)["deleted"] == arabic["page.js_deleted"]


def test_every_text_the_page_and_its_script_use_is_in_the_catalogue_and_every_one_is_used() -> None:
    template = (STATIC / "index.html.j2").read_text(encoding="utf-8")
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    page_keys = {key.removeprefix("page.") for key in catalogue("en") if key.startswith("page.")}
    used_by_page = set(re.findall(r"""t\(["']page\.(\w+)["']""", template))
    used_by_script = {f"js_{key}" for key in re.findall(r"""words\("(\w+)"\)?""", script)}
    gone_page = {"gone", "gone_title"}  # the deleted report's page, auditor/serve/page.py
    assert used_by_page | used_by_script | gone_page == page_keys
    for lang in report_languages():
        assert {key for key in catalogue(lang) if key.startswith("page.")} == {f"page.{k}" for k in page_keys}


def test_a_report_deleted_after_every_download_is_a_page_in_the_person_s_language(serve) -> None:
    with serve() as app:
        job_id = app.wait(app.upload([fixture_bytes(LEAD)]).json()["id"])["id"]
        for kind in OUTPUTS:
            assert app.client.get(f"/jobs/{job_id}/download/{kind}").status_code == 200
        frame = app.client.get(
            f"/jobs/{job_id}/report?lang=pl",
            headers={"sec-fetch-dest": "iframe", "accept": "text/html,*/*;q=0.8"},
        )
        assert frame.status_code == 410
        assert frame.headers["content-type"].startswith("text/html")
        t = Translator("pl")
        assert '<html lang="pl" dir="ltr">' in frame.text
        assert t("page.gone_title") in frame.text and t("page.gone") in frame.text
        policy = frame.headers["content-security-policy"]
        assert "script-src" not in policy and "default-src 'none'" in policy and policy.endswith("sandbox")
        # The page's script asks in JSON, and is answered in JSON.
        script = app.client.get(f"/jobs/{job_id}/report")
        assert script.status_code == 410 and "error" in script.json()


def _upload_with_baseline(app, baseline: tuple[str, bytes]):
    parts = [("files", (*fixture_bytes(LEAD), "text/csv")), ("baseline", (*baseline, "application/json"))]
    return app.client.post("/jobs", data={"csrf_token": app.token, "as_of": AS_OF.isoformat()}, files=parts)


def test_a_previous_audit_s_findings_are_compared_with(serve) -> None:
    with serve() as app:
        first = app.wait(app.upload([fixture_bytes(LEAD)], as_of=AS_OF.isoformat()).json()["id"])
        earlier = app.client.get(f"/jobs/{first['id']}/download/json").content
        response = _upload_with_baseline(app, ("findings-november.json", earlier))
        assert response.status_code == 202, response.text
        status = app.wait(response.json()["id"])
        assert status["state"] == "done", status
        data = app.client.get(f"/jobs/{status['id']}/download/json").json()
    baseline = data["baseline"]
    # The same export audited again: every finding is still open, none new, none fixed.
    assert baseline["file"] == "findings-november.json", "named as uploaded, not by the server's path"
    assert (baseline["new"], baseline["fixed"]) == (0, 0)
    assert baseline["still_open"] == len(data["findings"]) > 0


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (
            b"{not json",
            "The previous findings file old.json cannot be used: is not JSON. Give the findings JSON an "
            "earlier crm-audit audit wrote",
        ),
        (
            b'{"summary": {}}',
            "The previous findings file old.json cannot be used: is not a crm-audit findings JSON (no list "
            "of findings).",
        ),
    ],
)
def test_a_wrong_previous_findings_file_is_refused_before_the_audit(serve, content, says) -> None:
    with serve() as app:
        response = _upload_with_baseline(app, ("old.json", content))
        assert response.status_code == 400
        assert response.json()["error"].startswith(says), response.json()
        assert app.job_folders() == []


def _contrast(one: str, two: str) -> float:
    """WCAG's contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_edges_that_show_a_control_and_its_focus_stand_out_3_to_1() -> None:
    """WCAG 1.4.11, which axe does not check: fields' borders, the drop zone's edge and focus ring."""
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([\w-]+): (#[0-9a-f]{6});", css))
    white = "#ffffff"
    assert re.search(r"input\[type=\"text\"\][^{]*\{[^}]*border: 1px solid var\(--edge\)", css)
    assert _contrast(colours["edge"], white) >= 3
    assert re.search(r"\.drop \{[^}]*border: 2px dashed var\(--drop-edge\)", css)
    assert _contrast(colours["drop-edge"], colours["accent-soft"]) >= 3
    assert _contrast(colours["drop-edge"], white) >= 3  # the card around it
    ring = re.search(r"\.drop:focus-within \{ outline: 3px solid var\(--([\w-]+)\)", css)
    assert ring, "the drop zone shows focus with a ring of a named colour"
    # The ring sits 2 px outside the zone, on the white card.
    assert _contrast(colours[ring.group(1)], white) >= 3


def _upload_samples(app, extra: list[tuple[str, tuple[str, bytes, str]]] = ()):
    from auditor.demo import sample_paths

    with sample_paths() as paths:
        parts = [("files", (path.name, path.read_bytes(), "application/octet-stream")) for path in paths]
    return app.client.post(
        "/jobs", data={"csrf_token": app.token, "as_of": AS_OF.isoformat()}, files=[*parts, *extra]
    )


def test_a_decisions_file_rules_a_group_apart(serve) -> None:
    with serve() as app:
        first = app.wait(_upload_samples(app).json()["id"])
        findings = app.client.get(f"/jobs/{first['id']}/download/json").json()["findings"]
        group = next(f for f in findings if f["kind"] == "duplicate" and len(f["records"]) == 2)
        (a, b) = [(Path(ref["file"]).name, ref["id"] or f"row:{ref['row']}") for ref in group["records"]]
        decisions = f"file_a,id_a,file_b,id_b,decision\n{a[0]},{a[1]},{b[0]},{b[1]},not_same_person\n"
        response = _upload_samples(app, [("decisions", ("my-rulings.csv", decisions.encode(), "text/csv"))])
        assert response.status_code == 202, response.text
        status = app.wait(response.json()["id"])
        assert status["state"] == "done", status
        data = app.client.get(f"/jobs/{status['id']}/download/json").json()
    assert data["decisions"]["file"] == "my-rulings.csv", "named as uploaded, not by the server's path"
    assert data["decisions"]["applied"] == 1
    pair = {a, b}
    for finding in data["findings"]:
        named = {(Path(ref["file"]).name, ref["id"] or f"row:{ref['row']}") for ref in finding["records"]}
        assert not (finding["kind"] == "duplicate" and pair <= named)


def test_a_wrong_decisions_file_is_refused_before_the_audit(serve) -> None:
    with serve() as app:
        bad = ("rulings.csv", b"who,what\nx,y\n", "text/csv")
        response = app.client.post(
            "/jobs",
            data={"csrf_token": app.token},
            files=[("files", (*fixture_bytes(LEAD), "text/csv")), ("decisions", bad)],
        )
        assert response.status_code == 400
        assert response.json()["error"].startswith("The decisions file rulings.csv cannot be used: "), (
            response.json()
        )
        assert app.job_folders() == []
