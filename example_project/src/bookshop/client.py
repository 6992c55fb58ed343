"""The Bookshop API client: typed results, and errors that say what went wrong."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import requests


class BookshopError(Exception):
    """The API answered with an error the client does not handle."""


class BookNotFound(BookshopError):
    pass


class OutOfStock(BookshopError):
    pass


@dataclass(frozen=True)
class Book:
    id: str
    title: str
    author: str
    price: float


@dataclass(frozen=True)
class Review:
    id: str
    book_id: str
    rating: int
    created_at: str


@dataclass(frozen=True)
class Order:
    id: str
    book_id: str
    quantity: int
    status: str


class BookshopClient:
    """Talks to the Bookshop API at `base_url` (default: the BOOKSHOP_URL variable)."""

    def __init__(
        self, base_url: str | None = None, api_key: str | None = None, timeout: float = 5
    ) -> None:
        self.base_url = (base_url or os.environ["BOOKSHOP_URL"]).rstrip("/")
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        if api_key:
            self.session.headers["x-api-key"] = api_key
        self.timeout = timeout

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        response = self.session.request(
            method, self.base_url + path, timeout=self.timeout, **kwargs
        )
        if response.status_code >= 500:
            raise BookshopError(f"{method} {path}: server error {response.status_code}")
        return response

    def list_books(self, author: str | None = None) -> list[Book]:
        params = {"author": author} if author else None
        response = self._call("GET", "/books", params=params)
        response.raise_for_status()
        return [Book(**book) for book in response.json()["books"]]

    def get_book(self, book_id: str) -> Book:
        response = self._call("GET", f"/books/{book_id}")
        if response.status_code == 404:
            raise BookNotFound(book_id)
        response.raise_for_status()
        return Book(**response.json())

    def add_review(self, book_id: str, rating: int, text: str) -> Review:
        response = self._call(
            "POST", f"/books/{book_id}/reviews", json={"rating": rating, "text": text}
        )
        response.raise_for_status()
        data = response.json()
        return Review(data["id"], data["bookId"], int(data["rating"]), data["createdAt"])

    def place_order(self, book_id: str, quantity: int = 1) -> Order:
        response = self._call("POST", "/orders", json={"bookId": book_id, "quantity": quantity})
        if response.status_code == 422:
            raise OutOfStock(response.json()["error"]["message"])
        response.raise_for_status()
        return self._order(response.json())

    def list_orders(self) -> list[Order]:
        response = self._call("GET", "/orders")
        response.raise_for_status()
        return [self._order(order) for order in response.json()["orders"]]

    def get_order(self, order_id: str) -> Order:
        response = self._call("GET", f"/orders/{order_id}")
        response.raise_for_status()
        return self._order(response.json())

    @staticmethod
    def _order(data: dict[str, Any]) -> Order:
        return Order(data["id"], data["bookId"], int(data["quantity"]), data["status"])
