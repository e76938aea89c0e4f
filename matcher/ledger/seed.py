"""Seeds the ledger (plans, intermediaries, trainings, FDI, introduction history); idempotent.

The history is drawn with a fixed random seed from the needs and dossiers in the database
(a dossier is introduced for a need when their sector themes meet), so it is the same on every
machine holding the same seed records. It is written once: if any `SEED-I-` introduction
exists, the history is left alone. Missing seed records are skipped, never an error.
"""

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from matcher.auth.policy import SYSTEM
from matcher.ledger.models import (
    DeclineReason,
    FdiProject,
    Intermediary,
    Introduction,
    IntroductionStatus,
    Person,
    Plan,
    PlanPeriod,
    Target,
    Training,
    TrainingCreate,
    TrainingParticipantBase,
    TransferCreate,
)
from matcher.ledger.service import introduce, record_training, record_transfer, set_status
from matcher.models import Dossier, Enterprise, Jurisdiction, Need
from matcher.models.enums import TransferMode
from matcher.models.sector_catalog import SectorCatalog

RANDOM_SEED = 1851
HISTORY = (date(2023, 3, 1), date(2025, 12, 31))
INTRODUCTIONS = {"BG": 120, "HP": 45}
FIRST_CONTRACT = date(2024, 6, 1)  # deals take a year or more to close
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng",
         "Khánh", "Linh", "Long", "Mai", "Nam", "Phúc", "Quyên", "Sơn", "Thảo", "Trung", "Yến"]
CHANNELS = ["direct"] * 5 + ["event"] * 3 + ["online"] * 2


def _load(path: Path) -> dict:
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


def _known_jurisdictions(session: Session) -> set[str]:
    return {j.code for j in session.exec(select(Jurisdiction)).all()}


def seed_plans(session: Session, data: dict) -> int:
    """Upsert plans by ref, their periods by label and targets by indicator."""
    known = _known_jurisdictions(session)
    done = 0
    for item in data.get("plans", []):
        if item["jurisdiction"] not in known:
            continue
        plan = session.exec(select(Plan).where(Plan.ref == item["ref"])).first()
        values = {k: v for k, v in item.items() if k != "periods"}
        values["adopted_on"] = date.fromisoformat(values["adopted_on"])
        plan = plan or Plan(**values)
        plan.sqlmodel_update(values)
        session.add(plan)
        session.flush()
        for p in item["periods"]:
            period = session.exec(select(PlanPeriod).where(
                PlanPeriod.plan_id == plan.id, PlanPeriod.label == p["label"])).first()
            period = period or PlanPeriod(plan_id=plan.id or 0, label=p["label"],
                                          start=date.min, end=date.min)
            period.start, period.end = (date.fromisoformat(p["start"]),
                                        date.fromisoformat(p["end"]))
            session.add(period)
            session.flush()
            for t in p["targets"]:
                target = session.exec(select(Target).where(
                    Target.period_id == period.id, Target.indicator == t["indicator"])).first()
                target = target or Target(period_id=period.id or 0, indicator=t["indicator"],
                                          value=0)
                target.sqlmodel_update(t)
                session.add(target)
        done += 1
    session.flush()
    return done


def seed_intermediaries(session: Session, data: dict) -> dict[str, Intermediary]:
    """Upsert intermediaries by ref, adding the people not yet listed."""
    known = _known_jurisdictions(session)
    by_ref: dict[str, Intermediary] = {}
    for item in data.get("intermediaries", []):
        if item["jurisdiction"] not in known:
            continue
        found = session.exec(select(Intermediary).where(Intermediary.ref == item["ref"])).first()
        values = {k: v for k, v in item.items() if k != "people"}
        found = found or Intermediary(**values)
        found.sqlmodel_update(values)
        session.add(found)
        session.flush()
        names = {p.name for p in session.exec(
            select(Person).where(Person.intermediary_id == found.id)).all()}
        for person in item.get("people", []):
            if person["name"] not in names:
                session.add(Person(intermediary_id=found.id or 0, **person))
        by_ref[item["ref"]] = found
    session.flush()
    return by_ref


def seed_activities(session: Session, data: dict, intermediaries: dict[str, Intermediary]
                    ) -> tuple[int, int]:
    """Trainings with generated participants, and FDI projects per year; skips existing refs."""
    rng = random.Random(RANDOM_SEED)
    known = _known_jurisdictions(session)
    people: dict[str, list[TrainingParticipantBase]] = {}
    trainings = 0
    for item in data.get("trainings", []):
        j = item["jurisdiction"]
        orgs = [e.name for e in session.exec(
            select(Enterprise).where(Enterprise.jurisdiction == j).order_by(col(Enterprise.id)))]
        orgs += ["Sở Khoa học và Công nghệ", "Phòng Kinh tế – Hạ tầng"]
        seen = people.setdefault(j, [])
        repeats = rng.sample(seen, min(item["repeat"], len(seen)))
        fresh = [TrainingParticipantBase(name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} "
                                 f"{rng.choice(GIVEN)}", organisation=rng.choice(orgs))
                 for _ in range(item["participants"] - len(repeats))]
        seen += fresh
        if j not in known or session.exec(
                select(Training).where(Training.ref == item["ref"])).first():
            continue
        organiser = intermediaries.get(item.get("organiser", ""))
        record_training(session, TrainingCreate(
            ref=item["ref"], course=item["course"], jurisdiction=j,
            held_on=date.fromisoformat(item["held_on"]), format=item["format"],
            organiser_id=organiser.id if organiser else None, participants=repeats + fresh),
            policy=SYSTEM)
        trainings += 1
    projects = 0
    countries = ["KR", "JP", "CN", "SG", "DE", "TW", "US", "IT"]
    existing = set(session.exec(select(FdiProject.ref)).all())
    for j, years in data.get("fdi", {}).items():
        if j not in known:
            continue
        for year, (with_transfer, without) in years.items():
            for n in range(with_transfer + without):
                ref = f"FDI-{j}-{year}-{n + 1:03d}"
                if ref in existing:
                    continue
                session.add(FdiProject(ref=ref, name=f"Dự án FDI {j} {year} số {n + 1}",
                                       jurisdiction=j, investor_country=countries[n % 8],
                                       year=int(year), with_transfer=n < with_transfer))
                projects += 1
    session.flush()
    return trainings, projects


