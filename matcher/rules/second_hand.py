"""Decision 18/2019/QĐ-TTg: imported second-hand machinery, equipment and production lines
must in general be no more than 10 years old; an older one is flagged for appraisal."""

from datetime import date

from matcher.models import Dossier
from matcher.models.enums import Severity
from matcher.rules.feasibility import MAX_SECOND_HAND_AGE
from matcher.rules.screening import Finding


class SecondHandAgeRule:
    """A warning when the dossier offers second-hand equipment made more than
    `MAX_SECOND_HAND_AGE` years before `today` (the year of manufacture is what the dossier
    states; without it there is nothing to judge)."""

    name = "second_hand_age"

    def __init__(self, max_age: int = MAX_SECOND_HAND_AGE) -> None:
        self.max_age = max_age

    def check(self, dossier: Dossier, today: date) -> list[Finding]:
        if not dossier.second_hand or dossier.equipment_year is None:
            return []
        age = today.year - dossier.equipment_year
        if age <= self.max_age:
            return []
        return [Finding(
            rule=self.name, severity=Severity.warning,
            message_vi=f"thiết bị đã qua sử dụng sản xuất năm {dossier.equipment_year}, "
                       f"{age} năm tuổi, vượt giới hạn {self.max_age} năm của Quyết định "
                       f"18/2019/QĐ-TTg",
            message_en=f"second-hand equipment made in {dossier.equipment_year} is {age} years "
                       f"old, over the {self.max_age}-year limit of Decision 18/2019/QĐ-TTg",
            evidence=f"equipment_year={dossier.equipment_year}")]
