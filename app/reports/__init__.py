"""The papers the desk prints: PDFs rendered from Jinja templates with WeasyPrint."""
