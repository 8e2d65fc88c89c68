"""The product catalog: producers, products, fact sheets, import/export, QR labels."""

from studio.catalog.factsheet import facts, missing
from studio.catalog.service import (
    get_product,
    get_workspace,
    list_producers,
    list_products,
    save_producer,
    save_product,
)

__all__ = ["facts", "get_product", "get_workspace", "list_producers", "list_products", "missing",
           "save_producer", "save_product"]
