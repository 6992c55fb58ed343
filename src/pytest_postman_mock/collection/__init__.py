"""Postman collections and environments: the file formats and their frozen model."""

from .loader import load_collection, load_environment
from .model import (
    Body,
    Collection,
    Environment,
    Example,
    GraphQLBody,
    Item,
    RequestSpec,
    UrlTemplate,
    Variable,
)

__all__ = [
    "Body",
    "Collection",
    "Environment",
    "Example",
    "GraphQLBody",
    "Item",
    "RequestSpec",
    "UrlTemplate",
    "Variable",
    "load_collection",
    "load_environment",
]
