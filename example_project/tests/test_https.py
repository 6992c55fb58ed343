"""The client over HTTPS, and against a flaky server, with the mock's behaviors."""

import pytest
from bookshop import BookshopClient, BookshopError


@pytest.mark.postman_mock(tls=True)
def test_the_client_talks_https_trusting_the_mocks_ca(postman_mock):
    # tls=True serves HTTPS with a certificate from a test CA; ca_bundle is its PEM file.
    client = BookshopClient(postman_mock.url_for("/v1"), verify=postman_mock.ca_bundle)

    assert postman_mock.url.startswith("https://")
    assert client.list_books()[0].title == "A Wizard of Earthsea"


@pytest.mark.postman_mock(error_rate=1, error_statuses="503")
def test_a_failing_server_is_reported_with_its_status(client, postman_mock):
    with pytest.raises(BookshopError, match="server error 503"):
        client.list_books()
    assert postman_mock.calls.last.kind == "behavior"  # never a strict-mode failure