def _pairs(session: Session, jurisdiction: str, catalog: SectorCatalog
           ) -> list[tuple[Need, Dossier]]:
    """Every (need, dossier) of the jurisdiction whose sector themes meet."""
    needs = session.exec(select(Need, Enterprise)
                         .join(Enterprise, col(Enterprise.id) == Need.enterprise_id)
                         .where(Enterprise.jurisdiction == jurisdiction)
                         .order_by(col(Need.ref))).all()
    dossiers = list(session.exec(select(Dossier).order_by(col(Dossier.ref))).all())
    return [(need, d) for need, _ in needs for d in dossiers
            if catalog.themes(need.sector_codes) & catalog.themes(d.sector_codes)]


@dataclass
class _Quota:
    """How many more contracts the history may sign, and registrations numbered per year."""

    left: int
    issued: Counter[int] = field(default_factory=Counter)


def _advance(session: Session, rng: random.Random, intro: Introduction, start: date,
             actor: str, quota: _Quota) -> None:
    """Walk an introduction some way down the pipeline, never past the end of the history."""
    on = start
    roll = rng.random()
    steps = ([IntroductionStatus.interested, IntroductionStatus.negotiating] if roll < 0.35
             else [IntroductionStatus.interested] if roll < 0.55 else [])
    for status in steps:
        on += timedelta(days=rng.randint(14, 75))
        if on > HISTORY[1]:
            return
        set_status(session, intro, status, on=on, actor=actor)
    end = rng.random()
    on += timedelta(days=rng.randint(20, 120))
    if on > HISTORY[1]:
        return
    if len(steps) == 2 and quota.left > 0 and end < 0.45 and on >= FIRST_CONTRACT:
        quota.left -= 1
        quota.issued[on.year] += 1
        dossier = session.get(Dossier, intro.dossier_id)
        modes = dossier.transfer_modes if dossier else []
        price = (dossier.price_max or dossier.price_min) if dossier else None
        registered = on + timedelta(days=rng.randint(10, 40))
        record_transfer(session, intro, TransferCreate(
            contract_date=on, value=price, currency=dossier.currency if dossier else "USD",
            mode=TransferMode(modes[0]) if modes else TransferMode.licence,
            registration_number=f"{quota.issued[on.year]:02d}/{on.year}/GCN-SKHCN",
            registration_date=min(registered, HISTORY[1]), actor=actor,
            note="contract signed"))
    elif end < 0.55:
        set_status(session, intro, IntroductionStatus.declined, on=on, actor=actor,
                   decline_reason=rng.choice(list(DeclineReason)))
    elif end < 0.65:
        set_status(session, intro, IntroductionStatus.stalled, on=on, actor=actor,
                   note="no answer for three months")


def seed_history(session: Session, intermediaries: dict[str, Intermediary]) -> int:
    """The generated introduction history; nothing when it exists or records are missing."""
    if session.exec(select(Introduction).where(col(Introduction.ref).startswith("SEED-I-"))
                    ).first():
        return 0
    catalog = SectorCatalog.from_session(session)
    rng = random.Random(RANDOM_SEED)
    days = (HISTORY[1] - HISTORY[0]).days
    made = 0
    for jurisdiction, total in INTRODUCTIONS.items():
        pairs = _pairs(session, jurisdiction, catalog)
        brokers = [i for i in intermediaries.values() if i.jurisdiction == jurisdiction]
        if not pairs:
            continue
        chosen = rng.sample(pairs, min(total, len(pairs)))
        dates = sorted(HISTORY[0] + timedelta(days=int(days * rng.random() ** 0.8))
                       for _ in chosen)
        quota = _Quota(4 if jurisdiction == "BG" else 3)
        for (need, dossier), on in zip(chosen, dates, strict=True):
            broker = rng.choice(brokers) if brokers else None
            made += 1
            actor = "seed"
            intro = introduce(session, dossier_id=dossier.id or 0,
                              enterprise_id=need.enterprise_id, need_id=need.id,
                              intermediary_id=broker.id if broker else None, on=on,
                              channel=rng.choice(CHANNELS), actor=actor,
                              ref=f"SEED-I-{made:04d}", policy=SYSTEM)
            _advance(session, rng, intro, on, actor, quota)
    return made


def seed_ledger(session: Session, seed_dir: Path) -> dict[str, int]:
    """Load everything under `seed_dir/ledger`; the caller commits. Returns counts."""
    folder = seed_dir / "ledger"
    plans = seed_plans(session, _load(folder / "plans.json"))
    intermediaries = seed_intermediaries(session, _load(folder / "intermediaries.json"))
    trainings, projects = seed_activities(session, _load(folder / "activities.json"),
                                          intermediaries)
    return {"plans": plans, "intermediaries": len(intermediaries), "trainings": trainings,
            "fdi_projects": projects, "introductions": seed_history(session, intermediaries)}
