"""Swagger UI and ReDoc, served with the assets of the installed fastapi-offline package.

No CDN and no web fonts: the docs work on a network with no way out, and no third party
learns who reads them. Each page sends its own Content-Security-Policy that allows only what
it needs; its inline script is allowed by its hash, computed from the page FastAPI generates,
never by ``'unsafe-inline'``. Swagger UI and ReDoc set inline styles from their scripts, so
styles do need ``'unsafe-inline'``.

ReDoc's side menu shows Redocly's logo from Redocly's CDN, whatever its options: the service
serves ReDoc's bundle with that image replaced by an inline one, so the page asks no other
host for anything (and its policy has nothing to refuse).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from importlib.metadata import version
from importlib.resources import files
from typing import TYPE_CHECKING

from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

if TYPE_CHECKING:
    import os
    from collections.abc import Awaitable, Callable, Mapping

    from fastapi import FastAPI
    from starlette.requests import Request
    from starlette.types import Scope

DOCS_PATH = "/docs"
REDOC_PATH = "/redoc"
ASSETS_DISTRIBUTION = "fastapi-offline"
ASSETS_MODULE = "fastapi_offline"
# The asset URLs name the package version, so browsers may keep them for good.
ASSETS_CACHE_CONTROL = "public, max-age=31536000, immutable"
REDOC_BUNDLE = "redoc.standalone.js"
# The logo ReDoc would load from its CDN, and the transparent pixel it shows instead.
_REDOC_LOGO = b'"https://cdn.redoc.ly/redoc/logo-mini.svg"'
_NO_LOGO = b'"data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"'

_INLINE_SCRIPT = re.compile(rb"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.DOTALL)
# The root path goes into the inline script, which its hash then allows: whatever sets it,
# only plain path segments get there.
_SAFE_ROOT_PATH = re.compile(r"(?:/[A-Za-z0-9._~-]+)*")
# What every docs page may not do, whatever it needs besides.
_BASE_POLICY = {
    "default-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'none'",
    "frame-ancestors": "'none'",
}
_UI_POLICY = {
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
}
# ReDoc runs its search index in a worker it creates from a blob: URL.
_REDOC_POLICY = {**_UI_POLICY, "worker-src": "blob:"}


class _VersionedAssets(StaticFiles):
    """Static files whose URL changes with their content, hence cacheable for good."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = ASSETS_CACHE_CONTROL
        return response


@dataclass(frozen=True, slots=True)
class _Page:
    """A docs page, rendered once, with the policy that lets exactly it run."""

    body: bytes
    content_security_policy: str

    @classmethod
    def of(cls, rendered: Response, directives: Mapping[str, str]) -> _Page:
        body = bytes(rendered.body)
        return cls(body, _content_security_policy(body, directives))

    def response(self) -> HTMLResponse:
        # A new response each time: middleware may change the headers of the one it sends.
        return HTMLResponse(
            self.body, headers={"Content-Security-Policy": self.content_security_policy}
        )


def _content_security_policy(body: bytes, directives: Mapping[str, str]) -> str:
    policy = {**_BASE_POLICY, **directives}
    hashes = [
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode('ascii')}'"
        for script in _INLINE_SCRIPT.findall(body)
    ]
    if hashes:
        policy["script-src"] = " ".join([*policy.get("script-src", "").split(), *hashes])
    return "; ".join(f"{name} {sources}" for name, sources in policy.items())


def install_docs(app: FastAPI) -> None:
    """Serve Swagger UI at ``/docs`` and ReDoc at ``/redoc``, with their assets."""
    openapi_path = app.openapi_url
    if openapi_path is None:
        message = "the API docs need the OpenAPI schema: give the app an openapi_url"
        raise ValueError(message)
    oauth2_redirect_path = app.swagger_ui_oauth2_redirect_url
    assets_path = f"{DOCS_PATH}/static/{version(ASSETS_DISTRIBUTION)}"
    # Before the mount, which would serve the bundle as the package has it.
    app.add_route(f"{assets_path}/{REDOC_BUNDLE}", _redoc_bundle, include_in_schema=False)
    app.mount(
        assets_path,
        _VersionedAssets(packages=[(ASSETS_MODULE, "static")]),
        name="docs-assets",
    )

    # The pages depend on the root path the service is mounted under, which the server
    # decides; there is one in practice, so each page is rendered once.
    swagger_ui = lru_cache(maxsize=8)(partial(_swagger_ui, app, openapi_path, assets_path))
    redoc = lru_cache(maxsize=8)(partial(_redoc, app, openapi_path, assets_path))

    app.add_route(DOCS_PATH, _serve(swagger_ui), include_in_schema=False)
    app.add_route(REDOC_PATH, _serve(redoc), include_in_schema=False)
    if oauth2_redirect_path is not None:
        redirect = _Page.of(get_swagger_ui_oauth2_redirect_html(), {})
        app.add_route(oauth2_redirect_path, _serve(lambda _: redirect), include_in_schema=False)

    # Render at start-up what the configured root path needs.
    root_path = _root_path(app.root_path)
    swagger_ui(root_path)
    redoc(root_path)


def _swagger_ui(app: FastAPI, openapi_path: str, assets_path: str, root_path: str) -> _Page:
    assets = f"{root_path}{assets_path}"
    oauth2_redirect_path = app.swagger_ui_oauth2_redirect_url
    rendered = get_swagger_ui_html(
        openapi_url=f"{root_path}{openapi_path}",
        title=f"{app.title} - Swagger UI",
        swagger_js_url=f"{assets}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url=f"{assets}/favicon.png",
        oauth2_redirect_url=(
            None if oauth2_redirect_path is None else f"{root_path}{oauth2_redirect_path}"
        ),
        init_oauth=app.swagger_ui_init_oauth,
        swagger_ui_parameters=app.swagger_ui_parameters,
    )
    return _Page.of(rendered, _UI_POLICY)


def _redoc(app: FastAPI, openapi_path: str, assets_path: str, root_path: str) -> _Page:
    assets = f"{root_path}{assets_path}"
    rendered = get_redoc_html(
        openapi_url=f"{root_path}{openapi_path}",
        title=f"{app.title} - ReDoc",
        redoc_js_url=f"{assets}/{REDOC_BUNDLE}",
        redoc_favicon_url=f"{assets}/favicon.png",
        with_google_fonts=False,
    )
    return _Page.of(rendered, _REDOC_POLICY)


@cache
def _redoc_bundle_body() -> bytes:
    bundle = files(ASSETS_MODULE).joinpath("static", REDOC_BUNDLE).read_bytes()
    return bundle.replace(_REDOC_LOGO, _NO_LOGO)


async def _redoc_bundle(_: Request) -> Response:
    return Response(
        _redoc_bundle_body(),
        media_type="text/javascript",
        headers={"Cache-Control": ASSETS_CACHE_CONTROL},
    )


def _root_path(root_path: str) -> str:
    root_path = root_path.rstrip("/")
    return root_path if _SAFE_ROOT_PATH.fullmatch(root_path) else ""


def _serve(page: Callable[[str], _Page]) -> Callable[[Request], Awaitable[HTMLResponse]]:
    async def endpoint(request: Request) -> HTMLResponse:
        return page(_root_path(request.scope.get("root_path", ""))).response()

    return endpoint
