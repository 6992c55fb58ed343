"""pytest-postman-mock: a Postman collection's saved examples as a local mock server.

Use it from pytest (the `postman_mock` fixture and marker), from any Python
code (`MockServer`), or from the shell (`postman-mock serve`).

The names in `__all__` are the public interface; every module below this
package is internal and may change between releases.
"""

from .calls.handlers import HandlerRequest, handler
from .calls.kinds import Kind
from .calls.log import Call, CallLog
from .calls.overrides import Override
from .calls.responses import MockResponse
from .calls.state import State
from .engine.near_misses import NearMiss
from .engine.plans import Rendered
from .engine.request import Incoming
from .errors import CollectionError, PostmanMockError, ServerError, SettingsError
from .plugin.fixture import PostmanMock
from .serving.server import MockServer
from .settings import MockSettings
from .version import __version__

__all__ = [
    "Call",
    "CallLog",
    "CollectionError",
    "HandlerRequest",
    "Incoming",
    "Kind",
    "MockResponse",
    "MockServer",
    "MockSettings",
    "NearMiss",
    "Override",
    "PostmanMock",
    "PostmanMockError",
    "Rendered",
    "ServerError",
    "SettingsError",
    "State",
    "__version__",
    "handler",
]
