"""Pure helpers of the search page."""

from werkzeug.datastructures import MultiDict

from directory.web.links import filled_args
from directory.web.views import page_numbers


def test_page_numbers_skip_the_far_pages():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(2, 4) == [1, 2, 3, 4]
    assert page_numbers(10, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert page_numbers(4, 20) == [1, 2, 3, 4, 5, 6, None, 20]


def test_empty_form_values_are_dropped_and_the_rest_kept_in_order():
    args = MultiDict([("q", " "), ("niveau", "A1"), ("age", ""), ("niveau", "B1")])
    assert list(filled_args(args).items(multi=True)) == [("niveau", "A1"), ("niveau", "B1")]
