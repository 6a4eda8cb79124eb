"""From findings to a fix plan: each finding becomes at most one action (merge, convert, close), or
is listed with the reason it has no safe fix. See docs/CONTRACT.md, "Fix plans"."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from auditor.api import AuditResult
from auditor.checking.rules._leads import ENDED_STATES, OPEN_STATES
from auditor.checking.rules.cl007_lifecycle_conflict import conflicts
from auditor.finding_groups import record_refs
from auditor.findings import CONFIDENCES, ClusterEvidence, Finding, RecordRef
from auditor.fixes.repairs import repair_domain, repair_email
from auditor.fixes.sources import Sources, Table
from auditor.normalising import email_is_valid
from auditor.survivorship import Candidate, Survivorship
from auditor.terms import STATE_PRECEDENCE, TYPE_PRECEDENCE
from auditor.wording import Words

# Which action each kind of finding gets; the others have none (WHY_NO_FIX says why).
ACTION_OF_KIND = {
    "duplicate": "merge",
    "lead_is_contact": "convert",
    "converted_lead_open": "close",
    "stale_lead": "close",
    "customer_as_lead": "update",
    "partner_as_lead": "update",
    "employee_as_lead": "update",
    "invalid_email": "update",
    "mistyped_email_domain": "update",
}
# The actions that change one record's cells, as against merges and conversions of a group.
RECORD_ACTIONS = ("close", "update")
# The states a close moves a lead to, in order of preference.
CLOSE_TARGETS = {"stale_lead": ("disqualified", "closed"), "converted_lead_open": ("converted", "qualified")}
# The type a lead's labels move to when the evidence says it is someone else.
RETYPE_TARGETS = {
    "customer_as_lead": "customer",
    "partner_as_lead": "partner",
    "employee_as_lead": "employee",
}
# Findings are planned in this order after the merges: a stale lead that is a customer is moved to
# the customer stage, not disqualified as a lead.
_PHASE = {
    **dict.fromkeys(RETYPE_TARGETS, 0),
    **dict.fromkeys(("invalid_email", "mistyped_email_domain"), 1),
    **dict.fromkeys(("converted_lead_open", "stale_lead"), 2),
}
# How an email finding's address is repaired: each email column it judged, to the one address meant.
EMAIL_REPAIRS = {
    "invalid_email": (lambda value: not email_is_valid(value), repair_email),
    "mistyped_email_domain": (lambda value: repair_domain(value) is not None, repair_domain),
}
# Why the kinds with no action have none. English, as plan.json is.
WHY_NO_FIX = {
    "invalid_phone": "a wrong number cannot be guessed: ask the person, or look it up",
    "unreachable": "there is no email or phone to correct: find one, or archive the record",
    "placeholder": "a filler value stands where the real one is missing: replace it or delete the record by hand",
    "missing_required": "the missing value has to come from the person or another source",
    "suspicious_value": "check where the formula, markup or code came from, then remove it by hand",
    "lifecycle_conflict": "which of the two labels is true takes a person who knows the account",
    "type_mismatch": "the evidence is weaker than a label's word: check which type is true",
    "unmapped_label": "map the label in the config's [vocabulary] and audit again",
    "converted_contact_missing": "audit the contacts export alongside, or find the contact it became",
}
# Columns a lead's state may be written in, when the record has none of its labels saying one.
_STATUS_FIELDS = ("state_label", "status_label")
# Label columns that say who a person is (auditor.terms reads a record's type from them).
_TYPE_FIELDS = tuple(
    name for name in TYPE_PRECEDENCE if name in ("person_label", "stage_label", "type_label", "object_label")
)
_PHONE_FIELDS = ("phone", "mobile", "phone_other")


@dataclass
class Plan:
    """A fix plan: its actions and the findings without one, each a plain dict of the plan.json of
    docs/CONTRACT.md; `touched` lists the records the actions change (the restore file's)."""

    as_of: str
    actions: list[dict[str, Any]]
    without_fix: list[dict[str, Any]]
    touched: list[RecordRef] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "as_of": self.as_of,
            "actions": self.actions,
            "without_fix": self.without_fix,
        }

    def count(self) -> dict[str, int]:
        """Actions per type, and the findings without one."""
        counts: dict[str, int] = {}
        for action in self.actions:
            counts[action["action"]] = counts.get(action["action"], 0) + 1
        return counts | {"without_fix": len(self.without_fix)}


