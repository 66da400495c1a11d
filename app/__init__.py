"""TradeDesk 外贸工作台: the application factory."""
import importlib
import os

from flask import Flask

from app.config import BASE_DIR, CONFIGS

AREAS = ["core", "auth", "admin", "home", "customers", "research", "plans", "care", "contracts",
         "coordination", "pricing", "reports"]


def create_app(config=None) -> Flask:
    """Build the app from a config name ('development', 'test', 'production') or class."""
    if config is None:
        config = os.environ.get("TRADEDESK_CONFIG", "development")
    config_class = CONFIGS[config] if isinstance(config, str) else config
    if hasattr(config_class, "validate"):
        config_class.validate()

    app = Flask(__name__, template_folder=str(BASE_DIR / "templates"), static_folder=str(BASE_DIR / "static"),
                instance_path=str(config_class.INSTANCE_DIR))
    app.config.from_object(config_class)
    os.makedirs(app.instance_path, exist_ok=True)
    _postgres_options(app)

    from app.extensions import babel, csrf, db, htmx, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)

    from app.core import i18n

    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone,
                   default_translation_directories=i18n.translation_directories())
    babel.domain_instance = i18n.CatalogueDomain()

    for area in AREAS:
        module = importlib.import_module(f"app.{area}")
        app.register_blueprint(module.bp)
        importlib.import_module(f"app.{area}.models") if _has(area, "models") else None

    from app.core import web

    web.init_app(app)
    return app


def _postgres_options(app: Flask) -> None:
    options = app.config.get("POSTGRES_OPTIONS")
    if options and app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        engine = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect = dict(engine.get("connect_args") or {})
        connect.setdefault("options", options)
        engine["connect_args"] = connect
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine


def _has(area: str, module: str) -> bool:
    return (BASE_DIR / "app" / area / f"{module}.py").exists()
