"""Crossref and PubMed as recorded answers behind httpx.MockTransport (no network)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx

from references import lookup

FIXTURES = Path(__file__).parent / "fixtures" / "references"

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def _file_name(doi: str) -> str:
    return doi.replace("/", "_")


class FakeServices:
    """Answers from tests/fixtures/references; `answer(key, …)` overrides one route.

    Route keys: ("crossref", doi), ("crossref-updates", doi), ("pubmed", "id1,id2").
    """

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.overrides: dict[tuple[str, str], Answer] = {}

    def answer(self, service: str, key: str, answer: Answer) -> None:
        self.overrides[(service, key)] = answer

    def client(self) -> httpx.Client:
        return lookup.make_client(httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        route = self._route(request)
        override = self.overrides.get(route)
        if isinstance(override, Exception):
            raise override
        if isinstance(override, httpx.Response):
            return override
        if override is not None:
            return override(request)
        service, key = route
        if service == "crossref":
            return self._file(f"crossref_work_{_file_name(key)}.json") or httpx.Response(
                404, text="Resource not found.", headers={"content-type": "text/plain"}
            )
        if service == "crossref-updates":
            name = f"crossref_notices_{_file_name(key)}.json"
            return self._file(name) or self._file("crossref_notices_none.json")
        return self._pubmed(key.split(","))

    def _route(self, request: httpx.Request) -> tuple[str, str]:
        host, path = request.url.host, unquote(request.url.path)
        if host == "api.crossref.org" and path.startswith("/works/"):
            return "crossref", path[len("/works/") :].lower()
        if host == "api.crossref.org" and path == "/works":
            return "crossref-updates", request.url.params["filter"].removeprefix("updates:")
        if host == "eutils.ncbi.nlm.nih.gov":
            return "pubmed", request.url.params["id"]
        raise AssertionError(f"unexpected request to {request.url}")

    def _file(self, name: str) -> httpx.Response | None:
        path = FIXTURES / name
        if not path.exists():
            return None
        return httpx.Response(200, json=json.loads(path.read_text()))

    def _pubmed(self, pmids: list[str]) -> httpx.Response:
        result: dict[str, Any] = {"uids": pmids}
        for pmid in pmids:
            path = FIXTURES / f"pubmed_esummary_{pmid}.json"
            if path.exists():
                result[pmid] = json.loads(path.read_text())["result"][pmid]
            else:
                result[pmid] = {"uid": pmid, "error": "cannot get document summary"}
        return httpx.Response(200, json={"header": {"type": "esummary"}, "result": result})
