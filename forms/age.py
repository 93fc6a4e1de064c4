"""Age in full years, defined once; the criteria and the reports count it on 31 August."""

from __future__ import annotations

# docs/domain.md: ages are full years on 31 August of the evaluation year (the school-year date).
AGE_DAY = (8, 31)


def full_years(birth: tuple[int, int, int], on: tuple[int, int, int]) -> int:
    """Full years on `on` of someone born on `birth`, both (year, month, day); negative when
    born after `on`. Born on 29 February: a year older on 1 March of a common year."""
    return on[0] - birth[0] - ((on[1], on[2]) < (birth[1], birth[2]))


def age_on_31_august(birth: tuple[int, int, int], year: int) -> int:
    """Full years on 31 August of year: born on 31 August → already had the birthday,
    born on 1 September or later in the year → not yet."""
    return full_years(birth, (year, *AGE_DAY))
