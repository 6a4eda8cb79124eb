"""The canonical record model: the one table every step of the pipeline reads and writes.

Loaders map each export's headers onto the *input* fields below; the normalising step fills the
*derived* ones (parsed dates, E.164 phones, canonical types). Every text column holds "" rather than
a missing value, so nothing downstream has to guess what NaN meant.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from auditor.catalogue import people_objects, platforms

CANONICAL_TYPES: Final = ("lead", "contact", "customer", "partner", "employee", "unknown")
TEMPERATURES: Final = ("cold", "warm", "hot")
# Where a lead stands in its own life, as its status labels say; a record's active/inactive state
# (Dynamics 365 "Status" of contacts, active flags) is read on the same scale.
LEAD_STATES: Final = (
    "open",
    "working",
    "nurturing",
    "qualified",
    "converted",
    "disqualified",
    "closed",
    "active",
    "inactive",
)
DEAL_STATES: Final = ("won", "lost", "open")


def _input(description: str) -> object:
    return pa.Field(description=description, metadata={"input": True})


def _derived(description: str, **checks: object) -> object:
    return pa.Field(description=description, metadata={"input": False}, **checks)


class Records(pa.DataFrameModel):
    """One row per input record. Input fields are text exactly as exported, trimmed of outer spaces."""

    source_file: Series[str] = _derived("The input file's name, as given")
    source_sheet: Series[str] = _derived("The workbook sheet the record came from (empty for CSV)")
    source_row: Series[int] = _derived("The row a spreadsheet shows for the record (header = row 1)", ge=1)
    platform: Series[str] = _derived("Detected or given platform: a profile of rules/platforms/, or generic")
    object: Series[str] = _derived("Detected or given object: one that holds people")

    source_id: Series[str] = _input("The platform's record id")
    first_name: Series[str] = _input("Given name")
    last_name: Series[str] = _input("Family name")
    full_name: Series[str] = _input("Whole name, when the export has no separate parts")
    email: Series[str] = _input("Main email address")
    email_alt: Series[str] = _input("Second email address (home, personal)")
    phone: Series[str] = _input("Main phone; E.164 after normalising where the number is valid")
    mobile: Series[str] = _input("Mobile phone; E.164 after normalising where valid")
    phone_other: Series[str] = _input(
        "Further phone numbers (home, other, assistant, second business ...), several joined by '; '"
    )
    email_other: Series[str] = _input("Further email addresses, several joined by '; '")
    title: Series[str] = _input("Job title")
    company: Series[str] = _input("Company or account name")
    website: Series[str] = _input("Company website")
    street: Series[str] = _input("Street address")
    city: Series[str] = _input("City")
    state: Series[str] = _input("State, province or region")
    postcode: Series[str] = _input("Postal code")
    country: Series[str] = _input("Country, as written")
    owner: Series[str] = _input("Record owner (a user of the CRM)")
    lead_source: Series[str] = _input("Where the person came from")
    object_label: Series[str] = _input("A column naming the object or module per row")
    stage_label: Series[str] = _input("Lifecycle stage or pipeline stage, as written")
    status_label: Series[str] = _input("Lead status or status reason, as written")
    state_label: Series[str] = _input(
        "Record state (Dynamics 'Status': Open, Qualified, Disqualified), as written"
    )
    type_label: Series[str] = _input("A type/category/relationship column, as written")
    person_label: Series[str] = _input("Labels or tags (Pipedrive 'Label'), as written")
    rating_label: Series[str] = _input("Rating or temperature, as written")
    is_converted: Series[str] = _input("The platform's converted flag, as written")
    converted_contact_id: Series[str] = _input("Id of the contact a lead was converted into")
    converted_account_id: Series[str] = _input("Id of the account a lead was converted into")
    converted_opportunity_id: Series[str] = _input("Id of the opportunity a lead was converted into")
    account_id: Series[str] = _input("Id of the account (company record) the person belongs to")
    account_type: Series[str] = _input("Type of the person's account, when the export carries it")
    won_deals: Series[str] = _input("Number of won deals")
    open_deals: Series[str] = _input("Number of open deals")
    lost_deals: Series[str] = _input("Number of lost deals")
    created_at: Series[str] = _input("Creation date, as written")
    last_modified_at: Series[str] = _input("Last modification date, as written")
    last_activity_at: Series[str] = _input("Last activity date, as written")
    became_customer_at: Series[str] = _input("Date the person became a customer, as written")
    converted_at: Series[str] = _input("Conversion date, as written")
    birthdate: Series[str] = _input("Date of birth, as written")

    created_date: Series[pd.Timestamp] = _derived(
        "created_at parsed (NaT when empty or unreadable)", nullable=True
    )
    last_modified_date: Series[pd.Timestamp] = _derived("last_modified_at parsed", nullable=True)
    last_activity_date: Series[pd.Timestamp] = _derived("last_activity_at parsed", nullable=True)
    became_customer_date: Series[pd.Timestamp] = _derived("became_customer_at parsed", nullable=True)
    converted_date: Series[pd.Timestamp] = _derived("converted_at parsed", nullable=True)
    birth_date: Series[pd.Timestamp] = _derived("birthdate parsed", nullable=True)
    phone_raw: Series[str] = _derived("The main phone as exported")
    mobile_raw: Series[str] = _derived("The mobile phone as exported")
    phone_status: Series[str] = _derived(
        "valid, invalid, or empty", isin=["valid", "invalid", "unchecked", ""]
    )
    mobile_status: Series[str] = _derived(
        "valid, invalid, or empty", isin=["valid", "invalid", "unchecked", ""]
    )
    email_status: Series[str] = _derived("valid, invalid, or empty", isin=["valid", "invalid", ""])
    phone_other_status: Series[str] = _derived(
        "The best of the further phones: valid, unchecked, invalid, or empty",
        isin=["valid", "invalid", "unchecked", ""],
    )
    email_other_status: Series[str] = _derived(
        "valid when one of the further emails is valid, invalid when none is, or empty",
        isin=["valid", "invalid", ""],
    )
    country_code: Series[str] = _derived("ISO 3166 alpha-2 code of the country, when recognised")
    record_type: Series[str] = _derived("What the record's own labels say it is", isin=list(CANONICAL_TYPES))
    record_type_reason: Series[str] = _derived("Which label decided record_type")
    lead_state: Series[str] = _derived(
        "Open, working, converted ... as the status labels say", isin=["", *LEAD_STATES]
    )
    temperature: Series[str] = _derived("cold, warm, hot, or empty", isin=["", *TEMPERATURES])
    suggested_type: Series[str] = _derived("What the evidence says the record is", isin=list(CANONICAL_TYPES))
    suggested_reason: Series[str] = _derived("Why suggested_type differs from record_type (empty when equal)")
    duplicate_cluster: Series[str] = _derived(
        "Id of the cluster of records that are the same person, or empty"
    )

    @pa.check("platform", name="known_platform")
    @classmethod
    def _known_platform(cls, platform: Series[str]) -> Series[bool]:
        # Asked when records are validated, not when this module loads: a platform is a file.
        return platform.isin(platforms())

    @pa.check("object", name="people_object")
    @classmethod
    def _people_object(cls, value: Series[str]) -> Series[bool]:
        return value.isin(people_objects())

    class Config:
        strict = True
        coerce = False
        ordered = False


def _fields(*, input_fields: bool) -> tuple[str, ...]:
    schema = Records.to_schema()
    return tuple(
        name
        for name, column in schema.columns.items()
        if (column.metadata or {}).get("input") is input_fields
    )


INPUT_FIELDS: Final[tuple[str, ...]] = _fields(input_fields=True)
ALL_FIELDS: Final[tuple[str, ...]] = tuple(Records.to_schema().columns)
# Input fields several columns of one export may fill (HomePhone, OtherPhone, AssistantPhone ...):
# their values are joined by "; " in column order.
MULTI_VALUE_FIELDS: Final[tuple[str, ...]] = ("phone_other", "email_other")
MULTI_VALUE_SEPARATOR: Final = "; "
DATE_FIELDS: Final[dict[str, str]] = {
    "created_at": "created_date",
    "last_modified_at": "last_modified_date",
    "last_activity_at": "last_activity_date",
    "became_customer_at": "became_customer_date",
    "converted_at": "converted_date",
    "birthdate": "birth_date",
}


class Deals(pa.DataFrameModel):
    """Deals, opportunities and potentials of the exports audited: never audited as people, read as
    evidence (a won deal linked to a contact, an account or a company says customer). Text as exported."""

    source_file: Series[str] = _derived("The input file's name, as given")
    source_row: Series[int] = _derived("The row a spreadsheet shows for the deal", ge=1)
    source_id: Series[str] = _input("The platform's deal id")
    deal_name: Series[str] = _input("The deal's name or topic")
    stage_label: Series[str] = _input("Stage, as written (Closed Won, Gagnée ...)")
    status_label: Series[str] = _input("Status, as written (Pipedrive won/lost/open, Dynamics Won)")
    is_won: Series[str] = _input("The platform's won flag (Salesforce IsWon)")
    is_closed: Series[str] = _input("The platform's closed flag")
    account_id: Series[str] = _input("Id of the account the deal is with")
    company: Series[str] = _input("Name of the account or company the deal is with")
    contact_id: Series[str] = _input("Id of the contact the deal is with")
    contact_name: Series[str] = _input("Name of the contact the deal is with")
    email: Series[str] = _input("Email of the contact the deal is with")
    closed_at: Series[str] = _input("Close date, as written")
    won: Series[bool] = _derived("The deal is won, by its flag, status or stage")


class Users(pa.DataFrameModel):
    """The CRM's own users: staff, never audited as people; their addresses tell staff apart."""

    source_file: Series[str] = _derived("The input file's name, as given")
    source_row: Series[int] = _derived("The row a spreadsheet shows for the user", ge=1)
    source_id: Series[str] = _input("The platform's user id")
    first_name: Series[str] = _input("Given name")
    last_name: Series[str] = _input("Family name")
    full_name: Series[str] = _input("Whole name")
    email: Series[str] = _input("Email address")
    username: Series[str] = _input("Login name (often an email address)")
    is_active: Series[str] = _input("Active flag or status, as written")
    user_type: Series[str] = _input("Licence or user type (Salesforce Standard, PowerPartner ...)")
    person_id: Series[str] = _input(
        "Id of the user's own person record (Odoo partner_id, an employee's user)"
    )


def _model_inputs(model: type[pa.DataFrameModel]) -> tuple[str, ...]:
    return tuple(
        name
        for name, column in model.to_schema().columns.items()
        if (column.metadata or {}).get("input") is True
    )


DEAL_FIELDS: Final[tuple[str, ...]] = _model_inputs(Deals)
USER_FIELDS: Final[tuple[str, ...]] = _model_inputs(Users)


# The columns the normalised records export (--normalised) begins with, in this order: docs/CONTRACT.md.
CONTRACT_COLUMNS = (
    "source_file",
    "source_row",
    "source_id",
    "platform",
    "object",
    "record_type",
    "suggested_type",
    "temperature",
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "country",
    "duplicate_cluster",
    "finding_codes",
)


def people(records: pd.DataFrame) -> np.ndarray:
    """Which records are people (leads, contacts, the people of a mixed sheet): every row but the
    accounts, which are evidence about people rather than people."""
    return (records["object"] != "account").to_numpy()
