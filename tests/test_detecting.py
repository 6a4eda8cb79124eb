"""Platform, object and column detection on realistic exports of every platform and language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

import auditor
import auditor.api
from auditor.config import Config
from tests.conftest import FIXTURES, csv_bytes


def inspect_one(path: Path, **settings: object) -> auditor.InputReport:
    (report,) = auditor.api.inspect([path], Config(**settings))  # type: ignore[arg-type]
    assert report.error is None, report.error
    return report


@pytest.mark.parametrize(
    ("fixture", "platform", "obj", "language", "expected_columns"),
    [
        (
            "salesforce/Lead.csv",
            "salesforce",
            "lead",
            None,
            {
                "Id": "source_id",
                "IsConverted": "is_converted",
                "ConvertedContactId": "converted_contact_id",
                "LastActivityDate": "last_activity_at",
                "Status": "status_label",
                "Rating": "rating_label",
            },
        ),
        (
            "salesforce/Contact.csv",
            "salesforce",
            "contact",
            None,
            {"AccountId": "account_id", "MailingCountry": "country"},
        ),
        ("salesforce/Account.csv", "salesforce", "account", None, {"Name": "company", "Type": "type_label"}),
        (
            "hubspot/contacts_fr.csv",
            "hubspot",
            "contact",
            "fr",
            {
                "Prénom": "first_name",
                "Nom": "last_name",
                "Phase du cycle de vie": "stage_label",
                "Statut du lead": "status_label",
                "Date de conversion en client": "became_customer_at",
            },
        ),
        (
            "hubspot/companies.csv",
            "hubspot",
            "account",
            "en",
            {"Company name": "company", "Type": "type_label"},
        ),
        (
            "pipedrive/people.csv",
            "pipedrive",
            "person",
            "en",
            {
                "Person - Email - Work": "email",
                "Person - Email - Home": "email_alt",
                "Person - Label": "person_label",
                "Person - Won deals": "won_deals",
            },
        ),
        (
            "zoho/Posibles_clientes.csv",
            "zoho",
            "lead",
            "es",
            {
                "Estado de Posible cliente": "status_label",
                "Correo electrónico": "email",
                "Apellidos": "last_name",
            },
        ),
        ("odoo/crm_lead_pt.csv", "odoo", "lead", "pt", {"Tipo": "type_label", "E-mail": "email"}),
        (
            "generic/kontakty_pl.csv",
            "generic",
            "mixed",
            "pl",
            {
                "Imię": "first_name",
                "Nazwisko": "last_name",
                "Typ": "type_label",
                "Temperatura": "rating_label",
            },
        ),
        (
            "generic/prospek_id.tsv",
            "generic",
            "mixed",
            "id",
            {"Nama": "full_name", "Surel": "email", "Tipe": "type_label"},
        ),
        (
            "generic/arabic_contacts.txt",
            "generic",
            "mixed",
            "ar",
            {"الاسم": "full_name", "البريد الإلكتروني": "email", "النوع": "type_label"},
        ),
        ("generic/kunden_de.csv", "generic", "mixed", "de", {"Vorname": "first_name", "Typ": "type_label"}),
    ],
)
def test_fixture_exports_are_detected(fixture, platform, obj, language, expected_columns) -> None:
    report = inspect_one(FIXTURES / fixture)
    assert (report.platform, report.object, report.language) == (platform, obj, language)
    assert report.columns.items() >= expected_columns.items()
    assert report.confidence is not None and report.confidence >= 0.5


def test_encodings_and_delimiters_of_fixtures_are_reported() -> None:
    assert inspect_one(FIXTURES / "generic/kontakty_pl.csv").encoding == "cp1250"
    assert inspect_one(FIXTURES / "generic/arabic_contacts.txt").encoding == "utf-16"
    assert inspect_one(FIXTURES / "hubspot/contacts_fr.csv").delimiter == ";"


def dynamics_leads_es(path: Path) -> Path:
    """A Dynamics 365 "Export to Excel" of a lead view in Spanish: hidden id columns first."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Clientes potenciales activos"
    sheet.append(
        [
            "(No modificar) Cliente potencial",
            "(No modificar) Suma de comprobación de fila",
            "(No modificar) Fecha de modificación",
            "Nombre",
            "Apellidos",
            "Nombre de la compañía",
            "Correo electrónico",
            "Teléfono del trabajo",
            "Estado",
            "Razón para el estado",
            "Clasificación",
            "Propietario",
            "Fecha de creación",
        ]
    )
    sheet.append(
        [
            "7d2e1c4a-0000-4b1f-9c3e-000000000001",
            "AAAAAA==",
            dt.datetime(2026, 9, 1, 10, 0),
            "Lucía",
            "Fernández",
            "Distribuciones Andaluzas S.A.",
            "lucia@distrib-andaluzas.es",
            "+34 954 123 456",
            "Abierto",
            "Nuevo",
            "Caliente",
            "Pablo Ruiz",
            dt.datetime(2026, 8, 1, 9, 30),
        ]
    )
    for column in "ABC":
        sheet.column_dimensions[column].hidden = True
    hidden = workbook.create_sheet("hiddenSheet")
    hidden.append(["lead", "es-ES"])
    hidden.sheet_state = "veryHidden"
    workbook.save(path)
    return path


def test_dynamics_export_to_excel_in_spanish(tmp_path: Path) -> None:
    report = inspect_one(dynamics_leads_es(tmp_path / "Clientes potenciales.xlsx"))
    assert (report.platform, report.object, report.language, report.sheet) == (
        "dynamics365",
        "lead",
        "es",
        "Clientes potenciales activos",
    )
    assert report.columns["(No modificar) Cliente potencial"] == "source_id"
    assert report.columns["Razón para el estado"] == "status_label"
    assert report.columns["Estado"] == "state_label"


