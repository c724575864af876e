import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def test_env_example_documents_every_setting():
    source = (ROOT / "scrapersky" / "settings.py").read_text()
    read = set(re.findall(r'env(?:bool|int|float|list)?\(\s*"([A-Z_]+)"', source))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "no settings found: the pattern above no longer matches settings.py"
    assert read - documented == set()


def test_tick_budget_below_timeout_below_retry():
    q = settings.Q_CLUSTER
    assert settings.CURATION_TICK_BUDGET_SECONDS < q["timeout"] < q["retry"]
    assert q["catch_up"] is False
    assert q["orm"] == "default"


def test_check_deploy_is_clean_with_production_settings():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x7Qp2vLk9RfT3mWzY8nB4cHs6JdG1aE5uKoPiVxZqMwNrTyUbCeFgHjLsDa0",
        "ALLOWED_HOSTS": "scrapersky.example.com",
        "SECURE_SSL_REDIRECT": "1",
        "SESSION_COOKIE_SECURE": "1",
        "CSRF_COOKIE_SECURE": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "1",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
