"""Page or fragment: one helper decides, for every view, from the request's htmx headers."""
from flask import Flask, Response, render_template, request


def is_fragment_request() -> bool:
    """True for htmx requests that swap part of a page; boosted and history-restore requests get the page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_fragment(page_template: str, fragment_template: str, **context) -> str:
    """The whole page, or for htmx only the fragment the page itself includes."""
    return render_template(fragment_template if is_fragment_request() else page_template, **context)


def _vary_on_htmx(response: Response) -> Response:
    # The same URL answers a page or a fragment: caches must keep them apart.
    response.vary.add("HX-Request")
    return response


def register(app: Flask) -> None:
    app.after_request(_vary_on_htmx)
