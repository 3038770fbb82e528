"""Management commands speak one language: all Chinese under zh-hans, all English under en.

Only data (usernames, file paths, column names, class letters) may stay in Latin letters.
"""
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.models import Role, User
from customers.models import CustomerProfile
from managers.models import ManagerProfile

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{2,}")  # a class letter alone is data, not a word


@pytest.fixture
def tiny_book():
    """One manager with room and one customer without a manager."""
    manager = User.objects.create_user(username="wangfang", password="x", role=Role.MANAGER, name="王芳")
    ManagerProfile.objects.create(user=manager, capacity=5)
    customer = User.objects.create_user(username="lilei", password="x", role=Role.CUSTOMER, name="李雷")
    CustomerProfile.objects.create(user=customer, age=40)


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue()


def english_words(text: str, *, data=()) -> list[str]:
    for value in data:
        text = text.replace(value, "")
    return WORD.findall(text)


class TestAutoassign:
    def test_summary_is_chinese_under_zh_hans(self, tiny_book):
        with translation.override("zh-hans"):
            out = run("autoassign")

        lines = out.splitlines()
        assert lines[0].startswith("匹配批次 ") and "最优" in lines[0]
        assert "已分级客户：1 名" in out
        assert "已分配：1 名" in out and "因无剩余名额未分配：0 名" in out
        assert "总得分" in out and "耗时" in out and "客户" in out
        for english in ("placed", "customers classified", "left unassigned", "total score", "seconds", "Run "):
            assert english not in out
        assert english_words(out) == []

    def test_dry_run_preview_is_chinese_under_zh_hans(self, tiny_book):
        with translation.override("zh-hans"):
            out = run("autoassign", "--dry-run")

        assert "试运行：将产生 1 项变更" in out
        assert "lilei [" in out and "-> wangfang（" in out
        assert "试运行：未改变任何客户" in out
        assert english_words(out, data=("lilei", "wangfang")) == []

    def test_summary_is_english_under_en(self, tiny_book):
        with translation.override("en"):
            out = run("autoassign", "--dry-run")

        assert out.splitlines()[0].startswith("Dry run: 1 change(s) would be made")
        assert "Best overall, DRY RUN: no customer changed; kept as preview" in out  # the strategy as pages name it
        assert "customers classified: 1" in out
        assert "placed: 1, moved: 0, left unassigned for lack of room: 0, fallbacks: 0" in out
        assert "-> wangfang (Best matching manager, score" in out  # the Reason label
        assert not HAN.search(out.replace("王芳", "").replace("李雷", ""))

    def test_command_error_follows_the_language(self, tiny_book):
        with translation.override("zh-hans"), pytest.raises(CommandError) as chinese:
            run("autoassign", "--undo", "999")
        with translation.override("en"), pytest.raises(CommandError) as english:
            run("autoassign", "--undo", "999")

        assert str(chinese.value) == "不存在编号为 999 的匹配批次。"
        assert str(english.value) == "No matching run with id 999."


class TestImportCustomers:
    def bad_file(self, tmp_path):
        path = tmp_path / "customers.csv"
        path.write_text("username,name,age,occupation,total_assets,needs,hobbies\nalice,,12,,1,,\n", encoding="utf-8")
        return path

    def test_problems_are_listed_in_chinese_under_zh_hans(self, tmp_path):
        path = self.bad_file(tmp_path)
        with translation.override("zh-hans"), pytest.raises(CommandError) as error:
            run("import_customers", str(path))

        lines = str(error.value).splitlines()
        assert lines[0] == f"{path}：共 1 个问题，未导入任何数据。"
        assert lines[1].startswith("第 2 行：age：") and HAN.search(lines[1].removeprefix("第 2 行：age："))
        assert english_words("\n".join(lines), data=(str(path), "age")) == []

    def test_a_file_level_problem_names_the_header_in_chinese(self, tmp_path):
        path = tmp_path / "empty.csv"
        path.write_bytes(b"")
        with translation.override("zh-hans"), pytest.raises(CommandError) as error:
            run("import_customers", str(path))

        assert str(error.value).splitlines()[1].startswith("第 1 行：表头：文件为空")

    def test_problems_are_listed_in_english_under_en(self, tmp_path):
        path = self.bad_file(tmp_path)
        with translation.override("en"), pytest.raises(CommandError) as error:
            run("import_customers", str(path))

        lines = str(error.value).splitlines()
        assert lines[0] == f"{path}: 1 problem; nothing was imported."
        assert lines[1].startswith("line 2: age: ")

    def test_summary_is_chinese_under_zh_hans(self, tmp_path):
        path = tmp_path / "customers.csv"
        path.write_text("username,name,age,occupation,total_assets,needs,hobbies\nalice,,35,,1,,\n", encoding="utf-8")
        with translation.override("zh-hans"):
            out = run("import_customers", str(path), "--dry-run")

        assert out.strip() == "试运行，未写入任何数据：1 名客户校验通过：将新建 1 名，将更新 0 名，0 名无变化。"
