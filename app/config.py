"""Configurations: development (default), test and production."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Development only: ProductionConfig.validate refuses to start with it.
DEFAULT_SECRET_KEY = "dev-insecure-change-me"  # nosec B105


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    INSTANCE_DIR = Path(os.environ.get("TRADEDESK_INSTANCE", BASE_DIR / "instance"))
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite:///" + str(INSTANCE_DIR / "tradedesk.db"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # PostgreSQL session settings for a web application's short queries on a small server: JIT compiling
    # (tens of milliseconds) and parallel workers only pay off for long reports, and on two cores shared with
    # the web workers they take CPU from the other requests. Empty to keep the server's own settings.
    POSTGRES_OPTIONS = os.environ.get("POSTGRES_OPTIONS", "-c jit=off -c max_parallel_workers_per_gather=0")
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    COMPANY_TIMEZONE = os.environ.get("COMPANY_TIMEZONE", "Asia/Shanghai")
    LANGUAGES = ["zh_CN", "en"]
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_FROM = os.environ.get("SMTP_FROM", "")
    PAGE_SIZE = 50


class DevelopmentConfig(Config):
    DEBUG = False


class TestConfig(Config):
    TESTING = True
    # The test configuration's key (never serves users); the next line names a hash method, not a password.
    SECRET_KEY = "test-secret"  # nosec B105
    WTF_CSRF_ENABLED = True
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # nosec B105


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def validate(cls) -> None:
        if not os.environ.get("SECRET_KEY") or os.environ["SECRET_KEY"] == DEFAULT_SECRET_KEY:
            raise RuntimeError("Production needs SECRET_KEY set to a long random value.")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("Production needs DATABASE_URL (PostgreSQL).")


CONFIGS = {"development": DevelopmentConfig, "test": TestConfig, "production": ProductionConfig}
