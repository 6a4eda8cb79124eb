"""Keys that decide "the same value": emails as mail servers read them, companies, names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor.keys import acronyms, company_key, email_key, normalise_emails, website_domains
from auditor.matching.names import fold_name, group_columns, share_group, skeleton


@pytest.mark.parametrize(
    ("written", "same_as"),
    [
        ("  Anna.Nowak@ACME.pl ", "anna.nowak@acme.pl"),
        ("J.Smith+crm@GoogleMail.com", "jsmith@gmail.com"),
        ("j.s.m.i.t.h@gmail.com", "jsmith@gmail.com"),
        ("jan+newsletter@outlook.com", "jan@outlook.com"),
        ("Anna Nowak <anna.nowak@acme.pl>", "anna.nowak@acme.pl"),
        ("mailto:anna.nowak@acme.pl", "anna.nowak@acme.pl"),
        ("аnna.nowak@acme.pl", "anna.nowak@acme.pl"),  # Cyrillic а
        ("anna.nowak\u200b@acme.pl", "anna.nowak@acme.pl"),  # zero-width space
        ("ＡＮＮＡ@acme.pl", "anna@acme.pl"),  # full-width letters
    ],
)
def test_email_variants_of_one_mailbox_share_a_key(written: str, same_as: str) -> None:
    assert email_key(written) == email_key(same_as) != ""


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # Dots and +tags mean another mailbox where the provider is not known to ignore them.
        ("jan.kowalski@acme.pl", "jankowalski@acme.pl"),
        ("jan+sales@acme.pl", "jan@acme.pl"),
        ("j.smith@yahoo.com", "jsmith@yahoo.com"),
        ("anna@acme.pl", "anna@acme.com"),
    ],
)
def test_other_mailboxes_keep_other_keys(one: str, other: str) -> None:
    assert email_key(one) != email_key(other)


@pytest.mark.parametrize(
    "address",
    [
        "info@acme.com",
        "Sales@acme.com",
        "no-reply@x.org",
        "customer.service@x.com",
        "biuro@firma.pl",
        "ventas+web@empresa.es",
        "kontakt@firma.de",
    ],
)
def test_role_addresses_identify_nobody(address: str) -> None:
    keys = normalise_emails(pd.Series([address], dtype="str"))
    assert keys.role.tolist() == [True]
    assert keys.address.iat[0] == ""
    assert keys.domain.iat[0] != ""  # the company's domain is still the company's


@pytest.mark.parametrize("broken", ["", "anna", "anna@", "@acme.pl", "anna@acme", "a@b@c.pl"])
def test_unusable_addresses_have_no_key(broken: str) -> None:
    assert email_key(broken) == ""


@pytest.mark.parametrize(
    "names",
    [
        ("ACME Sp. z o.o.", "Acme", "acme, inc.", "ACME S.A."),
        ("Müller GmbH & Co. KG", "Mueller".replace("ue", "ü") + " GmbH", "MULLER"),
        ("PT Maju Jaya Tbk", "Maju Jaya", "PT. MAJU JAYA"),
        ("Smith & Sons Ltd", "Smith and Sons Limited", "smith sons"),
        ("The Coca-Cola Company", "Coca Cola", "coca-cola co."),
        ("Dupont et Fils SARL", "DUPONT & FILS", "Dupont Fils S.A.R.L."),
        ("Łódź Logistics S.L.", "Lodz Logistics", "LÓDŹ LOGISTICS SL"),
    ],
)
def test_company_names_without_legal_forms_share_a_key(names: tuple[str, ...]) -> None:
    keys = {company_key(name) for name in names}
    assert len(keys) == 1 and "" not in keys


def test_a_company_called_only_a_legal_form_keeps_its_name() -> None:
    assert company_key("Company") == "company"
    assert company_key("Acme Holding") != company_key("Acme")


def test_acronyms_of_several_words_only() -> None:
    keys = pd.Series(["international business machines", "acme", ""], dtype="str")
    assert acronyms(keys).tolist() == ["ibm", "", ""]


def test_website_domains() -> None:
    sites = pd.Series(["https://www.acme.com/about", "WWW.X.pl:8080", "", "acme.com?x=1"], dtype="str")
    assert website_domains(sites).tolist() == ["acme.com", "x.pl", "", "acme.com"]


@pytest.mark.parametrize(
    ("nickname", "formal"),
    [
        ("Bob", "Robert"),
        ("Kasia", "Katarzyna"),
        ("Paco", "Francisco"),
        ("Pepe", "José"),
        ("Gosia", "Małgorzata"),
        ("Hans", "Johannes"),
        ("Zé", "José"),
        ("Manu", "Emmanuel"),
        ("Mohammed", "Muhammad"),
        ("Youssef", "Yusuf"),
        ("Mochammad", "Muhammad"),
        ("Alex", "Alexandra"),
    ],
)
def test_nicknames_and_transliterations_are_one_name(nickname: str, formal: str) -> None:
    left, right = fold_name(nickname), fold_name(formal)
    assert share_group(np.array([left], dtype=object), np.array([right], dtype=object)).tolist() == [True]


@pytest.mark.parametrize(
    ("one", "other"), [("Bob", "Bill"), ("Anna", "Hanna"), ("Kasia", "Basia"), ("Paco", "Pepe")]
)
def test_different_names_are_not_variants(one: str, other: str) -> None:
    left, right = fold_name(one), fold_name(other)
    assert share_group(np.array([left], dtype=object), np.array([right], dtype=object)).tolist() == [False]


def test_a_name_of_several_groups_blocks_with_each() -> None:
    columns = group_columns(pd.Series(["alex", "bob", "zygfryd"], dtype="str"))
    assert {column.iat[0] for column in columns} == {"alejandro", "alexander", "alexandra"}
    assert [column.iat[1] for column in columns] == ["robert", "", ""]
    assert [column.iat[2] for column in columns] == ["zygfryd", "", ""]


def test_names_fold_accents_punctuation_and_case() -> None:
    assert fold_name("José-María O'Neil") == "jose maria oneil"
    assert fold_name("ŁUKASZ") == fold_name("Lukasz") == "lukasz"
    assert fold_name("J.P.") == "jp"


@pytest.mark.parametrize(
    "variants",
    [
        ("Mohammed", "Muhammad", "Mohamed", "Mohammad"),
        ("Youssef", "Yusuf", "Yousef"),
        ("Khalid", "Khaled"),
        ("Thomas", "Tomas"),
    ],
)
def test_transliterations_sound_alike(variants: tuple[str, ...]) -> None:
    assert len({skeleton(fold_name(name)) for name in variants}) == 1


def test_different_names_sound_different() -> None:
    assert skeleton("anna") != skeleton("maria")
