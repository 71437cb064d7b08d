"""Readers of files from outside the office's database: handover packages, CSV and DHIS2 files,
Excel templates and target sheets. Everything here reads untrusted bytes, checks them whole,
and writes nothing until the core is asked to apply what was previewed."""
