"""The client under test, pointed at the mock server of the Bookshop collection."""

import pytest
from bookshop import BookshopClient


@pytest.fixture
def client(postman_mock):
    # The environment's baseUrl is http://localhost:8080/v1, so example paths start with /v1.
    return BookshopClient(postman_mock.url_for("/v1"))
