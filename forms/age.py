"""The year's reference dates, declared once, and age in full years.

docs/domain.md: a household's members in a year are those present on 31 December of the year
(membership and money); ages for schooling are full years on 31 August (the school-year date).
"""

from __future__ import annotations

AGE_DAY = (8, 31)
MEMBERSHIP_DAY = (12, 31)


def full_years(birth: tuple[int, int, int], on: tuple[int, int, int]) -> int:
    """Full years on `on` of someone born on `birth`, both (year, month, day); negative when
    born after `on`. Born on 29 February: a year older on 1 March of a common year."""
    return on[0] - birth[0] - ((on[1], on[2]) < (birth[1], birth[2]))


def age_on_31_august(birth: tuple[int, int, int], year: int) -> int:
    """Full years on 31 August of year: born on 31 August → already had the birthday,
    born on 1 September or later in the year → not yet."""
    return full_years(birth, (year, *AGE_DAY))


def membership_day(year: int) -> tuple[int, int, int]:
    """The day whose members are the household's members of the year."""
    return (year, *MEMBERSHIP_DAY)