def test_salesforce_report_export_in_french_with_title_and_footer(tmp_path: Path) -> None:
    path = tmp_path / "Rapport pistes.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Pistes ouvertes par propriétaire"])
    sheet.append(["Filtré par : Statut de la piste égal à Ouvert"])
    sheet.append([])
    sheet.append(
        [
            "ID de la piste",
            "Prénom",
            "Nom",
            "Société",
            "Statut de la piste",
            "Origine de la piste",
            "Propriétaire de la piste",
            "Converti",
        ]
    )
    sheet.append(
        ["00Q5g00000AbCdEAA1", "Anna", "Nowak", "ACME", "Ouvert - Non contacté", "Web", "Julie", "0"]
    )
    sheet.append(["Total général (1 enregistrement)"])
    sheet.append(["Informations confidentielles - Ne pas distribuer"])
    workbook.save(path)
    report = inspect_one(path)
    assert (report.platform, report.object, report.rows) == ("salesforce", "lead", 1)
    assert report.columns["Statut de la piste"] == "status_label"


def test_given_platform_object_and_column_overrides_win(tmp_path: Path, write_csv) -> None:
    path = write_csv("export.csv", [["Contact", "Courriel", "Bizarre"], ["Ann Lee", "a@x.co", "VIP"]])
    report = auditor.api.inspect(
        [path], Config(platform="zoho", object="contact", columns={"export.csv": {"Bizarre": "type_label"}})
    )[0]
    assert (report.platform, report.object, report.confidence) == ("zoho", "contact", 1.0)
    assert report.columns["Bizarre"] == "type_label"


def test_hand_kept_sheet_with_shared_crm_words_stays_generic(write_csv) -> None:
    """ "Lead Status" and "Record ID" are written by several CRMs and by people; they prove nothing."""
    path = write_csv(
        "my leads.csv",
        [
            ["Record ID", "Name", "Email", "Lead Owner", "Lead Status", "Lead Source"],
            ["1", "Ann Lee", "a@x.co", "me", "New", "Web"],
        ],
    )
    report = inspect_one(path)
    assert report.platform == "generic"


def test_object_from_file_name_when_headers_do_not_say(write_csv) -> None:
    path = write_csv("Pistes 2026.csv", [["Nom complet", "Courriel"], ["Ann Lee", "a@x.co"]])
    assert inspect_one(path).object == "lead"


def test_lone_first_name_column_holds_whole_names(write_csv) -> None:
    path = write_csv("clientes.csv", [["Nombre", "Correo electrónico"], ["Juan Pérez", "juan@x.es"]])
    report = inspect_one(path)
    assert report.columns["Nombre"] == "full_name"
    result = auditor.audit([path], Config(as_of=dt.date(2026, 11, 1)))
    assert result.records.loc[0, ["first_name", "last_name"]].tolist() == ["Juan", "Pérez"]


def test_unknown_override_field_is_a_clear_error(write_csv) -> None:
    path = write_csv("x.csv", [["A", "B"], ["1", "2"]])
    with pytest.raises(auditor.ConfigError, match="unknown field 'nonsense'"):
        auditor.api.inspect([path], Config(columns={"*": {"A": "nonsense"}}))


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        (
            ["(No modificar) Cliente potencial", "Tema", "Nombre", "Apellidos", "Correo electrónico"],
            "Nombre",
            "Apellidos",
        ),
        (["Prénom", "Nom", "E-mail", "Statut"], "Prénom", "Nom"),
        (["Vorname", "Name", "E-Mail"], "Vorname", "Name"),
        (["Nama", "Nama Belakang", "Email"], "Nama", "Nama Belakang"),
    ],
)
def test_name_headers_read_beside_each_other(
    tmp_path: Path, header: list[str], first: str, last: str
) -> None:
    """Spanish Dynamics 365 lead view: "Nombre" beside "Apellidos" is the given name (read as the
    whole name, every given name was lost and duplicate recall fell to 0.81)."""
    path = tmp_path / "Clientes potenciales.csv"
    path.write_bytes(csv_bytes([header, ["x"] * len(header)]))
    report = inspect_one(path)
    assert (report.columns[first], report.columns[last]) == ("first_name", "last_name")


def test_a_lone_ambiguous_name_header_is_the_whole_name(tmp_path: Path) -> None:
    path = tmp_path / "contactos.csv"
    path.write_bytes(csv_bytes([["Nombre", "Correo electrónico"], ["Lucía Fernández", "lucia@sol.es"]]))
    assert inspect_one(path).columns["Nombre"] == "full_name"


def test_every_standard_phone_and_email_field_is_read(tmp_path: Path) -> None:
    path = tmp_path / "Contact.csv"
    header = ["Id", "LastName", "Email", "Phone", "MobilePhone", "HomePhone", "OtherPhone", "AssistantPhone",
              "Warehouse_Phone__c", "Phone_Type__c", "Email_Opt_Out_Date__c", "Billing_Email__c"]  # fmt: skip
    row = ["0035g0000Cont201AAA", "Nowak", "a@acme.pl", "1", "2", "3", "4", "5", "+48 22 555 12 34", "Mobile",
           "2026-01-01", "billing@acme.pl"]  # fmt: skip
    path.write_bytes(csv_bytes([header, row]))
    columns = inspect_one(path).columns
    assert [header for header, field in columns.items() if field == "phone_other"] == [
        "HomePhone",
        "OtherPhone",
        "AssistantPhone",
        "Warehouse_Phone__c",
    ]
    assert columns["Billing_Email__c"] == "email_other"
    assert "Phone_Type__c" not in columns and "Email_Opt_Out_Date__c" not in columns
