"""Where the dashboard's figures come from, behind one interface: the configured database
through shared/ (LocalSource, on the server) or the JSON API over HTTP (RemoteSource).
Both return the API's JSON shapes, so screens never know which one they talk to.
Methods block: screens call them from worker threads only."""
from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

import httpx

from shared.i18n import _


class SourceError(Exception):
    """A fetch failed; `message` (in the dashboard's language) goes to the error banner."""

    def __init__(self, message: str, *, auth: bool = False):
        super().__init__(message)
        self.message = message
        self.auth = auth  # the login is no longer valid


class DataSource(Protocol):
    description: str

    @property
    def authenticated(self) -> bool: ...
    def login(self, username: str, password: str) -> dict: ...
    def me(self) -> dict: ...
    def campaigns(self) -> list[dict]: ...
    def progress(self, campaign: int | None, unit: int | None, as_of: dt.date | None) -> dict: ...
    def progress_by_unit(self, campaign: int | None, parent: int | None, as_of: dt.date | None, *,
                         sort: str | None = None, limit: int | None = None, cursor: str | None = None) -> dict: ...
    def units(self, campaign: int | None, **filters: Any) -> dict: ...
    def report(self, campaign: int | None, unit: int) -> dict | None: ...
    def feed(self, campaign: int | None, limit: int = 20) -> list[dict]: ...
    def level_reports_summary(self, campaign: int | None, as_of: dt.date | None = None) -> dict | None: ...
    def calendar(self, campaign: int | None, as_of: dt.date | None = None) -> dict: ...
    def close(self) -> None: ...


class LocalSource:
    """The configured database, read through the same shared/ functions as the API, with the
    logged-in user's role and scope. One short session per call (calls come from threads)."""

    def __init__(self, database_url: str):
        from shared.db import make_engine, make_session_factory

        self._engine = make_engine(database_url)
        self._sessions = make_session_factory(self._engine)
        self._user_id: int | None = None

    @property
    def description(self) -> str:
        return _("cơ sở dữ liệu cục bộ")

    @property
    def authenticated(self) -> bool:
        return self._user_id is not None

    def _run(self, fn, missing_ok: bool = False):
        from sqlalchemy.exc import SQLAlchemyError

        from shared.errors import DomainError, NotFound
        from shared.models import User

        try:
            with self._sessions() as session:
                user = session.get(User, self._user_id) if self._user_id is not None else None
                if self._user_id is not None and (user is None or not user.active):
                    raise SourceError(_("Tài khoản không còn hiệu lực."), auth=True)
                return fn(session, user)
        except NotFound as exc:
            if missing_ok:
                return None
            raise SourceError(exc.message) from None
        except DomainError as exc:
            raise SourceError(exc.message) from None
        except SQLAlchemyError as exc:
            raise SourceError(_("Không đọc được cơ sở dữ liệu: %(error)s.", error=type(exc).__name__)) from None

    def login(self, username: str, password: str) -> dict:
        from shared import tokens

        def check(session, _user):
            user = tokens.check_credentials(session, username, password)
            if user is None:
                raise SourceError(_("Tên đăng nhập hoặc mật khẩu không đúng."), auth=True)
            return user.id

        self._user_id = self._run(check)
        return self.me()

    def login_as(self, username: str) -> dict:
        """Trust the operator on the server (no password): for tests and `daihoi tui --user`."""
        from sqlalchemy import select

        from shared.models import User

        def find(session, _user):
            user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
            if user is None:
                raise SourceError(_("Không có tài khoản “%(username)s”.", username=username), auth=True)
            return user.id

        self._user_id = self._run(find)
        return self.me()

    def me(self) -> dict:
        from shared.readmodels import unit_dict

        return self._run(lambda s, u: {
            "id": u.id, "username": u.username, "full_name": u.full_name, "role": u.role, "unit": unit_dict(u.unit),
            "locale": u.locale,
        })

    def campaigns(self) -> list[dict]:
        from shared import readmodels

        return self._run(lambda s, u: [readmodels.campaign_dict(c) for c in readmodels.campaigns(s)])

    def progress(self, campaign, unit, as_of) -> dict:
        from shared import readmodels

        return self._run(lambda s, u: readmodels.progress(s, u, readmodels.get_campaign(s, campaign), unit, as_of))

    def progress_by_unit(self, campaign, parent, as_of, *, sort=None, limit=None, cursor=None) -> dict:
        from shared import readmodels

        return self._run(lambda s, u: readmodels.progress_children(
            s, u, readmodels.get_campaign(s, campaign), parent, as_of, sort=sort, limit=limit, cursor=cursor
        ))

    def units(self, campaign, **filters) -> dict:
        from shared import readmodels

        return self._run(lambda s, u: readmodels.list_units(s, u, readmodels.get_campaign(s, campaign), **filters))

    def report(self, campaign, unit) -> dict | None:
        from shared import readmodels

        return self._run(
            lambda s, u: readmodels.report_dict(readmodels.unit_report(s, u, readmodels.get_campaign(s, campaign), unit)),
            missing_ok=True,
        )

    def feed(self, campaign, limit: int = 20) -> list[dict]:
        from shared import readmodels

        return self._run(
            lambda s, u: readmodels.feed(s, u, readmodels.get_campaign(s, campaign), limit=limit)["items"]
        )

    def level_reports_summary(self, campaign, as_of=None) -> dict | None:
        """The party bodies' level reports received (as of a day); None for a user who does not receive them."""
        from shared import readmodels
        from shared.errors import Forbidden

        def read(session, user):
            try:
                return readmodels.level_report_summary(session, user, readmodels.get_campaign(session, campaign),
                                                       as_of)
            except Forbidden:
                return None

        return self._run(read)

    def calendar(self, campaign, as_of=None) -> dict:
        """The congresses of the user's scope in the 14 days from `as_of` (default today), as they stood then."""
        from shared import readmodels

        return self._run(lambda s, u: readmodels.calendar(s, u, readmodels.get_campaign(s, campaign), as_of=as_of))

    def close(self) -> None:
        self._engine.dispose()


