"""Readers of files from outside the office's database: handover packages, CSV and DHIS2 files
(from a file or a DHIS2 server), Excel templates and target sheets, and the province's Excel list
of indicators. Everything here reads untrusted bytes, bounded in size, as values only (a formula
cell is refused, never evaluated), checks them whole by the core's own rules (`prepare_change`,
`catalogue_edit`), and writes nothing until the core is asked to apply what was previewed."""
