"""Reading files from outside: DHIS2 dataValueSets (from a file or a DHIS2 server), checked by the
core's own rules (`prepare_change`) and previewed like any other incoming file before anything
is written."""
