"""A client for the Bookshop API: books, reviews and orders."""

from .client import Book, BookNotFound, BookshopClient, BookshopError, Order, OutOfStock, Review

__all__ = [
    "Book",
    "BookNotFound",
    "BookshopClient",
    "BookshopError",
    "Order",
    "OutOfStock",
    "Review",
]
