import pytest
from cryptography.fernet import Fernet

from bot.municipality import Municipality
from bot.settings import PROJECT_ROOT, Settings, SettingsError


def test_development_runs_on_the_embedded_sqlite_default():
    settings = Settings.from_env({})
    assert settings.environment == "development"
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("var/wegwijs.db")
    assert settings.web_host == "127.0.0.1" and settings.web_port == 8000


def test_production_refuses_to_start_without_a_database_or_chat_origins():
    with pytest.raises(SettingsError, match="WEGWIJS_DATABASE_URL"):
        Settings.from_env({"WEGWIJS_ENV": "production"})
    with pytest.raises(SettingsError, match="WEGWIJS_CHAT_ORIGINS"):
        Settings.from_env({"WEGWIJS_ENV": "production", "WEGWIJS_DATABASE_URL": "postgresql://x/y"})


def test_production_needs_the_public_address_of_the_web_app_and_development_has_one():
    production = {"WEGWIJS_ENV": "production", "WEGWIJS_DATABASE_URL": "postgresql://x/y",
                  "WEGWIJS_CHAT_ORIGINS": "https://www.demostad.be", "WEGWIJS_SECRET_KEY": Fernet.generate_key().decode()}
    with pytest.raises(SettingsError, match="WEGWIJS_PUBLIC_URL"):
        Settings.from_env(production)
    assert Settings.from_env({**production, "WEGWIJS_PUBLIC_URL": "https://chat.demostad.be/"}).public_url == (
        "https://chat.demostad.be")
    assert Settings.from_env({"WEGWIJS_WEB_PORT": "8123"}).public_url == "http://localhost:8123"


def test_an_unknown_environment_or_bad_port_is_refused():
    with pytest.raises(SettingsError):
        Settings.from_env({"WEGWIJS_ENV": "staging"})
    with pytest.raises(SettingsError):
        Settings.from_env({"WEGWIJS_WEB_PORT": "eighty"})


def test_the_demo_municipality_loads_and_a_broken_file_is_named(tmp_path):
    demo = Municipality.load(PROJECT_ROOT / "config" / "municipality.yml")
    assert demo.placeholders("fr")["hours"].startswith("du lundi")
    broken = tmp_path / "m.yml"
    broken.write_text("name: X\n")
    with pytest.raises(ValueError, match="m.yml"):
        Municipality.load(broken)
    with pytest.raises(ValueError, match="not found"):
        Municipality.load(tmp_path / "missing.yml")
