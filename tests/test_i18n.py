"""English as the second language: the switch, the catalogues, and no user-facing text outside them."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from jinja2 import Environment

from shared import i18n
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("portal", "shared", "tui")
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2)}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
TRANSLATE_CALLS = {"_", "gettext", "ngettext", "pgettext", "lazy_gettext", "lazy_pgettext", "N_"}
# A letter only Vietnamese text has (the source language is Vietnamese, so such a letter outside a
# translation call is text that English users would see untranslated).
VIETNAMESE = re.compile("[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.I)
# Not user interface: data (demo province names, generated data), Vietnamese input accepted on purpose.
NOT_UI = {
    "shared/demo.py",  # the demo province's data (names of units and people)
    "shared/generate.py",  # generated national data
    "portal/api/openapi.py",  # the API's reference for developers, in Vietnamese like the rest of the docs
}
# Files still to convert (tests/i18n_pending.txt, one path per line). A file leaves the list when its text
# is in the catalogues; the test below fails when a listed file is already clean, so the list only shrinks.
PENDING = {line.strip() for line in (ROOT / "tests" / "i18n_pending.txt").read_text(encoding="utf-8").splitlines()
           if line.strip() and not line.startswith("#")}


def _python_offences(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    allowed: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            allowed.add(id(body[0].value))  # docstrings are for developers
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in TRANSLATE_CALLS:
                allowed.update(id(arg) for arg in node.args[:2])
    offences = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in allowed \
                and VIETNAMESE.search(node.value):
            span = lines[node.lineno - 1:node.end_lineno]
            if not any("noqa: i18n" in line for line in span):
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}")
    return offences


def _template_offences(path: Path) -> list[str]:
    env = Environment(extensions=["jinja2.ext.i18n"])
    offences, recent, in_trans = [], [], False
    for lineno, kind, value in env.lex(path.read_text(encoding="utf-8")):
        if kind == "name" and recent[-1:] == [("block_begin", "{%")]:
            in_trans = value == "trans" or (in_trans and value != "endtrans")
        translated = [v for _, v in recent[-2:]] in (["_", "("], ["gettext", "("], ["ngettext", "("], ["pgettext", "("]) \
            or (len(recent) >= 4 and recent[-1] == ("operator", ",") and recent[-3][1] == "("
                and recent[-4][1] in ("ngettext", "pgettext"))
        if kind in ("data", "string") and VIETNAMESE.search(value) and not in_trans and not translated:
            offences.append(f"{path.relative_to(ROOT)}:{lineno}: {value.strip()[:60]!r}")
        if kind not in ("whitespace",):
            recent.append((kind, value))
    return offences


def _offences(path: Path) -> list[str]:
    return _python_offences(path) if path.suffix == ".py" else _template_offences(path)


def _ui_files() -> list[Path]:
    files = []
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py")) + sorted((ROOT / package).rglob("*.html"))
    return [f for f in files if str(f.relative_to(ROOT)) not in NOT_UI]


def test_no_user_facing_vietnamese_outside_the_catalogues():
    offences = []
    for path in _ui_files():
        if str(path.relative_to(ROOT)) not in PENDING:
            offences += _offences(path)
    assert not offences, "text to mark with _() / lazy_gettext() (or '# noqa: i18n' if not UI):\n" + "\n".join(offences)


def test_pending_list_only_names_files_still_to_convert():
    done = sorted(name for name in PENDING if not _offences(ROOT / name))
    assert not done, f"already converted, remove from PENDING: {done}"


def test_the_lint_catches_hard_coded_text(tmp_path):
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "x.html"
    page.write_text("<p>{{ _('Đã lưu') }}</p>\n<p>Chưa dịch</p>\n{{ x or 'Không có' }}\n"
                    "{% trans %}Trong khối dịch{% endtrans %}\n", encoding="utf-8")
    module = tmp_path / "m.py"
    module.write_text('"""Tài liệu."""\nfrom shared.i18n import _\nA = _("Được dịch")\nB = "Không dịch"\n'
                      'C = "Dữ liệu"  # noqa: i18n\nD = f"Số {A}"\n', encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = _template_offences(page)
        assert len(found) == 2 and "Chưa dịch" in found[0] and "Không có" in found[1]
        assert [o.split(": ", 1)[1] for o in _python_offences(module)] == ["'Không dịch'", "'Số '"]
    finally:
        ROOT = saved


class Contextual(tuple):
    """(context, message) of a pgettext call."""

    def __new__(cls, context: str, message: str):
        return super().__new__(cls, (context, message))


def _translated(english, msgid) -> bool:
    if isinstance(msgid, Contextual):
        return english.upgettext(*msgid) != msgid[1]
    if isinstance(msgid, tuple):
        return english.ungettext(*msgid, 2) != msgid[1]
    return english.ugettext(msgid) != msgid


def _messages() -> dict[str, str]:
    found = {}
    for package in PACKAGES:
        for filename, lineno, message, _comments, context in extract_from_dir(
                str(ROOT / package), method_map=METHODS, keywords=KEYWORDS):
            if isinstance(message, tuple):  # ngettext: (singular, plural), translated as a pair
                message = message[:2]
            if message and context:  # pgettext: the context is part of the key
                message = Contextual(context, message)
            if message:
                found.setdefault(message, f"{package}/{filename}:{lineno}")
    return found


def test_every_message_has_an_english_translation():
    english = i18n.translations("en")
    missing = [f"{where}: {msgid!r}" for msgid, where in _messages().items() if not _translated(english, msgid)]
    assert not missing, "add to shared/translations/en/LC_MESSAGES/*.po:\n" + "\n".join(missing)


def test_no_message_is_translated_two_ways():
    from babel.messages.pofile import read_po

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for po_file in sorted((i18n.CATALOGUE_DIR / "en" / "LC_MESSAGES").glob("*.po")):
        with po_file.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    key = f"{message.context}\x04{message.id}" if message.context else str(message.id)
                    earlier = seen.setdefault(key, (str(message.string), po_file.name))
                    if earlier[0] != str(message.string):  # a plural entry holds a tuple
                        clashes.append(f"{message.id!r}: {earlier} vs {(message.string, po_file.name)}")
    assert not clashes


def test_placeholders_survive_translation():
    english = i18n.translations("en")
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    wrong = [msgid for msgid in _messages() if not isinstance(msgid, tuple)
             and sorted(placeholder.findall(msgid)) != sorted(placeholder.findall(english.ugettext(msgid)))]
    assert not wrong


def test_a_message_can_have_a_context():
    with i18n.language("en"):
        assert i18n.pgettext("cột số báo cáo", "Trả lại") == "Returned"
        assert i18n._("Trả lại") == "Return"
        assert str(i18n.lazy_pgettext("loại văn bản", "Thông báo")) == "Announcement"
    assert i18n.pgettext("cột số báo cáo", "Trả lại") == "Trả lại"


def test_shared_messages_follow_the_language():
    with i18n.language("en"):
        assert i18n._("Đăng nhập") == "Log in"
        label = i18n.lazy_gettext("Mật khẩu")
        assert f"{label}" == "Password"
    assert str(label) == "Mật khẩu"
    assert i18n._("Tên đăng nhập hoặc mật khẩu không đúng.") == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_login_page_switches_language_before_login(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Đăng nhập" in page
    token = csrf_token(client, "/login")
    response = client.post("/language", data={"locale": "en", "next": "/login", "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page and "Username" in page


def test_language_switch_needs_csrf_and_a_known_language(client):
    assert client.post("/language", data={"locale": "en"}).status_code == 400
    token = csrf_token(client, "/login")
    assert client.post("/language", data={"locale": "fr", "csrf_token": token}).status_code == 400


def test_language_switch_never_redirects_off_site(client):
    token = csrf_token(client, "/login")
    response = client.post("/language", data={"locale": "en", "next": "//evil.example/x", "csrf_token": token})
    assert response.headers["Location"].endswith("/")
    assert "evil" not in response.headers["Location"]


def test_choice_is_kept_on_the_account(client, factory, login_as, db):
    tree = factory.tree()
    user = factory.user("district", tree.d1, username="en_user")
    login_as(user)
    token = csrf_token(client, "/")
    client.post("/language", data={"locale": "en", "next": "/", "csrf_token": token})
    db.expire_all()
    assert db.get(type(user), user.id).locale == "en"
    page = client.get("/").get_data(as_text=True)
    assert "Log out" in page and "Đăng xuất" not in page
    # After logout the login page stays in English; a new login keeps English.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert "Log in" in client.get("/login").get_data(as_text=True)


def test_wrong_password_message_in_english(client, factory):
    tree = factory.tree()
    factory.user("district", tree.d1, username="en_user2")
    token = csrf_token(client, "/login")
    client.post("/language", data={"locale": "en", "csrf_token": token})
    response = client.post("/login", data={"username": "en_user2", "password": "sai-mat-khau",
                                            "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)


@pytest.mark.parametrize("code, expected", [("en-US", "en"), ("EN", "en"), ("vi_VN", "vi"), ("fr", "vi"), (None, "vi")])
def test_language_codes_are_normalised(code, expected):
    assert i18n.normalise_language(code) == expected
