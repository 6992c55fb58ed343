"""A stand-in for the real Bookshop API, to try recording without reaching any real server.

It answers `GET /v1/authors/<id>`, which the collection has no request for yet:

    python stand_in_api.py 5001     # serves http://127.0.0.1:5001
"""

import json
import sys

from werkzeug.serving import run_simple
from werkzeug.wrappers import Request, Response

AUTHORS = {
    "1": {"id": 1, "name": "Ursula K. Le Guin", "books": 23},
    "2": {"id": 2, "name": "Italo Calvino", "books": 17},
}


def as_json(payload, status=200):
    return Response(json.dumps(payload), status, content_type="application/json")


@Request.application
def app(request):
    parts = request.path.strip("/").split("/")
    if request.method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "authors"]:
        author = AUTHORS.get(parts[2])
        return as_json(author) if author else as_json({"error": "author not found"}, 404)
    return as_json({"error": "not found"}, 404)


if __name__ == "__main__":
    run_simple("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 5001, app)
