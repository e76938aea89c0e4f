"""Payload factories for tests: valid records that a test changes one field of."""

from itertools import count
from typing import Any

from matcher.models.tax_code import check_digit

_serial = count(1)


def tax_code(prefix: str = "24") -> str:
    """A fresh, valid 10-digit tax code with the given province prefix."""
    while True:
        head = f"{prefix}{next(_serial):07d}"
        digit = check_digit(head)
        if digit is not None:
            return f"{head}{digit}"


def dossier_payload(**overrides: Any) -> dict[str, Any]:
    n = next(_serial)
    data = {
        "ref": f"T-D-{n}",
        "title": "Heat-pump dryer for fruit",
        "summary": "Closed-loop heat-pump drying of lychee and longan at 45–55 °C.",
        "description": "The dryer recovers latent heat and keeps colour and aroma of fruit.",
        "language": "en",
        "origin_country": "KR",
        "supplier_org": "Hanbit Agritech",
        "supplier_contact": "tt@hanbit.example",
        "source": "kiat",
        "sector_codes": ["VN-04"],
        "keywords": ["heat pump", "fruit drying"],
        "trl": 8,
        "transfer_modes": ["equipment_with_know_how"],
        "price_min": 40000,
        "price_max": 60000,
        "currency": "USD",
        "req_engineers": 1,
    }
    data.update(overrides)
    return data


def enterprise_payload(**overrides: Any) -> dict[str, Any]:
    data = {
        "tax_code": tax_code(),
        "name": "Công ty TNHH Nông sản Lục Ngạn",
        "province": "Bắc Giang",
        "jurisdiction": "BG",
        "district": "Lục Ngạn",
        "size_class": "small",
        "employees": 35,
        "main_sector": "BG-d",
        "engineers": 2,
        "st_budget_vnd": 300_000_000,
    }
    data.update(overrides)
    return data


def need_payload(enterprise_id: int, **overrides: Any) -> dict[str, Any]:
    n = next(_serial)
    data = {
        "ref": f"T-N-{n}",
        "enterprise_id": enterprise_id,
        "title": "Sấy vải thiều",
        "problem": "Vải thiều sấy bằng lò than bị thâm, mất mùi, tốn nhiều than.",
        "desired_result": "Máy sấy tiết kiệm điện, giữ màu và hương vị quả.",
        "sector_codes": ["BG-d"],
        "budget_max_vnd": 2_000_000_000,
    }
    data.update(overrides)
    return data
