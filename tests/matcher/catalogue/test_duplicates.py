"""The duplicate detector and the merge service on a real index (bundled e5): a copy typed
without diacritics is found, a merged dossier is no candidate, and only brokers merge."""

import pytest
from sqlmodel import Session

from matcher.auth.keys import Principal
from matcher.auth.models import Role
from matcher.auth.policy import SYSTEM, Policy, Refused
from matcher.catalogue.duplicates import DuplicateDetector
from matcher.catalogue.merging import merge_dossier
from matcher.ingest.importer import import_records
from matcher.ingest.tabular import ImportFailed
from matcher.models import Dossier, DossierCreate
from matcher.platform.runtime import Runtime
from matcher.search.documents import dossier_document
from matcher.services.dossiers import create_dossier
from matcher.text.vietnamese import strip_diacritics
from tests.catalogue_data import GENUINE, seed_dossier


def store(runtime: Runtime, session: Session, *bodies: dict) -> list[Dossier]:
    made = [create_dossier(session, DossierCreate.model_validate(b)) for b in bodies]
    runtime.commit(session, "test dossiers")
    return made


def unaccented(ref: str, new_ref: str) -> dict:
    row = seed_dossier(ref)
    return {**row, "ref": new_ref, "source": "imag",
            **{f: strip_diacritics(row[f]) for f in ("title", "summary", "description",
                                                       "advantages")}}


def test_a_copy_typed_without_diacritics_is_found_and_a_merged_one_is_no_candidate(
        runtime: Runtime, session: Session):
    first, other = store(runtime, session, seed_dossier(GENUINE[0]),
                         seed_dossier("D-0001"))
    (copy,) = store(runtime, session, unaccented(GENUINE[0], "IMAG-1"))
    detector = DuplicateDetector(runtime.index, runtime.matches.queries)
    found = detector.find(dossier_document(copy))
    assert [d.id for d in found] == [first.id]
    assert found[0].lexical > 0.8  # folded syllables match with or without diacritics
    assert other.id not in {d.id for d in found}
    merge_dossier(session, SYSTEM, copy.id, first.id)
    runtime.commit(session, "merge")
    assert copy.id not in {i for i, _, _ in detector.scored(dossier_document(first))}


@pytest.mark.parametrize("role", [Role.organiser, Role.enterprise])
def test_only_admins_and_intermediaries_merge(runtime: Runtime, session: Session, role: Role):
    kept, duplicate = store(runtime, session, seed_dossier(GENUINE[0]), seed_dossier(GENUINE[1]))
    policy = Policy(Principal(role=role, org="Org", jurisdiction="BG"))
    with pytest.raises(Refused, match="only an admin or an intermediary merges dossiers"):
        merge_dossier(session, policy, duplicate.id, kept.id)
    assert session.get(Dossier, duplicate.id).status == "active"


def test_an_import_does_not_update_a_merged_dossier(session: Session):
    kept, duplicate = (create_dossier(session, DossierCreate.model_validate(seed_dossier(r)))
                       for r in GENUINE)
    session.commit()
    merge_dossier(session, SYSTEM, duplicate.id, kept.id)
    session.commit()
    row = {**seed_dossier(GENUINE[1]), "title": "Thư viện RFID (bản cập nhật)"}
    with pytest.raises(ImportFailed) as failed:
        import_records(session, "dossiers", [row], upsert=True)
    assert [(e.row, e.field, e.message) for e in failed.value.errors] == [
        (1, "ref", f"'{GENUINE[1]}' was merged into dossier {kept.id}: update that one")]
