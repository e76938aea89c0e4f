"""The corpus adapters map real NASA T2 and SBIR records into valid dossiers."""

import pytest

from benchmarks.adapters import (
    NASA_PATH,
    SBIR_PATH,
    SHARED,
    as_document,
    load_sbir,
    nasa_record,
    nasa_rows,
    split_summary,
)
from benchmarks.sector_classifier import default_classifier
from matcher.models import Dossier, DossierCreate
from matcher.search.documents import dossier_document

pytestmark = pytest.mark.skipif(not (SHARED / NASA_PATH).exists()
                                or not (SHARED / SBIR_PATH).exists(),
                                reason="../shared/data is not present")


@pytest.fixture(scope="module")
def nasa_by_kind() -> dict[str, list[dict]]:
    """The first three NASA rows of each kind, mapped, with sectors from the classifier."""
    rows: dict[str, list[dict]] = {"patent": [], "software": [], "spinoff": []}
    for row in nasa_rows():
        if len(rows[row["kind"]]) < 3:
            rows[row["kind"]].append(row)
    classifier = default_classifier()
    mapped = {}
    for kind, kind_rows in rows.items():
        records = [nasa_record(r) for r in kind_rows]
        for record, prediction in zip(records, classifier.predict(
                [f"{r['title']}. {r['description']}" for r in kind_rows]), strict=True):
            record["sector_codes"] = [prediction.code]
        mapped[kind] = records
    return mapped


@pytest.fixture(scope="module")
def sbir() -> list[dict]:
    return load_sbir(limit=40)


def test_nasa_patent_maps_fields(nasa_by_kind):
    spacecube = nasa_by_kind["patent"][0]
    assert spacecube["ref"] == "nasa:GSC-TOPS-35"
    assert spacecube["title"] == "SpaceCube"
    assert spacecube["summary"].startswith("SpaceCube is a cross-cutting, in-flight reconfigurable")
    assert spacecube["origin_country"] == "US"
    assert spacecube["source"] == "other"
    assert spacecube["source_ref"] == "NASA T2 patent GSC-TOPS-35"
    assert spacecube["supplier_org"] == "NASA GSFC"
    assert (spacecube["trl"], spacecube["ipr_status"]) == (3, "patent_granted")
    assert spacecube["transfer_modes"] == ["licence"]
    assert spacecube["keywords"] == ["electrical and electronics"]
    assert spacecube["sector_codes"] == ["VN-01"]  # an FPGA computer: IT and electronics


def test_nasa_software_and_spinoff_map_ipr_and_stage(nasa_by_kind):
    software, spinoff = nasa_by_kind["software"][1], nasa_by_kind["spinoff"][0]
    assert software["ref"] == "nasa:LEW-18562-1"
    assert (software["trl"], software["ipr_status"]) == (None, "copyright")
    assert "release: U.S. Release Only" in software["keywords"]
    assert (spinoff["trl"], spinoff["ipr_status"]) == (9, "none")
    assert spinoff["transfer_modes"] == ["commercial_agreement"]


def test_every_nasa_record_validates_as_dossier_create(nasa_by_kind):
    for records in nasa_by_kind.values():
        for record in records:
            created = DossierCreate.model_validate(record)
            assert created.language == "en"
            assert len(created.sector_codes) == 1


def test_sbir_award_maps_fields(sbir):
    first = sbir[0]
    assert first["ref"] == "sbir:69697"
    assert first["title"] == "AND LINEAL/ROTATIONAL MECHANICAL ADMITTANCE"
    assert first["supplier_org"] == "Acoustical Research & Applicat"
    assert first["source_ref"] == "https://www.sbir.gov/sbirsearch/detail/69697"
    assert first["keywords"] == ["National Science Foundation"]
    assert (first["trl"], first["ipr_status"], first["transfer_modes"]) == (
        3, "know_how", ["rd_cooperation"])


def test_every_sbir_record_validates_as_dossier_create(sbir):
    assert len(sbir) == 40
    for record in sbir:
        created = DossierCreate.model_validate(record)
        assert created.origin_country == "US"
        assert created.trl in (3, 5)
        assert created.sector_codes and created.sector_codes[0].startswith("VN-0")


def test_as_document_indexes_what_the_engine_indexes(sbir):
    record = sbir[3]
    stored = Dossier(**DossierCreate.model_validate(record).model_dump(), id=7)
    assert as_document(record, 7) == dossier_document(stored)


def test_split_summary_takes_a_first_sentence_of_fair_length():
    text = "A compact digester turns pig manure into biogas. It cuts odour. It needs 2 m3."
    assert split_summary(text) == ("A compact digester turns pig manure into biogas.",
                                   "It cuts odour. It needs 2 m3.")
    assert split_summary("Short one. Then the rest of it.") == ("",
                                                                "Short one. Then the rest of it.")
