"""The codebook-to-IATI mappings of ``data/iati.yaml`` and the reporting organisation.

The tables are data, not code, so that a publisher who reads a code differently (a donor
agency that is a foundation, a sector they classify otherwise) edits one file; this module only
reads it, checks that every mapped code is a code of its IATI codelist, and answers lookups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from lowpolitics.framework.errors import ConfigError

# characters IATI guidance rules out of identifiers, and whitespace
_BAD_REF = re.compile(r"[\s/&|?]")


@dataclass(frozen=True)
class StatusRule:
    """How one codebook status reads in IATI (see the ``statuses`` table)."""

    code: str
    when_over: str | None
    started: bool
    took_place: bool


@dataclass(frozen=True)
class PlaceKind:
    location_class: str
    feature: str | None
    exactness: str


@dataclass(frozen=True)
class ReportingOrg:
    """Who publishes the file: its IATI organisation identifier, name and OrganisationType."""

    ref: str
    name: str
    type: str
    missing: tuple[str, ...] = ()  # the options not given, filled from the placeholder

    @property
    def placeholder(self) -> bool:
        return bool(self.missing)


@dataclass(frozen=True)
class IatiMapping:
    version: str
    recipient_countries: tuple[str, ...]
    placeholder: ReportingOrg
    codelists: dict[str, dict[str, str]]
    statuses: dict[str, StatusRule]
    sectors: dict[str, str]
    unmapped_sector: str
    actor_types: dict[str, dict[str, str] | None]
    actor_roles: dict[str, str | None]
    lead_actor_role: str
    instrument_party_role: str
    place_kinds: dict[str, PlaceKind]
    source_category: str
    commitment_category: str

    def name(self, codelist: str, code: str) -> str:
        return self.codelists.get(codelist, {}).get(code, code)

    def sector(self, activity_type: str | None) -> tuple[str, bool]:
        """The DAC code of an activity type, and whether the type was mapped at all."""
        if activity_type is None:
            return self.unmapped_sector, True
        if activity_type in self.sectors:
            return self.sectors[activity_type], True
        return self.unmapped_sector, False

    def organisation_type(self, actor_type: str | None, country: str) -> str | None:
        """IATI OrganisationType of an actor; ``None`` when the type is not known to us."""
        if actor_type is None or actor_type not in self.actor_types:
            return None
        spec = self.actor_types[actor_type]
        if spec is None:
            return None
        if country == "INT":
            return spec.get("international", spec["code"])
        if country not in self.recipient_countries:
            return spec.get("third_country", spec["code"])
        return spec["code"]

    def is_organisation(self, actor_type: str | None) -> bool:
        """False for types mapped to null (individuals): people are not organisations."""
        return not (actor_type in self.actor_types and self.actor_types[actor_type] is None)

    def role(self, role: str | None) -> str | None:
        """IATI OrganisationRole of a link; ``None`` for a mentioned actor. No role reads as
        participant, as in the codebook, and so does a role an extended codebook adds."""
        return self.actor_roles.get(role or "participant", self.actor_roles["participant"])

    def reporting_org(
        self, ref: str | None, name: str | None, org_type: str | None
    ) -> ReportingOrg:
        """The publisher from the user's options; missing parts come from the placeholder,
        which is flagged so that the export warns."""
        if org_type is not None and org_type not in self.codelists["OrganisationType"]:
            known = ", ".join(self.codelists["OrganisationType"])
            raise ConfigError(
                f"--reporting-org-type {org_type!r} is not an IATI OrganisationType ({known})"
            )
        if ref is not None and (not ref.strip() or _BAD_REF.search(ref.strip())):
            raise ConfigError(
                f"--reporting-org-ref {ref!r}: an IATI organisation identifier has no spaces "
                "and none of / & | ?"
            )
        given = (("--reporting-org-ref", ref), ("--reporting-org-name", name))
        given += (("--reporting-org-type", org_type),)
        return ReportingOrg(
            ref=(ref or self.placeholder.ref).strip(),
            name=(name or self.placeholder.name).strip(),
            type=org_type or self.placeholder.type,
            missing=tuple(option for option, value in given if value is None),
        )


def _check(raw: dict[str, Any], lists: dict[str, dict[str, str]]) -> list[str]:
    """Every mapped code must be a code of its codelist (the XSD does not check codes)."""
    wanted: list[tuple[str, str | None, str]] = []
    for status, spec in raw["statuses"].items():
        wanted += [("ActivityStatus", spec["code"], status)]
        wanted += [("ActivityStatus", spec.get("when_over"), status)]
    wanted += [("Sector", code, kind) for kind, code in raw["activity_types"].items()]
    wanted += [("Sector", raw["unmapped_sector"], "unmapped_sector")]
    for kind, spec in raw["actor_types"].items():
        for value in (spec or {}).values():
            wanted.append(("OrganisationType", value, kind))
    wanted += [("OrganisationRole", code, role) for role, code in raw["actor_roles"].items()]
    wanted += [("OrganisationRole", raw["lead_actor_role"], "lead_actor_role")]
    wanted += [("OrganisationRole", raw["instrument_party_role"], "instrument_party_role")]
    for kind, spec in raw["place_kinds"].items():
        wanted += [
            ("GeographicLocationClass", spec["class"], kind),
            ("LocationType", spec.get("feature"), kind),
            ("GeographicExactness", spec["exactness"], kind),
        ]
    wanted += [("DocumentCategory", code, "documents") for code in raw["documents"].values()]
    wanted += [("OrganisationType", raw["placeholder_reporting_org"]["type"], "placeholder")]
    return [
        f"{where}: {code!r} is not in the {codelist} codelist"
        for codelist, code, where in wanted
        if code is not None and code not in lists.get(codelist, {})
    ]


def parse_mapping(raw: dict[str, Any]) -> IatiMapping:
    lists = {
        name: {str(k): str(v) for k, v in codes.items()} for name, codes in raw["codelists"].items()
    }
    problems = _check(raw, lists)
    if problems:
        raise ConfigError("the IATI mapping is inconsistent: " + "; ".join(problems))
    holder = raw["placeholder_reporting_org"]
    return IatiMapping(
        version=str(raw["version"]),
        recipient_countries=tuple(raw["recipient_countries"]),
        placeholder=ReportingOrg(holder["ref"], holder["name"], holder["type"], ("all",)),
        codelists=lists,
        statuses={
            code: StatusRule(
                code=spec["code"],
                when_over=spec.get("when_over"),
                started=bool(spec["started"]),
                took_place=bool(spec["took_place"]),
            )
            for code, spec in raw["statuses"].items()
        },
        sectors=dict(raw["activity_types"]),
        unmapped_sector=raw["unmapped_sector"],
        actor_types=dict(raw["actor_types"]),
        actor_roles=dict(raw["actor_roles"]),
        lead_actor_role=raw["lead_actor_role"],
        instrument_party_role=raw["instrument_party_role"],
        place_kinds={
            kind: PlaceKind(spec["class"], spec.get("feature"), spec["exactness"])
            for kind, spec in raw["place_kinds"].items()
        },
        source_category=raw["documents"]["source_category"],
        commitment_category=raw["documents"]["commitment_category"],
    )


@lru_cache(maxsize=1)
def load_mapping() -> IatiMapping:
    """The bundled mapping (read once per process)."""
    text = resources.files("lowpolitics.exchange").joinpath("data/iati.yaml").read_text("utf-8")
    return parse_mapping(yaml.safe_load(text))
