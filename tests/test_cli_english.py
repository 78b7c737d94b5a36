"""The daihoi command in English with DAIHOI_LANG=en: help of every command and option, output and errors.
Without DAIHOI_LANG (or with an unknown language) it stays Vietnamese, and the language ends with the run."""
import pytest
from click.testing import CliRunner

from portal.cli import main
from shared import i18n


def _commands(group, path=()):
    """Every command path of the `daihoi` tree, groups included."""
    yield list(path)
    for name, command in getattr(group, "commands", {}).items():
        yield from _commands(command, (*path, name))


@pytest.mark.parametrize("args", list(_commands(main)), ids=lambda a: " ".join(a) or "daihoi")
def test_every_help_in_both_languages(args):
    runner = CliRunner()
    vietnamese = runner.invoke(main, [*args, "--help"], env={"DAIHOI_LANG": None})
    english = runner.invoke(main, [*args, "--help"], env={"DAIHOI_LANG": "en"})
    assert vietnamese.exit_code == 0 and english.exit_code == 0, (vietnamese.output, english.output)
    assert "Usage" in english.output and english.output != vietnamese.output
    # No Vietnamese letter left in the English help (the demo accounts' place names are output, not help).
    assert not any(ch in english.output for ch in "ăâđêôơưạảấầẩậắằẳặẹẻẽếềểễệịọỏốồổộớờởợụủứừửữự"), english.output
    assert i18n.get_language() == "vi"


def test_english_help_texts():
    runner = CliRunner(env={"DAIHOI_LANG": "en"})
    top = runner.invoke(main, ["--help"]).output
    assert "daihoi: monitoring trade union congresses at all levels." in top
    assert "Create an account." in top and "Back up the database" in top
    tui = runner.invoke(main, ["tui", "--help"]).output
    assert "--lang [vi|en]" in tui and "Interface language" in tui and "Refresh every N seconds." in tui
    remind = runner.invoke(main, ["remind", "--help"]).output
    assert "Remind units whose deadline is within the next DAYS days" in remind


def test_vietnamese_is_the_default_and_an_unknown_language_falls_back_to_it():
    for env in ({"DAIHOI_LANG": None}, {"DAIHOI_LANG": "fr"}):
        result = CliRunner(env=env).invoke(main, ["--help"])
        assert "daihoi: theo dõi đại hội công đoàn các cấp." in result.output
        assert "Tạo tài khoản." in result.output


def test_errors_and_output_in_english(database_url, factory, monkeypatch):
    factory.tree()
    monkeypatch.setenv("DAIHOI_DATABASE_URL", database_url)
    runner = CliRunner(env={"DAIHOI_LANG": "en"})
    bad_day = runner.invoke(main, ["demo", "--today", "15/04/2023"])
    assert bad_day.exit_code != 0 and "Dates as YYYY-MM-DD." in bad_day.output
    not_empty = runner.invoke(main, ["demo"])
    assert not_empty.exit_code != 0
    assert "The database already has data; demo data is only loaded into an empty database." in not_empty.output
    created = runner.invoke(main, ["create-user", "--username", "en.user", "--role", "district", "--unit", "D1",
                                   "--password", "mat-khau-dai"])
    assert created.exit_code == 0, created.output
    assert "Account en.user created (district)." in created.output
    no_campaign = runner.invoke(main, ["export", "--format", "xlsx", "-o", "/dev/null"])
    assert no_campaign.exit_code != 0 and "Congress campaign not found." in no_campaign.output
    assert i18n.get_language() == "vi"


def test_tui_refuses_a_bad_server_address_in_the_chosen_language():
    result = CliRunner().invoke(main, ["tui", "--lang", "en", "--server", "10.0.0.5:5000"])
    assert result.exit_code != 0 and "The address starts with http:// or https://" in result.output
    result = CliRunner(env={"DAIHOI_LANG": "en"}).invoke(main, ["tui", "--lang", "vi", "--server", "10.0.0.5"])
    assert "Địa chỉ bắt đầu bằng http:// hoặc https://" in result.output
