"""Small projects with their own layers, as a new user brings them: files by path."""

from __future__ import annotations

SHOP_PYPROJECT = """\
[project]
name = "shop"
version = "0.1.0"

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
addopts = "-p no:cacheprovider"

[tool.importlinter]
root_package = "shop"

[[tool.importlinter.contracts]]
name = "Shop layers"
type = "layers"
layers = ["shop.api", "shop.services", "shop.repositories", "shop.models"]
"""

PRICING = '''\
"""Prices: pure computation on the models."""

from shop.models.order import Line


def total(lines: list[Line]) -> int:
    return sum(line.price * line.quantity for line in lines)
'''

#: shop/api, shop/services, shop/repositories, shop/models and tests/, with one real breach:
#: the orders repository imports the pricing service above it.
SHOP: dict[str, str | bytes] = {
    "pyproject.toml": SHOP_PYPROJECT,
    "shop/__init__.py": "",
    "shop/api/__init__.py": "",
    "shop/api/orders.py": (
        '"""HTTP-facing order handlers."""\n\n'
        "from shop.services.ordering import place_order\n\n\n"
        "def create_order(lines):\n"
        '    return {"id": place_order(lines).id}\n'
    ),
    "shop/services/__init__.py": "",
    "shop/services/ordering.py": (
        "from shop.models.order import Order\n"
        "from shop.repositories.orders import save\n"
        "from shop.services.pricing import total\n\n\n"
        "def place_order(lines):\n"
        "    order = Order(id=len(lines), lines=tuple(lines), total=total(lines))\n"
        "    save(order)\n"
        "    return order\n"
    ),
    "shop/services/pricing.py": PRICING,
    "shop/repositories/__init__.py": "",
    "shop/repositories/orders.py": (
        "from shop.models.order import Order\n"
        "from shop.services.pricing import total\n\n"
        "_STORE: dict[int, Order] = {}\n\n\n"
        "def save(order: Order) -> None:\n"
        "    assert order.total == total(list(order.lines))\n"
        "    _STORE[order.id] = order\n"
    ),
    "shop/models/__init__.py": "",
    "shop/models/order.py": (
        "from dataclasses import dataclass\n\n\n"
        "@dataclass(frozen=True)\n"
        "class Line:\n"
        "    price: int\n"
        "    quantity: int\n\n\n"
        "@dataclass(frozen=True)\n"
        "class Order:\n"
        "    id: int\n"
        "    lines: tuple[Line, ...]\n"
        "    total: int\n"
    ),
    "tests/test_orders.py": (
        "from shop.api.orders import create_order\n"
        "from shop.models.order import Line\n"
        "from shop.services.pricing import total\n\n\n"
        "def test_total():\n"
        "    assert total([Line(2, 3)]) == 6\n\n\n"
        "def test_create_order():\n"
        '    assert create_order([Line(1, 1)]) == {"id": 1}\n'
    ),
}

BLOG_IMPORTLINTER = """\
[importlinter]
root_package = blog

[importlinter:contract:layers]
name = Blog layers
type = layers
containers =
    blog
layers =
    web | cli
    core
exhaustive = true
exhaustive_ignores =
    posts

[importlinter:contract:pure-core]
name = The core is pure
type = forbidden
source_modules =
    blog.core
forbidden_modules =
    sqlite3
    blog.web

[importlinter:contract:apart]
name = Posts and users stay apart
type = independence
modules =
    blog.posts
    blog.users
ignore_imports =
    blog.users.admin -> blog.posts.moderation

[importlinter:contract:acyclic]
name = No cycles
type = acyclic_siblings
ancestors =
    blog
"""

#: Contracts of every supported kind (and one that is not), each broken once.
BLOG: dict[str, str | bytes] = {
    ".importlinter": BLOG_IMPORTLINTER,
    "blog/__init__.py": "",
    "blog/web/__init__.py": "",
    "blog/web/app.py": "from blog.core.text import slug\n",
    "blog/cli/__init__.py": "",
    "blog/cli/main.py": "from blog.web.app import slug\n",  # independent siblings
    "blog/core/__init__.py": "",
    "blog/core/text.py": "def slug(title):\n    return title.lower()\n",
    "blog/core/store.py": "import sqlite3\n",  # forbidden, and a lower layer is fine
    "blog/core/render.py": "from blog.web import app\n",  # forbidden + the layer above
    "blog/posts/__init__.py": "",
    "blog/posts/authors.py": "from blog.users.profiles import name\n",  # not independent
    "blog/posts/moderation.py": "",
    "blog/users/__init__.py": "",
    "blog/users/profiles.py": "def name(user):\n    return user\n",
    "blog/users/admin.py": "from blog.posts import moderation\n",  # ignored by the contract
}
