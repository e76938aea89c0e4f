"""Closed vocabularies shared by the data model (sources, statuses, transfer modes, ...)."""

from enum import StrEnum


class Source(StrEnum):
    """Where a dossier came from."""

    national_db = "national_db"
    kisti = "kisti"
    kiat = "kiat"
    ipi = "ipi"
    imag = "imag"
    shanghai_exchange = "shanghai_exchange"
    techmart = "techmart"
    other = "other"


class IprStatus(StrEnum):
    """Intellectual-property status of a technology."""

    patent_granted = "patent_granted"
    patent_pending = "patent_pending"
    utility_solution = "utility_solution"
    know_how = "know_how"
    copyright = "copyright"
    none = "none"


class TransferMode(StrEnum):
    """How a technology can be transferred (Law on Technology Transfer 2017, art. 5)."""

    licence = "licence"
    equipment_with_know_how = "equipment_with_know_how"
    turnkey = "turnkey"
    joint_venture = "joint_venture"
    rd_cooperation = "rd_cooperation"
    consulting_training = "consulting_training"
    commercial_agreement = "commercial_agreement"


class DossierStatus(StrEnum):
    """Life cycle of a dossier; only `active` dossiers are suggested. `merged`: a duplicate
    merged into another dossier (`merged_into`), set by merging only."""

    draft = "draft"
    active = "active"
    expired = "expired"
    withdrawn = "withdrawn"
    merged = "merged"


class NeedStatus(StrEnum):
    """Life cycle of a need; only `open` needs are suggested to suppliers."""

    open = "open"
    matched = "matched"
    closed = "closed"
    withdrawn = "withdrawn"


class Confidentiality(StrEnum):
    """Who may see a need."""

    public = "public"
    intermediaries = "intermediaries"
    confidential = "confidential"


class SizeClass(StrEnum):
    """Enterprise size class under Decree 80/2021/NĐ-CP."""

    micro = "micro"
    small = "small"
    medium = "medium"
    large = "large"


# EEN names of the technology readiness levels, shown beside the number.
TRL_STAGES: dict[int, str] = {
    1: "Basic principles observed",
    2: "Technology concept formulated",
    3: "Experimental proof of concept",
    4: "Technology validated in lab",
    5: "Technology validated in relevant environment",
    6: "Technology demonstrated in relevant environment",
    7: "System prototype demonstration in operational environment",
    8: "System complete and qualified",
    9: "Actual system proven in operational environment",
}


class Severity(StrEnum):
    """How much a screening finding weighs: `info` (e.g. encouraged for transfer), `warning`
    (restricted, or to be appraised), `prohibited` (never suggested while it stands)."""

    info = "info"
    warning = "warning"
    prohibited = "prohibited"


class FindingStatus(StrEnum):
    """The Department's decision on a screening finding; a dismissed one no longer shows."""

    open = "open"
    confirmed = "confirmed"
    dismissed = "dismissed"