class RemoteSource:
    """The JSON API of a daihoi server. The token lives in memory for this session only."""

    def __init__(self, server: str, *, timeout: float = 5.0, transport: httpx.BaseTransport | None = None):
        self.server = server.rstrip("/")
        self.description = self.server
        self._client = httpx.Client(base_url=self.server + "/api/v1", timeout=timeout, transport=transport)
        self._token: str | None = None

    @property
    def authenticated(self) -> bool:
        return self._token is not None

    def _call(self, method: str, path: str, *, params: dict | None = None, json: Any = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        query = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in (params or {}).items() if v is not None}
        try:
            resp = self._client.request(method, path, params=query, json=json, headers=headers)
        except httpx.TimeoutException:
            raise SourceError(_("Máy chủ %(server)s không trả lời kịp.", server=self.server)) from None
        except httpx.HTTPError:
            raise SourceError(_("Không kết nối được máy chủ %(server)s.", server=self.server)) from None
        if resp.status_code == 401:
            message = self._message(resp) or _("Phiên đăng nhập đã hết hạn.")
            raise SourceError(message, auth=True)
        if resp.status_code == 404 and path.endswith("/report"):
            return resp
        if resp.status_code == 403 and path == "/level-reports/summary":
            return resp
        if resp.status_code >= 400:
            raise SourceError(self._message(resp) or _("Máy chủ báo lỗi %(status)s.", status=resp.status_code))
        return resp

    @staticmethod
    def _message(resp: httpx.Response) -> str | None:
        """The server's error message, in the dashboard's language when the catalogue has it (the server
        writes in its own language, Vietnamese by default; a message with figures in it stays as written)."""
        try:
            message = resp.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            return None
        return _(message) if isinstance(message, str) and message else message

    def login(self, username: str, password: str) -> dict:
        resp = self._call("POST", "/tokens", json={"username": username, "password": password, "name": "daihoi tui"})
        self._token = resp.json()["token"]
        return self.me()

    def me(self) -> dict:
        return self._call("GET", "/me").json()

    def campaigns(self) -> list[dict]:
        return self._call("GET", "/campaigns").json()["items"]

    def progress(self, campaign, unit, as_of) -> dict:
        return self._call("GET", "/progress", params={"campaign": campaign, "unit": unit, "as_of": as_of}).json()

    def progress_by_unit(self, campaign, parent, as_of, *, sort=None, limit=None, cursor=None) -> dict:
        params = {"campaign": campaign, "parent": parent, "as_of": as_of, "sort": sort, "limit": limit,
                  "cursor": cursor}
        return self._call("GET", "/progress/by-unit", params=params).json()

    def units(self, campaign, **filters) -> dict:
        params = {"campaign": campaign, **{("parent" if k == "parent_id" else k): v for k, v in filters.items()}}
        return self._call("GET", "/units", params=params).json()

    def report(self, campaign, unit) -> dict | None:
        resp = self._call("GET", f"/units/{unit}/report", params={"campaign": campaign})
        return None if resp.status_code == 404 else resp.json()

    def feed(self, campaign, limit: int = 20) -> list[dict]:
        return self._call("GET", "/reports", params={"campaign": campaign, "limit": limit}).json()["items"]

    def level_reports_summary(self, campaign, as_of=None) -> dict | None:
        """The party bodies' level reports received (as of a day); None for a user who does not receive them (403)."""
        resp = self._call("GET", "/level-reports/summary", params={"campaign": campaign, "as_of": as_of})
        return None if resp.status_code == 403 else resp.json()

    def calendar(self, campaign, as_of=None) -> dict:
        return self._call("GET", "/calendar", params={"campaign": campaign, "as_of": as_of}).json()

    def close(self) -> None:
        self._client.close()
