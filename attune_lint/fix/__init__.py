"""Fixing: the rewrites ``attune-lint fix`` / ``check --fix`` apply to the findings of a run.

``registry`` says which findings can be fixed (cheap: no YAML library imported, so that the
text report can count them); ``fixers`` computes each fix as text edits over the file's
positioned tree; ``engine`` applies them pass after pass, checks every rewritten file with
ruamel.yaml's round-trip loader and writes atomically (or prints a diff).
"""
