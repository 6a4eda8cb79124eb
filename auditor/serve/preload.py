"""Imported once by the fork server that starts every worker process: it imports the auditor and runs
one small audit of the bundled samples, so that each worker starts with the vocabularies, platform
profiles, rule sets and report templates already loaded (the first audit in a fresh process spends
about a second on them; every worker forked from here shares the loaded copy)."""

from __future__ import annotations

import sys

import auditor.serve.worker  # noqa: F401  (what every worker runs: imported here once)
from auditor.api import audit
from auditor.demo import demo_config, sample_paths
from auditor.reporting import render_html


def _warm_up() -> None:
    with sample_paths() as paths:
        render_html(audit(paths, demo_config()))


try:
    _warm_up()
except Exception as error:  # only an optimisation: workers then load what they need themselves
    print(f"crm-audit serve: warm-up audit failed ({type(error).__name__}: {error})", file=sys.stderr)
