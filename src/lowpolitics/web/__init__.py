"""The web app: server-rendered pages (Jinja2 + htmx) and the JSON API, over the same library
functions as the CLI. ``create_app`` builds it for one database."""

from lowpolitics.web.app import create_app

__all__ = ["create_app"]
