import pytest

from tests.comments.support import make_item


@pytest.fixture
def item(db, make_user):
    return make_item(make_user("itemauthor"))
