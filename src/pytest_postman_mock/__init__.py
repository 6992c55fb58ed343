"""pytest-postman-mock: a Postman collection's saved examples as a local mock server.

Use it from pytest (the `postman_mock` fixture and marker), from any Python
code (`MockServer`), or from the shell (`postman-mock serve`).
"""

from .errors import CollectionError, PostmanMockError, ServerError, SettingsError
from .handle import PostmanMock
from .journal import Call, CallLog, NearMiss
from .server import MockServer
from .settings import MockSettings

__version__ = "0.1.0"

__all__ = [
    "Call",
    "CallLog",
    "CollectionError",
    "MockServer",
    "MockSettings",
    "NearMiss",
    "PostmanMock",
    "PostmanMockError",
    "ServerError",
    "SettingsError",
    "__version__",
]
