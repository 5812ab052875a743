"""How a request handler reaches Silver: the services the composition root bound."""

from __future__ import annotations

from flask import current_app

from silver.bootstrap import Silver, silver_of
from silver.services.facade import Services


def silver() -> Silver:
    return silver_of(current_app)


def services() -> Services:
    return silver().services
