"""A small world for the search and needs pages' tests: dossiers in the index (one with a
supplier contact, one Vietnamese), an enterprise in Bắc Giang and one in Hải Phòng, each with a
public and a confidential need, written through the same services as the API."""

from dataclasses import dataclass

from matcher.auth.policy import SYSTEM
from matcher.models import DossierCreate, EnterpriseCreate, NeedCreate
from matcher.platform.runtime import Runtime
from matcher.services import dossiers, enterprises, needs
from tests.factories import dossier_payload, enterprise_payload, need_payload, tax_code

CONTACT = "tt@hanbit.example"
VI_TITLE = "Máy sấy bơm nhiệt cho vải thiều và nhãn"


@dataclass
class World:
    dryer: int  # English dossier with a supplier contact
    vi_dryer: int  # Vietnamese dossier
    drone: int
    bg: int
    hp: int
    bg_public: int
    bg_confidential: int
    hp_public: int
    hp_confidential: int


def build(runtime: Runtime) -> World:
    ids: dict[str, int] = {}
    with runtime.session() as session:
        for name, body in (
                ("dryer", dossier_payload(supplier_contact=CONTACT)),
                ("vi_dryer", dossier_payload(
                    title=VI_TITLE, language="vi", origin_country="VN",
                    summary="Sấy vải thiều, nhãn bằng bơm nhiệt tuần hoàn kín, giữ màu và hương.",
                    description="Máy sấy tiết kiệm điện cho hợp tác xã nông sản.",
                    keywords=["sấy", "bơm nhiệt"])),
                ("drone", dossier_payload(
                    title="Wind turbine blade inspection drone", summary="Drone inspection.",
                    description="Autonomous drones inspect wind turbine blades.",
                    sector_codes=["VN-01"], keywords=["drone", "wind"]))):
            made = dossiers.create_dossier(session, DossierCreate.model_validate(body))
            runtime.commit(session, name)
            ids[name] = made.id  # type: ignore[assignment]
        for name, body in (
                ("bg", enterprise_payload()),
                ("hp", enterprise_payload(tax_code=tax_code("03"),
                                          name="Công ty CP Cơ khí Hải Phòng",
                                          province="Hải Phòng", jurisdiction="HP",
                                          main_sector="HP-1.1"))):
            made = enterprises.create_enterprise(session, SYSTEM,
                                                 EnterpriseCreate.model_validate(body))
            runtime.commit(session, name)
            ids[name] = made.id  # type: ignore[assignment]
        for province, sector in (("bg", "BG-d"), ("hp", "HP-1.1")):
            for level in ("public", "confidential"):
                made = needs.create_need(session, SYSTEM, NeedCreate.model_validate(need_payload(
                    ids[province], sector_codes=[sector], confidentiality=level,
                    title=f"Sấy vải thiều {province} {level}")))
                runtime.commit(session, f"{province} {level}")
                ids[f"{province}_{level}"] = made.id  # type: ignore[assignment]
    return World(**ids)
