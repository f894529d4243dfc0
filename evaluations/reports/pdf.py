"""HTML → PDF with WeasyPrint, fetching nothing but the application's own static files.

User text reaches the PDF only through Django templates (autoescaped), and the URL fetcher
refuses every URL except ``appstatic:`` ones that resolve inside the static directories: no
``file://``, no network, no ``data:``.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.logger import PROGRESS_LOGGER
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_SCHEME = "appstatic:"
logger = logging.getLogger(__name__)


class BlockedURL(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serves ``appstatic:css/pdf.css`` from the static files; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["appstatic"])
        self.blocked: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if not url.startswith(STATIC_SCHEME):
            self.blocked.append(url)
            raise BlockedURL(f"blocked: {url[:80]}")
        relative = url.removeprefix(STATIC_SCHEME).lstrip("/")
        if ".." in Path(relative).parts:
            self.blocked.append(url)
            raise BlockedURL(f"blocked: {url[:80]}")
        path = finders.find(relative)
        if not path:
            raise BlockedURL(f"not a static file: {relative}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, Path(path).read_bytes(), headers={"Content-Type": content_type}
        )


@dataclass
class RenderResult:
    pdf: bytes
    pages: int
    blocked: list[str]


class _StepHandler(logging.Handler):
    """Turns WeasyPrint's progress log ("Step 3 - ...") into a callback with a fraction."""

    STEP = re.compile(r"Step (\d)")

    def __init__(self, callback: Callable[[float], None]) -> None:
        super().__init__()
        self.callback = callback

    def emit(self, record: logging.LogRecord) -> None:
        match = self.STEP.search(record.getMessage())
        if match:
            self.callback(min(int(match.group(1)), 6) / 6)


def render_pdf(
    html: str,
    *,
    on_progress: Callable[[float], None] | None = None,
) -> RenderResult:
    """Render ``html`` to a tagged (PDF/UA-1) PDF."""
    fetcher = StaticOnlyFetcher()
    handler = _StepHandler(on_progress) if on_progress else None
    previous_level, previous_propagate = PROGRESS_LOGGER.level, PROGRESS_LOGGER.propagate
    if handler:
        # Listen to the steps without printing them into the worker's log.
        PROGRESS_LOGGER.addHandler(handler)
        PROGRESS_LOGGER.setLevel(logging.INFO)
        PROGRESS_LOGGER.propagate = False
    try:
        document = HTML(string=html, url_fetcher=fetcher, base_url=STATIC_SCHEME).render(
            pdf_variant="pdf/ua-1"
        )
        pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    finally:
        if handler:
            PROGRESS_LOGGER.removeHandler(handler)
            PROGRESS_LOGGER.setLevel(previous_level)
            PROGRESS_LOGGER.propagate = previous_propagate
    if fetcher.blocked:
        logger.warning(
            "PDF renderer refused %d URL(s): %s", len(fetcher.blocked), fetcher.blocked[:5]
        )
    return RenderResult(pdf=pdf, pages=len(document.pages), blocked=fetcher.blocked)