def plan(result: AuditResult, paths: Mapping[str, str | Path] | None = None) -> Plan:
    """The fix plan of an audit. The audited tables are read again for their original headers and
    values: `paths` maps an input's name in the result to where it is, when that is not its name
    (an audit run with `display_names`)."""
    return plan_from(result, Sources(result, paths))


def plan_from(result: AuditResult, sources: Sources) -> Plan:
    """`plan`, reading the tables through `sources` (which the restore file then reads too)."""
    return _Planner(result, sources).plan()


class _Planner:
    def __init__(self, result: AuditResult, sources: Sources) -> None:
        self.result = result
        self.sources = sources
        self.rules = Survivorship.of(result.config.survivorship)
        # Record -> the action that holds it: one record is in at most one merge or conversion.
        self.held: dict[tuple[str, str | None, int], str] = {}
        self.merged_away: dict[tuple[str, str | None, int], str] = {}
        self.touched: dict[tuple[str, str | None, int], RecordRef] = {}
        # Record -> the headers an action already sets, and by which: two actions never write one cell.
        self.edited: dict[tuple[str, str | None, int], dict[str, str]] = {}
        # Record -> the update that moves it from lead to another type (it is then closed as none).
        self.retyped: dict[tuple[str, str | None, int], str] = {}

    def plan(self) -> Plan:
        findings = list(self.result.findings)
        self._gather([finding for finding in findings if finding.kind in ACTION_OF_KIND])
        outcome: dict[int, tuple[str, dict[str, Any]]] = {}
        people = [
            number
            for number, finding in enumerate(findings)
            if finding.kind in ("duplicate", "lead_is_contact")
        ]
        # Surest groups first: a record in a sure group and in a pair set aside for review is merged
        # with the sure group.
        people.sort(key=lambda number: (_confidence_rank(findings[number]), number))
        for number in people:
            outcome[number] = self._person(findings[number])
        rest = [number for number in range(len(findings)) if number not in outcome]
        rest.sort(key=lambda number: (_PHASE.get(findings[number].kind, len(_PHASE)), number))
        for number in rest:
            outcome[number] = self._fix(findings[number])
        actions = [outcome[number][1] for number in sorted(outcome) if outcome[number][0] == "action"]
        without = [outcome[number][1] for number in sorted(outcome) if outcome[number][0] == "without"]
        if self.result.config.phone_format == "e164":
            actions += self._phone_formats()
        return Plan(self.result.config.as_of.isoformat(), actions, without, list(self.touched.values()))

    def _gather(self, findings: list[Finding]) -> None:
        """What the actions read of the records their findings name, taken at once: a row at a
        time from the records table and the files would take minutes on a big audit."""
        refs = [ref for finding in findings for ref in finding.records]
        positions = sorted({self.sources.position(ref) for ref in refs})
        self.row_of = {position: row for row, position in enumerate(positions)}
        facts = self.result.records.iloc[positions]
        wanted = {"platform", "object", "account_id", "converted_account_id", "phone", "mobile"}
        wanted |= {f"{name}_status" for name in ("phone", "mobile")} | set(self.rules.checked_by.values())
        self.facts = {name: facts[name].astype("str").tolist() for name in sorted(wanted)}
        self.keys = self.rules.keys(facts)
        self.sources.prefetch(refs)

    def _fact(self, name: str, ref: RecordRef) -> str:
        return self.facts[name][self.row_of[self.sources.position(ref)]]

    # Merges and conversions

    def _person(self, finding: Finding) -> tuple[str, dict[str, Any]]:
        evidence = finding.evidence
        refs = finding.records
        if not isinstance(evidence, ClusterEvidence) or len(refs) < 2:
            return _without(finding, "no_group", "the finding names no group of records to merge")
        for ref in refs:
            holder = self.held.get(_key(ref))
            if holder:
                return _without(
                    finding,
                    "overlaps_action",
                    f"{_name(ref)} is already in {holder}: review this group after that one",
                )
        rows = [self.row_of[self.sources.position(ref)] for ref in refs]
        if finding.kind == "lead_is_contact":
            # The lead comes first; it converts into the record the rules keep among the others,
            # and the others (a lead that is two contacts) stay as they are.
            into, decided = self.rules.pick(self.keys, rows[1:])
            refs, rows = [refs[0], refs[1 + into]], [rows[0], rows[1 + into]]
            survivor, others = 1, [0]
        else:
            survivor, decided = self.rules.pick(self.keys, rows)
            others = [index for index in range(len(refs)) if index != survivor]
        values, dropped = self._values(refs, rows, survivor)
        reasons = _review_reasons(evidence)
        action: dict[str, Any] = {
            "action": "merge" if finding.kind == "duplicate" else "convert",
            "rule": finding.rule,
        }
        action |= {
            "cluster": evidence.cluster,
            "platform": self._fact("platform", refs[survivor]),
            "object": self._fact("object", refs[survivor]),
            "confidence": evidence.confidence,
            "review": bool(reasons),
            "review_reasons": reasons,
        }
        if finding.kind == "duplicate":
            action |= {
                "survivor": refs[survivor].to_dict(),
                "survivor_rule": decided,
                "merged": [refs[index].to_dict() for index in others],
            }
            label = f"the merge of cluster {evidence.cluster or _name(refs[survivor])}"
        else:
            action |= {
                "lead": refs[0].to_dict(),
                "into": refs[survivor].to_dict(),
                "account": self._account(refs[0], refs[survivor]),
            }
            label = f"the conversion of {_name(refs[0])}"
        action |= {"values": values, "dropped": dropped}
        for ref in refs:
            self.held[_key(ref)] = label
            self.touched[_key(ref)] = ref
        self.edited[_key(refs[survivor])] = dict.fromkeys(
            (value["header"] for value in values if value["changed"]), label
        )
        for index in others:
            self.merged_away[_key(refs[index])] = f"{label}, into {_name(refs[survivor])}"
        return "action", action

    def _values(
        self, refs: list[RecordRef], rows: list[int], survivor: int
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The survivor's final value per original header of its file (with the record it comes
        from and the rule that chose it), and every value of the group the survivor does not keep."""
        tables = [self.sources.table(ref.file, ref.sheet) for ref in refs]
        cells = [self.sources.cells(ref) for ref in refs]
        recency = [-self.keys["most_recent_activity"][row] for row in rows]
        own_table = tables[survivor]
        placed: dict[str, set[str]] = {}
        for header in own_table.headers:
            name = own_table.field_of(header)
            if name and cells[survivor][header].strip():
                placed.setdefault(name, set()).add(_norm(cells[survivor][header]))
        values: list[dict[str, Any]] = []
        dropped: list[dict[str, Any]] = []
        for header in own_table.headers:
            name = own_table.field_of(header)
            rule = self.rules.rule_for(name)
            own = cells[survivor][header]
            candidates = [self._candidate(refs, survivor, name, own.strip())]
            if name and (rule != "survivor" or name in self.rules.checked_by):
                for index in range(len(refs)):
                    if index == survivor:
                        continue
                    for value in self._values_of(tables[index], cells[index], refs[index], name):
                        if _norm(value) not in placed.get(name, set()):
                            candidates.append(self._candidate(refs, index, name, value))
            chosen = self.rules.choose(rule, candidates, recency)
            candidate = candidates[chosen]
            value = own if chosen == 0 else candidate.value
            if chosen and own.strip():
                if candidates[0].invalid and candidate.valid:
                    rule = "valid_over_invalid"
                dropped.append({"header": header, "value": own, "record": refs[survivor].to_dict()})
            if chosen and name:
                placed.setdefault(name, set()).add(_norm(value))
            values.append(
                {
                    "header": header,
                    "value": value,
                    "from": refs[candidate.index].to_dict(),
                    "rule": rule,
                    "changed": bool(chosen),
                }
            )
        kept = {_norm(entry["value"]) for entry in values if entry["value"].strip()}
        phones = [
            _digits(entry["value"])
            for entry in values
            if own_table.field_of(entry["header"]) in _PHONE_FIELDS
        ]
        for index, ref in enumerate(refs):
            if index == survivor:
                continue
            for header, value in cells[index].items():
                if not value.strip() or _norm(value) in kept:
                    continue
                if tables[index].field_of(header) in _PHONE_FIELDS and _same_phone(_digits(value), phones):
                    continue
                dropped.append({"header": header, "value": value, "record": ref.to_dict()})
        return values, dropped

    def _candidate(self, refs: list[RecordRef], index: int, name: str | None, value: str) -> Candidate:
        status_column = self.rules.checked_by.get(name or "")
        status = self._fact(status_column, refs[index]) if status_column else ""
        return Candidate(index, value, invalid=status == "invalid", valid=status == "valid")

    def _values_of(self, table: Table, cells: Mapping[str, str], ref: RecordRef, name: str) -> list[str]:
        """A record's non-empty values for field `name`, as exported; a valid phone in its E.164
        form, which reads the same in any file of any country."""
        values = [cells[header].strip() for header in table.headers_of(name) if cells[header].strip()]
        if name in ("phone", "mobile") and values and self._fact(f"{name}_status", ref) == "valid":
            return [self._fact(name, ref)]
        return values

    def _account(self, lead: RecordRef, into: RecordRef) -> str | None:
        """The account the converted lead joins: the contact's, else the one the lead names."""
        for value in (self._fact("account_id", into), self._fact("converted_account_id", lead)):
            if value.strip():
                return value.strip()
        return None

    # Updates and closes: changes to one record's cells

    def _fix(self, finding: Finding) -> tuple[str, dict[str, Any]]:
        action = ACTION_OF_KIND.get(finding.kind)
        if action == "close":
            return self._close(finding)
        if finding.kind in RETYPE_TARGETS:
            return self._retype(finding)
        if finding.kind in EMAIL_REPAIRS:
            return self._repair_email(finding)
        why = WHY_NO_FIX.get(finding.kind, f"no fix is planned for {finding.kind} findings")
        return _without(finding, "not_planned", why)

    def _change(
        self, finding: Finding, changes: list[dict[str, str]], label: str, fields: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """The action that makes `changes` to the finding's record, unless another action already
        writes one of those cells (then the finding waits for that one: `overlaps_action`)."""
        ref = finding.records[0]
        edited = self.edited.setdefault(_key(ref), {})
        for change in changes:
            holder = edited.get(change["header"])
            if holder:
                return _without(
                    finding,
                    "overlaps_action",
                    f"its {change['header']!r} is already set by {holder}: review it after that one",
                )
        for change in changes:
            edited[change["header"]] = label
        self.touched[_key(ref)] = ref
        first, *also = changes
        action = {"action": ACTION_OF_KIND[finding.kind], "rule": finding.rule, "kind": finding.kind}
        return "action", action | {"record": ref.to_dict()} | fields | first | {"also": also}

    def _retype(self, finding: Finding) -> tuple[str, dict[str, Any]]:
        """A lead the evidence says is a customer, partner or employee: each label saying lead moves
        to the file's own label for that type, and a lead status the new type contradicts
        (rules/lifecycle_conflicts.toml: a customer with lead status "New") is cleared."""
        ref = finding.records[0]
        if _key(ref) in self.merged_away:
            return _without(finding, "merged_away", f"{_name(ref)} goes in {self.merged_away[_key(ref)]}")
        target = RETYPE_TARGETS[finding.kind]
        if finding.severity == "info":
            return _without(
                finding,
                "weak_evidence",
                f"the evidence that it is a {target} is weak (a company name alone): check it first",
            )
        table = self.sources.table(ref.file, ref.sheet)
        cells = self.sources.cells(ref)
        columns = [
            header
            for header in table.headers
            if table.field_of(header) in _TYPE_FIELDS
            and _meaning(table, header, cells[header]).get("type") == "lead"
        ]
        if not columns:
            kind = f"{self._fact('platform', ref)} {self._fact('object', ref)}"
            if target == "employee":
                return _without(
                    finding,
                    "staff_record",
                    f"it is a lead because its file holds {kind} records: staff are no leads, "
                    "so disqualify or delete it in the CRM",
                )
            return _without(
                finding,
                "convert_in_crm",
                f"it is a lead because its file holds {kind} records: it becomes a {target} only by "
                "conversion in the CRM, into a contact of its account",
            )
        changes = []
        for header in columns:
            label = _label_meaning(table, header, (target,), concept="type")
            if label is None:
                return _without(
                    finding,
                    "no_target_label",
                    f"{_file_name(ref)} uses no label meaning {target} in its column {header!r}: "
                    "set it by hand in the CRM",
                )
            changes.append({"header": header, "old": cells[header], "new": label})
        moved = {table.field_of(header) for header in columns}
        for header in _contradicted(table, cells, moved, target):
            if header in columns:
                return _without(
                    finding,
                    "conflicting_labels",
                    f"its labels would contradict each other as {target}: a person must settle them",
                )
            changes.append({"header": header, "old": cells[header], "new": ""})
        label = f"the update of {_name(ref)} to {target}"
        planned = self._change(finding, changes, label, {"type": target})
        if planned[0] == "action":
            self.retyped[_key(ref)] = label
        return planned

    def _repair_email(self, finding: Finding) -> tuple[str, dict[str, Any]]:
        """An invalid address with exactly one reading, or one on a mistyped common domain
        (auditor.fixes.repairs), gets the address meant."""
        ref = finding.records[0]
        if _key(ref) in self.merged_away:
            return _without(finding, "merged_away", f"{_name(ref)} goes in {self.merged_away[_key(ref)]}")
        judged, repair = EMAIL_REPAIRS[finding.kind]
        table = self.sources.table(ref.file, ref.sheet)
        cells = self.sources.cells(ref)
        broken = [
            header
            for header in table.headers_of("email")
            if cells[header].strip() and judged(cells[header].strip())
        ]
        changes = []
        for header in broken:
            repaired = repair(cells[header])
            if repaired is None:
                return _without(
                    finding,
                    "ambiguous",
                    f"{cells[header].strip()!r} has no one address it can only have meant: correct it by hand",
                )
            changes.append({"header": header, "old": cells[header], "new": repaired})
        if not changes:
            return _without(
                finding, "ambiguous", "no single column holds the address it judged: correct it by hand"
            )
        return self._change(finding, changes, f"the email repair of {_name(ref)}", {})

    # Phones in E.164, asked for by the config ([fixes] phone_format): no finding, a format

    def _phone_formats(self) -> list[dict[str, Any]]:
        """Each valid phone and mobile not written in its E.164 form gets it, where one column holds
        it and the number loses nothing (an extension stays as written); not on records merged
        away, nor in a cell another action already sets."""
        records = self.result.records
        actions: list[dict[str, Any]] = []
        for name in ("phone", "mobile"):
            written = records[f"{name}_raw"].str.strip()
            wanted = (records[f"{name}_status"] == "valid") & (written != records[name])
            positions = np.flatnonzero(wanted.to_numpy())
            if not len(positions):
                continue
            refs = record_refs(records, positions)
            self.sources.prefetch(refs)
            for ref, e164, raw in zip(
                refs, records[name].take(positions).tolist(), written.take(positions).tolist(), strict=True
            ):
                if _key(ref) in self.merged_away or not _same_number(raw, e164):
                    continue
                table = self.sources.table(ref.file, ref.sheet)
                cells = self.sources.cells(ref)
                headers = [header for header in table.headers_of(name) if cells[header].strip()]
                edited = self.edited.setdefault(_key(ref), {})
                if len(headers) != 1 or headers[0] in edited:
                    continue
                edited[headers[0]] = f"the E.164 form of {_name(ref)}"
                self.touched[_key(ref)] = ref
                change = {"header": headers[0], "old": cells[headers[0]], "new": e164, "also": []}
                actions.append(
                    {"action": "update", "rule": "E164", "kind": "phone_format", "record": ref.to_dict()}
                    | change
                )
        return actions

    # Closes

    def _close(self, finding: Finding) -> tuple[str, dict[str, Any]]:
        ref = finding.records[0]
        if _key(ref) in self.merged_away:
            return _without(finding, "merged_away", f"{_name(ref)} goes in {self.merged_away[_key(ref)]}")
        if _key(ref) in self.retyped:
            return _without(
                finding, "retyped", f"{self.retyped[_key(ref)]} makes it no lead: it is not closed as one"
            )
        table = self.sources.table(ref.file, ref.sheet)
        cells = self.sources.cells(ref)
        labelled = _label_columns(table)
        meaning = {header: _state_of(table, header, cells[header]) for header in labelled}
        if finding.kind == "stale_lead":
            # Every label that keeps it open: a state that has not ended.
            columns = [
                header for header in labelled if meaning[header] and meaning[header] not in ENDED_STATES
            ]
        else:
            columns = [header for header in labelled if meaning[header] in OPEN_STATES]
        status = [header for name in _STATUS_FIELDS for header in table.headers_of(name)]
        if not columns and finding.kind == "stale_lead":
            # A lead whose labels say no state is open: its empty status is what to fill.
            columns = [header for header in status if not cells[header].strip()][:1]
        if not columns:
            if finding.kind == "converted_lead_open":
                return _without(
                    finding,
                    "no_open_label",
                    "no label says it is open: its converted flag or converted contact contradicts "
                    "the rest, which a person must settle",
                )
            if status:
                header = status[0]
                return _without(
                    finding,
                    "unmapped_status",
                    f"its {header!r} label {cells[header].strip()!r} means no state the audit knows: "
                    "map it in the config's [vocabulary.state] first",
                )
            return _without(
                finding, "no_status_column", f"{_file_name(ref)} has no status column to close it in"
            )
        targets = CLOSE_TARGETS[finding.kind]
        changes = []
        for header in columns:
            label = _label_meaning(table, header, targets)
            if label is None:
                wanted = " or ".join(targets)
                return _without(
                    finding,
                    "no_target_label",
                    f"{_file_name(ref)} uses no label meaning {wanted} in its column {header!r}",
                )
            changes.append({"header": header, "old": cells[header], "new": label})
        return self._change(finding, changes, f"the close of {_name(ref)}", {})


def _label_columns(table: Table) -> list[str]:
    """The table's label columns that may say a lead's state, the one that decides first."""
    order = {name: rank for rank, name in enumerate(STATE_PRECEDENCE)}
    headers = [header for header in table.headers if table.field_of(header) in order]
    return sorted(headers, key=lambda header: order[table.field_of(header) or ""])


def _meaning(table: Table, header: str, value: str) -> dict[str, str]:
    """What a label of the file means, as the audit read it: {concept: value} ({} when nothing)."""
    text = value.strip()
    for entry in table.report.labels.get(header, []):
        if entry["label"] == text or entry["label"].casefold() == text.casefold():
            return {concept: str(meant) for concept, meant in entry["maps_to"].items()}
    return {}


def _state_of(table: Table, header: str, value: str) -> str:
    """The state a label of the file means, as the audit read it ("" when none)."""
    return _meaning(table, header, value).get("state", "")


def _contradicted(table: Table, cells: Mapping[str, str], moved: set[str | None], target: str) -> list[str]:
    """The record's label columns that would contradict its type labels (the fields `moved`) once
    they say `target`, by the conflicts of rules/lifecycle_conflicts.toml."""
    headers = []
    for conflict in conflicts():
        for mine, other in ((conflict.first, conflict.second), (conflict.second, conflict.first)):
            if mine.field not in moved or mine.concept != "type" or target not in mine.values:
                continue
            for header in table.headers_of(other.field):
                if _meaning(table, header, cells[header]).get(other.concept) in other.values:
                    headers.append(header)
    return list(dict.fromkeys(headers))


def _label_meaning(table: Table, header: str, targets: tuple[str, ...], concept: str = "state") -> str | None:
    """A label the file itself uses in `header` that means one of `targets` as `concept` (the
    first target first, then the most used label), or None."""
    entries = table.report.labels.get(header, [])
    for target in targets:
        found = [entry for entry in entries if entry["maps_to"].get(concept) == target]
        if found:
            return str(max(found, key=lambda entry: entry["records"])["label"])
    return None


def _review_reasons(evidence: ClusterEvidence) -> list[dict[str, str]]:
    """What makes a group risky: confidence below sure, and the risks its finding lists (owners,
    open deals, accounts, platforms ...)."""
    reasons = []
    if evidence.confidence != "sure":
        reasons.append(
            {
                "code": f"confidence_{evidence.confidence}",
                "text": f"the match is {evidence.confidence}, not sure",
            }
        )
    for risk in evidence.risks:
        code = risk.key.removeprefix("risk.") if isinstance(risk, Words) else "risk"
        reasons.append({"code": code, "text": str(risk)})
    return reasons


def _without(finding: Finding, code: str, reason: str) -> tuple[str, dict[str, Any]]:
    return "without", {
        "rule": finding.rule,
        "kind": finding.kind,
        "records": [ref.to_dict() for ref in finding.records],
        "reason_code": code,
        "reason": reason,
    }


def _confidence_rank(finding: Finding) -> int:
    evidence = finding.evidence
    confidence = evidence.confidence if isinstance(evidence, ClusterEvidence) else "review"
    return CONFIDENCES.index(confidence) if confidence in CONFIDENCES else len(CONFIDENCES)


def _key(ref: RecordRef) -> tuple[str, str | None, int]:
    return (ref.file, ref.sheet or None, ref.row)


def _name(ref: RecordRef) -> str:
    return f"{_file_name(ref)} row {ref.row}"


def _file_name(ref: RecordRef) -> str:
    return Path(ref.file).name + (f" [{ref.sheet}]" if ref.sheet else "")


def _norm(value: str) -> str:
    return value.strip().casefold()


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value).lstrip("0")


def _same_number(written: str, e164: str) -> bool:
    """The E.164 form says all the written number does: its digits (less a trunk 0 or an
    international 00) end the E.164 digits, so no extension or note is lost."""
    digits = _digits(written)
    return len(digits) >= 6 and _digits(e164).endswith(digits)


def _same_phone(digits: str, kept: list[str]) -> bool:
    """One number written two ways (national and international): the shorter digits end the longer."""
    if len(digits) < 6:
        return False
    return any(len(other) >= 6 and (other.endswith(digits) or digits.endswith(other)) for other in kept)
