"""WSGI entry point: `gunicorn wsgi:app` (production) or `flask --app wsgi run`."""
import os

from app import create_app

app = create_app(os.environ.get("APP_ENV", "development"))
