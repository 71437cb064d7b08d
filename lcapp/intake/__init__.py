"""Readers of files from outside the office's database: handover packages, CSV and DHIS2 files
(from a file or a DHIS2 server), Excel templates and target sheets. Everything here reads untrusted
bytes, checks them whole by the core's own rules (`prepare_change`), and writes nothing until the
core is asked to apply what was previewed."""
