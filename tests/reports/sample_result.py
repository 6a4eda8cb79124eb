"""A small, fixed AuditResult built by hand: the reports' tests render it.

Built without the pipeline on purpose: the golden files then test the renderers alone, and stay put
while rules, vocabularies and matching evolve. It holds one finding of every layout the report has
(row findings, a duplicate cluster with pair evidence, a lead that is a contact, an unmapped label, a
kind the catalogue does not know yet, a finding naming a record missing from the table) and a
skipped file. `hostile=True` swaps in values that attack HTML and spreadsheets.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from auditor.api import AuditResult, InputReport
from auditor.checking.coverage import Coverage
from auditor.config import Config
from auditor.findings import (
    ClusterEvidence,
    FieldComparison,
    FieldEvidence,
    Finding,
    Keep,
    LabelEvidence,
    PairEvidence,
    RecordRef,
    sort_findings,
)
from auditor.model import ALL_FIELDS

AS_OF = dt.date(2026, 11, 1)

# Values that must come out inert: markup, script, event handlers, javascript: links, formulas,
# characters that are illegal in XML (XLSX) and line separators that break inline JavaScript.
HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img": '"><img src=x onerror=alert(1)>',
    "svg": "<svg onload=alert(1)>",
    "link": "javascript:alert(1)",
    "formula": '=HYPERLINK("http://evil.example","click")',
    "plus_formula": "+cmd|' /C calc'!A0",
    "at_formula": "@SUM(1+1)*cmd|' /C calc'!A0",
    "minus_formula": "-2+3+cmd|' /C calc'!A0",
    "control": "Bell\x07 and \x1b escape",
    "separator": "line\u2028separator\u2029paragraph",
    "entity": "&lt;b&gt;already escaped&lt;/b&gt; & co",
}


def _records(rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns: dict[str, pd.Series] = {}
    for name in ALL_FIELDS:
        if name == "source_row":
            columns[name] = pd.Series([row[name] for row in rows], dtype=np.int64)
        elif name.endswith("_date"):
            columns[name] = pd.to_datetime(pd.Series([row.get(name) for row in rows], dtype=object))
        else:
            columns[name] = pd.Series([row.get(name, "") for row in rows], dtype="str")
    return pd.DataFrame(columns)


def _person(file: str, row: int, record_id: str, **fields: Any) -> dict[str, Any]:
    base = {
        "source_file": file,
        "source_sheet": "",
        "source_row": row,
        "source_id": record_id,
        "platform": "salesforce",
        "object": "lead",
        "record_type": "lead",
        "suggested_type": "lead",
    }
    base.update(fields)
    if "phone" in fields and "phone_raw" not in fields:
        base["phone_raw"] = fields["phone"]
    return base


def sample_result(*, lang: str = "en", hostile: bool = False) -> AuditResult:
    h = HOSTILE if hostile else None
    lead_file = "exports/Lead.csv"
    contact_file = "exports/Contact.csv"
    sheet_file = h["script"] + ".xlsx" if h else "team-sheet.xlsx"
    sheet = h["img"] if h else "Contacts"
    rows = [
        _person(
            lead_file, 2, "00Q5g00000AbCdEAA1",
            first_name=h["script"] if h else "Anna", last_name="Nowak",
            email="anna.nowak@acme.pl", phone="+48 12 345 67 89", company=h["img"] if h else "ACME Sp. z o.o.",
            website=h["link"] if h else "www.acme.pl", city="Kraków", country="Poland", owner="Jan Owner",
            temperature="hot", created_date="2026-03-02", last_activity_date="2026-09-30",
        ),
        _person(
            lead_file, 3, "00Q5g00000AbCdEAA2",
            first_name="Ania", last_name="Nowak", email=h["formula"] if h else "ANNA.NOWAK@acme.pl",
            phone="12 345 67 89", company="ACME", city="Krakow", country="PL", owner="Eva Owner",
            temperature="warm", created_date="2025-01-15",
        ),
        _person(
            contact_file, 2, "0035g00000Cont01AAA", object="contact", record_type="contact",
            suggested_type="customer", suggested_reason="account typed Customer",
            first_name="José", last_name="García", email="jose.garcia@tecnologias-ibericas.es",
            phone="+34 912 345 678", company="Tecnologías Ibéricas S.L.", country="Spain",
        ),
        _person(
            lead_file, 4, "00Q5g00000AbCdEAA3", suggested_type="customer",
            first_name="José", last_name="Garcia", email="jose.garcia@tecnologias-ibericas.es",
            phone="+34 912 345 678", company=h["plus_formula"] if h else "Tecnologías Ibéricas", country="Spain",
            temperature="warm",
        ),
        _person(
            lead_file, 5, "00Q5g00000AbCdEAA4", first_name="Robert", last_name="Smith",
            email=h["at_formula"] if h else "bob.smith@globex", phone="(415) 555-0134",
            company=h["entity"] if h else "Globex Inc.",
            temperature="cold",
        ),
        _person(
            "hubspot/contacts_fr.csv", 5, "5104", platform="hubspot", object="contact",
            first_name="Test", last_name=h["minus_formula"] if h else "Test", email="test@test.com",
        ),
        _person(
            "pipedrive/people.csv", 2, "101", platform="pipedrive", object="person", suggested_type="customer",
            full_name="Sofia Rossi", first_name="Sofia", last_name="Rossi", email="sofia@rossidesign.it",
            company=h["control"] if h else "Rossi Design S.r.l.", temperature="hot",
        ),
        _person(
            sheet_file, 2, "", source_sheet=sheet, platform="generic", object="mixed", record_type="unknown",
            suggested_type="unknown", full_name=h["separator"] if h else "Layla Haddad",
            email="layla@haddad-trading.ae", company=h["entity"] if h else "Haddad Trading LLC",
        ),
        _person(
            "exports/Account.csv", 2, "0015g00000Acct01AAA", object="account", record_type="customer",
            suggested_type="customer", company="Tecnologías Ibéricas S.L.",
        ),
        _person(
            lead_file, 6, "00Q5g00000AbCdEAA5", suggested_type="employee", first_name="Budi",
            last_name="Santoso", email="budi@ourcompany.example", phone="021 5550 1234", company="Our Company",
            last_activity_date="2024-06-01",
        ),
    ]  # fmt: skip
    records = _records(rows)

    def ref(position: int) -> RecordRef:
        row = rows[position]
        return RecordRef(
            row["source_file"], row["source_row"], row["source_id"] or None, row["source_sheet"] or None
        )

    findings = [
        Finding(
            "DU001", "duplicate", "warning",
            "Anna Nowak (Lead.csv row 2) and Ania Nowak (Lead.csv row 3) are the same person.",
            [ref(0), ref(1)],
            ClusterEvidence(
                score=0.986, matched_on=["email", "last_name", "phone"], cluster="C1",
                pairs=[PairEvidence(0, 1, 0.986, [
                    FieldComparison("email", [rows[0]["email"], rows[1]["email"]], "email", "exact after folding", 9.4),
                    FieldComparison("first_name", [rows[0]["first_name"], "Ania"], "given name", "nickname", 3.1),
                    FieldComparison("phone", ["+48123456789", "+48123456789"], "phone", "same E.164", 7.2),
                    FieldComparison("city", ["Kraków", "Krakow"], "city", "same after folding", 0.8),
                    FieldComparison("owner", ["Jan Owner", "Eva Owner"], "owner", "different", -0.6),
                ])],
                keep=Keep(0, "most complete, most recent activity"),
                confidence="sure",
                risks=["different owners: Jan Owner, Eva Owner"],
            ),
        ),
        Finding(
            "DU002", "lead_is_contact", "error",
            "Open lead José Garcia is the same person as contact José García (a customer).",
            [ref(3), ref(2)],
            ClusterEvidence(
                score=0.97, matched_on=["email", "phone"], cluster="",
                pairs=[PairEvidence(0, 1, 0.97, [
                    FieldComparison("email", [rows[3]["email"], rows[2]["email"]], "email", "exact", 9.4),
                    FieldComparison("last_name", ["Garcia", "García"], "family name", "same after folding", 4.0),
                ])],
                keep=Keep(1, "the contact over the lead"),
                confidence="sure",
                risks=[],
            ),
        ),
        Finding(
            "DQ001", "invalid_email", "warning", f"Email {rows[4]['email']!r} is not a valid address.", [ref(4)],
            FieldEvidence.of("email", rows[4]["email"], check="email syntax"),
        ),
        Finding(
            "DQ004", "placeholder", "warning", "Record Test Test holds test or filler values.", [ref(5)],
            FieldEvidence(["first_name", "last_name", "email"], ["Test", rows[5]["last_name"], "test@test.com"], {"check": "listed in rules/placeholders.toml"}),
        ),
        Finding(
            "CL001", "customer_as_lead", "warning",
            "Sofia Rossi is labelled a lead, but the evidence says customer: 2 won deal(s).", [ref(6)],
            FieldEvidence.of("won_deals", "2", check="won deals > 0", reason=h["script"] if h else "2 won deal(s)"),
        ),
        Finding(
            "CL003", "employee_as_lead", "warning", "Budi Santoso is a lead on an internal domain.", [ref(9)],
            FieldEvidence.of("email", "budi@ourcompany.example", check="email domain is internal"),
        ),
        Finding(
            "CL006", "stale_lead", "info", "Open lead Budi Santoso has had no activity for 883 days.", [ref(9)],
            FieldEvidence.of("last_activity_at", "2024-06-01", days=883, threshold=365, as_of="2026-11-01"),
        ),
        Finding(
            "TM001", "unmapped_label", "warning",
            "Type value 'Kunde VIP' on 1 record(s) cannot be placed.", [ref(7)],
            LabelEvidence("type_label", h["svg"] if h else "Type", h["script"] if h else "Kunde VIP", 1, [h["img"]] if h else ["Kunde", "VIP customer"]),
        ),
        Finding(
            "ZZ900", "brand_new_kind", "info", "A kind added after the catalogue was written.", [ref(8)],
            {"nested": {"a": 1, "b": [1, 2]}, "flag": True, "ratio": 0.25, "missing": None},
        ),
        Finding(
            "DQ003", "unreachable", "warning", "A record that is not in the records table.",
            [RecordRef("exports/Lead.csv", 99, None)], FieldEvidence(["email", "phone"], ["", ""]),
        ),
    ]  # fmt: skip
    inputs = [
        InputReport(
            file=lead_file, platform="salesforce", object="lead", rows=5, encoding="utf-8", delimiter=",",
            columns={"Id": "source_id", "FirstName": "first_name", "LastName": "last_name", "Email": "email"},
            unmapped_columns=["IsDeleted", h["svg"]] if h else ["IsDeleted"], confidence=1.0, language="en",
            format="csv", notes=[h["script"]] if h else [],
        ),
        InputReport(
            file=contact_file, platform="salesforce", object="contact", rows=1, encoding="utf-8", delimiter=",",
            columns={"Id": "source_id", "Email": "email"}, confidence=0.87, format="csv",
        ),
        InputReport(
            file="exports/Account.csv", platform="salesforce", object="account", rows=1, encoding="utf-8",
            delimiter=",", columns={"Id": "source_id", "Name": "company"}, confidence=1.0, format="csv",
        ),
        InputReport(
            file="hubspot/contacts_fr.csv", platform="hubspot", object="contact", rows=1, encoding="utf-8-sig",
            delimiter=";", columns={"Prénom": "first_name", "Nom": "last_name"}, confidence=1.0, language="fr",
            format="csv", ragged_rows=[{"row": 7, "expected": 13, "found": 12}],
        ),
        InputReport(
            file="pipedrive/people.csv", platform="pipedrive", object="person", rows=1, encoding="utf-8",
            delimiter=",", columns={"Person - Name": "full_name"}, confidence=1.0, format="csv",
        ),
        InputReport(
            file=sheet_file, platform="generic", object="mixed", rows=1, sheet=sheet,
            columns={h["svg"] if h else "Type": "type_label"}, confidence=0.6, format="xlsx",
            duplicate_headers=["Email"],
        ),
        InputReport(
            file="exports/Opportunity.csv", platform="salesforce", object="deal", rows=12, encoding="utf-8",
            delimiter=",", columns={"Id": "source_id", "StageName": "stage_label"}, confidence=1.0, format="csv",
            role="evidence", reason="deals, opportunities and potentials hold no people; won ones are read as customer evidence",
        ),
        InputReport(
            file="exports/Task.csv", platform="salesforce", object="activity", rows=40, encoding="utf-8",
            delimiter=",", confidence=1.0, format="csv", role="not audited",
            reason=h["script"] if h else "activities (tasks, calls, events, meetings, notes, emails) hold no people of their own",
        ),
        InputReport(file="broken.csv", error=h["img"] if h else "not a CSV or Excel file (looks like a PDF)"),
    ]  # fmt: skip
    coverage = [
        Coverage("CL006", "stale_lead", lead_file, None, checked=2, not_checked=3, reasons=[
            {"reason": "its dates could not be read as dates", "records": 2, "example": h["svg"] if h else "15 Apr, 2021 00:03:00"},
            {"reason": "no last-activity, last-modified or created date", "records": 1, "example": None},
        ]),
        Coverage("DQ002", "invalid_phone", contact_file, None, checked=9, not_checked=1, reasons=[
            {"reason": "a national number with no country to read it by", "records": 1, "example": "(850) 644-4200"},
        ]),
        Coverage("DQ001", "invalid_email", lead_file, None, checked=5, not_checked=0),
    ]  # fmt: skip
    config = Config(as_of=AS_OF, lang=lang, internal_domains=("ourcompany.example",))
    return AuditResult(
        config=config, records=records, findings=sort_findings(findings), inputs=inputs, coverage=coverage
    )


_KIND_MIX = (
    # (kind, rule, severity, share of findings)
    ("invalid_phone", "DQ002", "warning", 0.28),
    ("stale_lead", "CL006", "info", 0.2),
    ("invalid_email", "DQ001", "warning", 0.1),
    ("invalid_email", "DQ011", "info", 0.05),
    ("duplicate", "DU001", "warning", 0.1),
    ("lead_is_contact", "DU002", "error", 0.05),
    ("customer_as_lead", "CL001", "warning", 0.1),
    ("placeholder", "DQ004", "warning", 0.06),
    ("unreachable", "DQ003", "error", 0.06),
)
_FIRST = ("Anna", "Jan", "Marie", "Luis", "Sofia", "Omar", "Budi", "Chloé", "Piotr", "Layla", "José", "Emma")
_LAST = ("Nowak", "Martin", "García", "Rossi", "Haddad", "Santoso", "Dubois", "Kowalski", "Smith", "Lefebvre")
_FILES = ("exports/Lead.csv", "exports/Contact.csv", "hubspot/contacts.csv", "exports/Account.csv")


def scaled_result(records: int, findings: int, *, seed: int = 7, lang: str = "en") -> AuditResult:
    """A synthetic audit of any size, for the browser test and the report benchmark: records spread
    over four files, findings of several kinds, rules and severities, duplicate pairs with evidence,
    and one unmapped label naming a tenth of the records."""
    rng = np.random.default_rng(seed)
    file_of = np.sort(rng.choice(len(_FILES), size=records, p=(0.45, 0.3, 0.2, 0.05)))
    row = np.zeros(records, dtype=np.int64)
    for number in range(len(_FILES)):
        where = file_of == number
        row[where] = np.arange(2, 2 + where.sum())
    first = np.asarray(_FIRST, dtype=object)[rng.integers(0, len(_FIRST), records)]
    last = np.asarray(_LAST, dtype=object)[rng.integers(0, len(_LAST), records)]
    ids = pd.Series(np.arange(records)).map("{:09d}".format)
    email = pd.Series(first).str.lower() + "." + pd.Series(last).str.lower() + ids + "@example.com"
    objects = np.asarray(("lead", "contact", "contact", "account"), dtype=object)[file_of]
    types = np.where(objects == "account", "customer", np.where(objects == "lead", "lead", "contact"))
    suggested = types.copy()
    suggested[(objects == "lead") & (rng.random(records) < 0.08)] = "customer"
    frame = {
        "source_file": np.asarray(_FILES, dtype=object)[file_of],
        "source_row": row,
        "source_id": ("00Q" + ids).to_numpy(),
        "platform": np.where(file_of == 2, "hubspot", "salesforce"),
        "object": objects,
        "first_name": first,
        "last_name": last,
        "email": email.to_numpy(),
        "phone": ("+48 12 " + ids.str[-7:]).to_numpy(),
        "company": ("Company " + ids.str[-4:]).to_numpy(),
        "record_type": types,
        "suggested_type": suggested,
        "temperature": np.asarray(("", "cold", "warm", "hot"), dtype=object)[rng.integers(0, 4, records)],
        # Sixty CRM users, a few owning most records (as in a real org), and some records nobody owns.
        "owner": np.where(
            rng.random(records) < 0.04,
            "",
            np.asarray([f"005U{number:011d}AAA" for number in range(60)], dtype=object)[
                np.minimum(rng.zipf(1.6, records) - 1, 59)
            ],
        ),
    }
    table = {name: pd.Series(values) for name, values in frame.items()}
    table["phone_raw"] = table["phone"]
    for name in ALL_FIELDS:
        if name not in table:
            table[name] = (
                pd.Series(pd.NaT, index=range(records), dtype="datetime64[ns]")
                if name.endswith("_date")
                else pd.Series("", index=range(records))
            )
    frame_records = pd.DataFrame({name: table[name] for name in ALL_FIELDS})
    for name in ALL_FIELDS:
        if name != "source_row" and not name.endswith("_date"):
            frame_records[name] = frame_records[name].astype("str")

    files, source_ids = frame_records["source_file"].to_numpy(), frame_records["source_id"].to_numpy()

    def ref(position: int) -> RecordRef:
        return RecordRef(str(files[position]), int(row[position]), str(source_ids[position]))

    people = np.flatnonzero(objects != "account")
    made: list[Finding] = []
    for kind, rule, severity, share in _KIND_MIX:
        count = int(findings * share)
        picks = rng.choice(people, size=count)
        for position in picks.tolist():
            if kind in ("duplicate", "lead_is_contact"):
                other = int(people[(np.searchsorted(people, position) + 1) % len(people)])
                evidence = ClusterEvidence(
                    score=0.97, matched_on=["email", "last_name"], cluster="",
                    pairs=[PairEvidence(0, 1, 0.97, [
                        FieldComparison("email", [email[position], email[other]], "email", "exact", 9.1),
                        FieldComparison("last_name", [last[position], last[other]], "family name", "exact", 4.2),
                    ])],
                    keep=Keep(0, "most complete"), confidence="sure", risks=[],
                )  # fmt: skip
                made.append(
                    Finding(
                        rule,
                        kind,
                        severity,
                        f"{first[position]} {last[position]} is there twice.",
                        [ref(position), ref(other)],
                        evidence,
                    )
                )
            else:
                made.append(
                    Finding(rule, kind, severity, f"{kind.replace('_', ' ')} on {first[position]} {last[position]}.", [ref(position)],
                            FieldEvidence.of("email", email[position], check=rule))
                )  # fmt: skip
    labelled = rng.choice(people, size=max(1, records // 10), replace=False)
    made.append(
        Finding("TM001", "unmapped_label", "warning", "Type value 'Kunde VIP' cannot be placed.",
                [ref(position) for position in np.sort(labelled).tolist()],
                LabelEvidence("type_label", "Type", "Kunde VIP", len(labelled), ["Kunde"]))
    )  # fmt: skip
    inputs = [
        InputReport(file=file, platform="hubspot" if "hubspot" in file else "salesforce",
                    object=("lead", "contact", "contact", "account")[number], rows=int((file_of == number).sum()),
                    encoding="utf-8", delimiter=",", columns={"Email": "email", "OwnerId": "owner"}, confidence=1.0, format="csv")
        for number, file in enumerate(_FILES)
    ]  # fmt: skip
    config = Config(as_of=AS_OF, lang=lang)
    return AuditResult(config=config, records=frame_records, findings=sort_findings(made), inputs=inputs)
