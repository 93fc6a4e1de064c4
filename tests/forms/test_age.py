"""One definition of an age: the dates' wrapper and the criteria's 31 August agree with it."""

from datetime import date, timedelta

from forms.age import age_on_31_august, full_years
from forms.validation import age_on


def test_every_birthday_of_a_leap_year_gives_one_age_everywhere():
    day = date(2008, 1, 1)
    while day.year == 2008:
        birth = (day.year, day.month, day.day)
        expected = 2016 - 2008 - (day > date(2008, 8, 31))
        assert age_on_31_august(birth, 2016) == expected
        assert full_years(birth, (2016, 8, 31)) == expected
        assert age_on(day, date(2016, 8, 31)) == expected
        day += timedelta(days=1)


def test_born_after_the_day_is_negative():
    assert full_years((2017, 9, 1), (2017, 8, 31)) == -1
    assert full_years((2017, 8, 31), (2017, 8, 31)) == 0
