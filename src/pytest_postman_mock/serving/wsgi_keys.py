"""Keys the WSGI app and the connection handler share in a request's environ."""

BODY_READ = "pytest_postman_mock.body_read"
"""Set by an app that read the whole request body, so the connection may be kept alive."""
