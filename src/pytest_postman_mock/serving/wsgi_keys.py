"""Keys the WSGI app and the connection handler share in a request's environ."""

BODY_READ = "pytest_postman_mock.body_read"
"""Set by an app that read the whole request body, so the connection may be kept alive."""

FAULT = "pytest_postman_mock.fault"
"""Set by the app to a `Fault` (behavior_settings) when the call must end in a network fault:
the connection layer then hands the socket to `serving.faults.carry_out` instead of sending."""
