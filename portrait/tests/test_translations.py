"""The Simplified Chinese catalogue: our strings come out in Chinese, it is complete, and the committed .mo matches the .po.

After changing user-facing strings, regenerate the catalogue with
    DEBUG=1 python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=staticfiles --ignore=benchmarks --no-obsolete
then translate the new entries and run `python manage.py compilemessages -l zh_Hans --ignore=.venv`; commit both files.
"""
import ast
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext

pytestmark = pytest.mark.django_db

PO_PATH = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# The project catalogue, and one per app for the apps that keep their own (`cd app && makemessages`).
CATALOGUES = [PO_PATH, *sorted(Path(settings.BASE_DIR).glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))]
HAN = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|\{[^{}]*\}")


@dataclass
class Entry:
    msgid: str
    msgstr: str  # msgstr, or msgstr[0] for a plural entry
    msgid_plural: str | None = None
    msgctxt: str | None = None
    fuzzy: bool = False
    line: int = 0


def parse_po(text: str) -> list[Entry]:
    """A small .po reader (no polib): each entry's msgctxt, msgid, msgid_plural, msgstr/msgstr[0], fuzzy flag.

    Handles the quoted continuation lines xgettext writes; obsolete (`#~`) entries are skipped.
    """
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    flags: set[str] = set()
    current = None
    start = 0

    def flush():
        if "msgid" in fields:
            entries.append(Entry(
                msgid=fields["msgid"],
                msgstr=fields.get("msgstr", fields.get("msgstr[0]", "")),
                msgid_plural=fields.get("msgid_plural"),
                msgctxt=fields.get("msgctxt"),
                fuzzy="fuzzy" in flags,
                line=start,
            ))

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            fields, flags, current = {}, set(), None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            fields[current] += ast.literal_eval(line)
            continue
        keyword, _, value = line.partition(" ")
        if keyword == "msgid" and "msgid" in fields:  # entries not separated by a blank line
            flush()
            fields, flags = {}, set()
        if not fields:
            start = number
        current = keyword
        fields[keyword] = ast.literal_eval(value)
    flush()
    return entries


@pytest.fixture(scope="module", params=CATALOGUES, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def catalogue(request) -> Path:
    return request.param


@pytest.fixture(scope="module")
def po_entries(catalogue) -> list[Entry]:
    return parse_po(catalogue.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(po_entries) -> list[Entry]:
    """The catalogue without its header."""
    return [entry for entry in po_entries if entry.msgid]


def test_catalogue_files_exist(catalogue):
    assert catalogue.is_file()
    assert catalogue.with_suffix(".mo").is_file(), "run `python manage.py compilemessages -l zh_Hans --ignore=.venv`"


def test_catalogue_is_complete(catalogue, po_entries, messages):
    text = catalogue.read_text(encoding="utf-8")

    assert len(messages) > (100 if catalogue == PO_PATH else 0)
    assert "#, fuzzy" not in text and not [e.msgid for e in po_entries if e.fuzzy]
    assert [e.msgid for e in messages if not e.msgstr.strip()] == []
    assert "Plural-Forms: nplurals=1; plural=0;" in po_entries[0].msgstr
    assert not re.search(r"^msgstr\[[1-9]\]", text, re.MULTILINE), "zh has one plural form: only msgstr[0]"


def test_translations_are_chinese_and_keep_their_placeholders(messages):
    not_chinese = [e.msgid for e in messages if not HAN.search(e.msgstr)]
    assert not_chinese == []
    changed = [
        e.msgid for e in messages
        if sorted(PLACEHOLDER.findall(e.msgstr)) != sorted(PLACEHOLDER.findall(e.msgid_plural or e.msgid))
    ]
    assert changed == []


def test_compiled_catalogue_matches_the_po(messages):
    """Every entry, looked up through Django under zh-hans, gives the .po's translation: the committed .mo is current."""
    stale = []
    with translation.override("zh-hans"):
        for entry in messages:
            if entry.msgid_plural is None:
                found = (pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt is not None else gettext(entry.msgid))
            elif entry.msgctxt is not None:
                found = npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
            else:
                found = ngettext(entry.msgid, entry.msgid_plural, 1)
            if found != entry.msgstr:
                stale.append((entry.line, entry.msgid, entry.msgstr, found))
    assert stale == [], "recompile: python manage.py compilemessages -l zh_Hans --ignore=.venv"


def test_our_strings_come_out_in_chinese():
    with translation.override("zh-hans"):
        assert gettext("Relationship managers") == "客户经理"
        assert gettext("matching run") == "匹配批次"
        assert gettext("dry run") == "试运行"
        assert gettext("capacity") == "服务上限"
        assert (
            ngettext("%(count)d customer assigned to %(manager)s.", "%(count)d customers assigned to %(manager)s.", 3)
            % {"count": 3, "manager": "王芳"}
            == "已将 3 名客户分配给 王芳。"
        )
        assert gettext("Run %(id)s has already been undone.") % {"id": 7} == "匹配批次 7 已被撤销。"


def test_english_stays_english():
    with translation.override("en"):
        assert gettext("Relationship managers") == "Relationship managers"
        assert gettext("matching run") == "matching run"


def test_model_and_app_names_are_translated():
    from django.apps import apps

    from managers.models import ManagerProfile
    from matching.models import MatchingRun

    with translation.override("zh-hans"):
        assert str(apps.get_app_config("customers").verbose_name) == "客户"
        assert str(apps.get_app_config("vocabularies").verbose_name) == "词表"
        assert str(MatchingRun._meta.verbose_name_plural) == "匹配批次"
        assert str(ManagerProfile._meta.get_field("capacity").verbose_name) == "服务上限"


def test_admin_index_is_chinese(admin_client):
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    for name in ("客户", "客户经理", "客户匹配", "词表", "匹配批次", "分配记录", "客户画像"):
        assert name in html, name
    for name in ("Relationship managers", "Vocabularies", "Matching runs", "Customer profiles"):
        assert name not in html, name


def test_admin_index_in_english_on_request(admin_client):
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "Relationship managers" in response.content.decode()


def test_every_marked_string_is_translated(tmp_path):
    """makemessages, run on a copy of the project, finds no string without a Chinese translation.

    The catalogues are merged as a developer would merge them; a marked string missing from every
    catalogue comes out with an empty (or fuzzy) msgstr, and is named here with its source line.
    """
    base = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    skip = shutil.ignore_patterns(".*", "staticfiles", "static", "screenshots", "node_modules", "__pycache__", "*.mo")
    shutil.copytree(base, copy, ignore=skip)
    command = [
        sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-wrap",
        "--ignore=benchmarks", "--ignore=scripts", "--ignore=docs",
    ]
    environment = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "portrait.settings.test"}
    subprocess.run(command, cwd=copy, env=environment, check=True, capture_output=True)

    missing = []
    for catalogue in [copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
                      *sorted(copy.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))]:
        text = catalogue.read_text(encoding="utf-8")
        for entry in parse_po(text):
            if entry.msgid and (entry.fuzzy or not entry.msgstr.strip()):
                missing.append(f"{catalogue.relative_to(copy)}:{entry.line}: {entry.msgid!r}")
    assert not missing, "translate these (see the module docstring for the commands):\n" + "\n".join(missing)
