"""The plugin's command-line and ini options, and how the database setting is read.

Every option is registered in every pytest run (the plugin loads in all of them), so
``--help`` and the ini file always know them, whether the checks are on or not.
"""
from __future__ import annotations

import pytest

OFF = "off"
NETWORKS = ("bridge", "host")
ENV_IMAGE = "ATTUNE_PG_IMAGE"
ENV_NETWORK = "ATTUNE_PG_NETWORK"
ENV_MIGRATIONS = "ATTUNE_MIGRATIONS"


def add_options(parser: pytest.Parser) -> None:
    """The pack options, then the database ones, in one ``attune`` group of ``--help``."""
    group = parser.getgroup("attune", "Attune packs (pytest-attune)")
    group.addoption("--attune-packs", action="store_true", dest="attune_packs", default=False,
                    help="collect every workflow file of the Attune packs among the collected "
                         "paths (and the ini option attune_packs) as a test item")
    group.addoption("--attune-shard", dest="attune_shard", default=None, metavar="K/N",
                    help="collect only the packs of shard K of N (a stable hash of the pack ref, "
                         "as attune-lint check --shard); references into the other packs still resolve")
    parser.addini("attune_packs_enabled", type="bool", default=False,
                  help="collect Attune packs as if --attune-packs were given")
    parser.addini("attune_packs", type="linelist", default=[],
                  help="pack roots or folders of packs, relative to the rootdir, collected in "
                       "addition to testpaths when no path is given on the command line")
    parser.addini("attune_lint_config", type="string", default="",
                  help="attune-lint configuration file, relative to the rootdir (default: "
                       "the project's own, found as attune-lint finds it)")
    add_db_options(parser, group)


def add_db_options(parser: pytest.Parser, group: pytest.OptionGroup) -> None:
    """``--attune-db``, ``--attune-pg-image``, ``--attune-pg-network`` and ini ``attune_db``."""
    group.addoption("--attune-db", dest="attune_db", default=None, metavar="auto|require|DSN",
                    help="with --attune-packs, also register every workflow file into PostgreSQL "
                         "(rolled back) and check the stored row; the database of the attune_db "
                         "fixtures. auto: skip when no database can be had; require: fail; a DSN: "
                         "use that server; off: no database (default: ini attune_db, else off)")
    group.addoption("--attune-pg-image", dest="attune_pg_image", default=None, metavar="IMAGE",
                    help=f"PostgreSQL image for the container backend (default: ${ENV_IMAGE}, "
                         "else a pinned official postgres tag)")
    group.addoption("--attune-pg-network", dest="attune_pg_network", default=None, choices=NETWORKS,
                    help=f"container network: bridge (a mapped port) or host (a free loopback port) "
                         f"(default: ${ENV_NETWORK}, else bridge)")
    parser.addini("attune_db", type="string", default="",
                  help="auto, require or a DSN: as --attune-db (off when empty)")
    group.addoption("--attune-migrations", dest="attune_migrations", default=None, metavar="DIR",
                    help="build the run's database from this folder of Attune migrations (an "
                         "Attune checkout's migrations/, applied like Attune's sqlx runner) "
                         f"instead of the shipped schema (default: ini attune_migrations, else "
                         f"${ENV_MIGRATIONS})")
    group.addoption("--attune-strict-migrations", dest="attune_strict_migrations", action="store_true",
                    default=False,
                    help="with --attune-migrations: any failing statement is fatal (by default "
                         "TimescaleDB statements are skipped when the server lacks TimescaleDB)")
    parser.addini("attune_migrations", type="string", default="",
                  help="folder of Attune migrations, relative to the rootdir: as --attune-migrations")


def migrations_setting(config: pytest.Config) -> str | None:
    """The migrations folder: the option, the ini (relative to the rootdir), the environment."""
    import os

    raw = config.getoption("attune_migrations", None)
    if raw:
        return str(raw)
    ini = str(config.getini("attune_migrations") or "").strip()
    if ini:
        return str(config.rootpath / ini)
    return os.environ.get(ENV_MIGRATIONS, "").strip() or None


def db_setting(config: pytest.Config) -> str | None:
    """``auto``, ``require`` or a DSN; None when the database stage is off."""
    raw = config.getoption("attune_db", None)
    if raw is None:
        raw = config.getini("attune_db") or ""
    text = str(raw).strip()
    return None if text in ("", OFF) else text
