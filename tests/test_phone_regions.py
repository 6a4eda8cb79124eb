"""Phones of records without a country: read by the default country, the file's or the audit's
dominant country, or the file's language, and said in the input's notes; values that cannot be a
phone are invalid whatever the country."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from auditor.api import read_inputs
from auditor.cli import main
from auditor.config import Config
from tests.conftest import AS_OF, findings_of

HEADER = ["First Name", "Last Name", "Email", "Phone", "Mobile", "Country"]


def person(number: int, phone: str, country: str = "", mobile: str = "") -> list[str]:
    return [f"Anna{number}", f"Nowak{number}", f"anna{number}@acme.example", phone, mobile, country]


def polish(count: int, country: str = "Poland") -> list[list[str]]:
    """People with a country and a valid Polish number each."""
    return [person(index, f"+48 12 345 67 {index:02d}", country) for index in range(count)]


def read(paths: list[Path], **settings: object) -> tuple[list[dict[str, str]], dict[str, list[str]]]:
    """(phone, phone_status, mobile, mobile_status) of every record; each input's notes by file name."""
    frames, inputs, *_ = read_inputs(paths, Config(as_of=AS_OF, **settings))  # type: ignore[arg-type]
    columns = ["phone", "phone_status", "mobile", "mobile_status"]
    records = [row for frame in frames for row in frame[columns].to_dict("records")]
    return records, {Path(report.file).name: report.notes for report in inputs}


def test_a_record_s_own_country_needs_no_note(write_csv: Callable[..., Path]) -> None:
    path = write_csv("leads.csv", [HEADER, person(1, "12 345 67 89", "Poland")])
    records, notes = read([path])
    assert records[0]["phone"] == "+48123456789"
    assert notes == {"leads.csv": []}


def test_the_default_country_reads_national_numbers_and_is_said(write_csv: Callable[..., Path]) -> None:
    path = write_csv(
        "leads.csv",
        [
            HEADER,
            person(1, "01 23 45 67 89", mobile="06 12 34 56 78"),
            person(2, "12 345 67 89", "Poland"),
            person(3, "+48 12 345 67 80"),  # international: needs no country
            person(4, "jan@acme.example"),  # no phone at all: nothing was read by the default
        ],
    )
    records, notes = read([path], default_country="FR")
    assert [(r["phone"], r["phone_status"]) for r in records] == [
        ("+33123456789", "valid"),
        ("+48123456789", "valid"),
        ("+48123456780", "valid"),
        ("jan@acme.example", "invalid"),
    ]
    assert records[0]["mobile"] == "+33612345678"
    assert notes["leads.csv"] == ["2 phones without a country read as FR: the default country"]


def test_the_file_s_dominant_country(write_csv: Callable[..., Path]) -> None:
    rows = [
        *polish(3),
        person(9, "+49 30 1234567", "Germany"),
        person(10, "12 345 67 89", mobile="512 345 678"),
    ]
    path = write_csv("leads.csv", [HEADER, *rows])
    records, notes = read([path])
    assert (records[-1]["phone"], records[-1]["phone_status"]) == ("+48123456789", "valid")
    assert (records[-1]["mobile"], records[-1]["mobile_status"]) == ("+48512345678", "valid")
    assert notes["leads.csv"] == [
        "2 phones without a country read as PL: the file's dominant country (75 % of records with a country)"
    ]


def test_a_number_invalid_in_a_guessed_country_stays_unchecked(write_csv: Callable[..., Path]) -> None:
    """A guessed country may be the wrong one ("0612345678" of a French contact in a Polish file):
    a number that is not valid there is left unchecked and counted as such, never flagged."""
    path = write_csv("leads.csv", [HEADER, *polish(4), person(9, "12 345")])
    records, notes = read([path])
    assert (records[-1]["phone"], records[-1]["phone_status"]) == ("12 345", "unchecked")
    assert notes["leads.csv"] == [
        "1 phone without a country read as PL: the file's dominant country (100 % of records with a "
        "country); 1 not valid there left unchecked (they may be another country's)"
    ]


def test_a_number_invalid_in_the_given_default_country_is_invalid(write_csv: Callable[..., Path]) -> None:
    path = write_csv("leads.csv", [HEADER, person(9, "12 345")])
    records, _ = read([path], default_country="PL")
    assert records[-1]["phone_status"] == "invalid"


