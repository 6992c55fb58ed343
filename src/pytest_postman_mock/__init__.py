"""pytest-postman-mock: a Postman collection's saved examples as a local mock server.

Use it from pytest (the `postman_mock` fixture and marker), from any Python
code (`MockServer`), or from the shell (`postman-mock serve`).
"""

from .calls.handlers import HandlerRequest, handler
from .calls.log import Call, CallLog
from .calls.responses import MockResponse
from .calls.state import State
from .engine.near_misses import NearMiss
from .errors import CollectionError, PostmanMockError, ServerError, SettingsError
from .plugin.fixture import PostmanMock
from .serving.server import MockServer
from .settings import MockSettings

__version__ = "0.1.0"

__all__ = [
    "Call",
    "CallLog",
    "CollectionError",
    "HandlerRequest",
    "MockResponse",
    "MockServer",
    "MockSettings",
    "NearMiss",
    "PostmanMock",
    "PostmanMockError",
    "ServerError",
    "SettingsError",
    "State",
    "__version__",
    "handler",
]