def test_the_dominant_country_of_the_whole_audit(write_csv: Callable[..., Path]) -> None:
    """Half Polish, half German: the file has no dominant country; over both files France has 10 of 14."""
    mixed = write_csv(
        "mixed.csv",
        [
            HEADER,
            *polish(2),
            *[person(5 + i, f"+49 30 123456{i}", "Germany") for i in range(2)],
            person(9, "01 23 45 67 89"),
        ],
    )
    french = write_csv(
        "french.csv", [HEADER, *[person(20 + i, f"+33 1 23 45 67 {i:02d}", "France") for i in range(10)]]
    )
    records, notes = read([mixed, french])
    assert (records[4]["phone"], records[4]["phone_status"]) == ("+33123456789", "valid")
    assert notes["mixed.csv"] == [
        "1 phone without a country read as FR: the dominant country of all files audited "
        "(71 % of records with a country)"
    ]
    assert notes["french.csv"] == []


def test_the_file_s_language_names_one_country(write_csv: Callable[..., Path]) -> None:
    path = write_csv(
        "kontakty.csv",
        [
            ["Imię", "Nazwisko", "E-mail", "Telefon", "Kraj"],
            ["Jan", "Kowalski", "jan@firma.example", "12 345 67 89", ""],
        ],
    )
    records, notes = read([path])
    assert (records[0]["phone"], records[0]["phone_status"]) == ("+48123456789", "valid")
    assert notes["kontakty.csv"] == ["1 phone without a country read as PL: the file's language (pl)"]


def test_nothing_to_go_by_leaves_national_numbers_unchecked(write_csv: Callable[..., Path]) -> None:
    """English names no country; one record with a country is too few to call a country dominant."""
    path = write_csv("leads.csv", [HEADER, *polish(1), person(9, "01 23 45 67 89")])
    records, notes = read([path])
    assert (records[-1]["phone"], records[-1]["phone_status"]) == ("01 23 45 67 89", "unchecked")
    assert notes["leads.csv"] == []


def test_the_default_wins_over_the_dominant_country(write_csv: Callable[..., Path]) -> None:
    path = write_csv("leads.csv", [HEADER, *polish(4), person(9, "01 23 45 67 89")])
    records, notes = read([path], default_country="FR")
    assert records[-1]["phone"] == "+33123456789"
    assert notes["leads.csv"] == ["1 phone without a country read as FR: the default country"]


def test_an_unknown_default_country_reads_nothing(write_csv: Callable[..., Path]) -> None:
    """A code no phone plan knows (a typo in a config file) must not turn every number invalid."""
    path = write_csv("leads.csv", [HEADER, person(1, "01 23 45 67 89")])
    records, notes = read([path], default_country="ZZ")
    assert (records[0]["phone"], records[0]["phone_status"]) == ("01 23 45 67 89", "unchecked")
    assert notes["leads.csv"] == []


def test_an_email_in_a_phone_field_is_invalid_and_no_way_to_reach(
    write_csv: Callable[..., Path], run_audit
) -> None:
    path = write_csv("leads.csv", [HEADER, ["Ola", "Lis", "", "ola@acme.example", "", ""], person(2, "")])
    result = run_audit([path])
    assert result.records["phone_status"].tolist() == ["invalid", ""]
    assert [finding.records[0].row for finding in findings_of(result, "DQ002")] == [2]
    assert [finding.records[0].row for finding in findings_of(result, "DQ003")] == [2]


def test_default_country_on_the_command_line(write_csv: Callable[..., Path], tmp_path: Path) -> None:
    path = write_csv("leads.csv", [HEADER, person(1, "01 23 45 67 89")])
    out = tmp_path / "findings.json"
    result = CliRunner().invoke(
        main,
        ["audit", str(path), "--default-country", "fr", "--json", str(out), "--quiet", "--fail-on", "never"],
    )
    assert result.exit_code == 0, result.output
    [entry] = json.loads(out.read_text(encoding="utf-8"))["inputs"]
    assert entry["notes"] == ["1 phone without a country read as FR: the default country"]


def test_an_unknown_default_country_is_one_line(write_csv: Callable[..., Path]) -> None:
    path = write_csv("leads.csv", [HEADER, person(1, "01 23 45 67 89")])
    result = CliRunner().invoke(main, ["audit", str(path), "--default-country", "France"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "crm-audit: --default-country 'France' is not a country code. Use an ISO 3166 code such as FR, PL or US"
    ]
