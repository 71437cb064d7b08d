"""What DHIS2's documentation says, copied from the pages named here, for the DHIS2 tests.

Pages (DHIS2 documentation, "dhis-core-version-master"; the text is in the dhis2/dhis2-docs
repository under the path given):

- DATA: "Data" of the Web API guide, https://docs.dhis2.org/en/develop/using-the-api/dhis-core-version-master/data.html
  (src/developer/web-api/data.md): sending data values (`POST /api/dataValueSets`, the JSON
  `dataValues` with dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo,
  value, comment), "Import parameters" (dryRun, importStrategy CREATE | UPDATE |
  CREATE_AND_UPDATE | DELETE, idScheme / dataElementIdScheme / orgUnitIdScheme uid | name |
  code), "Reading data values" (GET with dataSet, startDate, endDate, orgUnit, children),
  "Data value follow-up" (the `followup` flag).
- INTRO: "Introduction" of the Web API guide, https://docs.dhis2.org/en/develop/using-the-api/dhis-core-version-master/introduction.html
  (src/developer/web-api/overview.md): "Personal Access Token" (`Authorization: ApiToken
  [YOUR_SECRET_API_TOKEN_KEY]`), "Error and info messages" (WebMessage: httpStatus,
  httpStatusCode, status OK | WARNING | ERROR, message, response), "Date and period format"
  (Month yyyyMM, Year yyyy).
- MAINTENANCE: https://docs.dhis2.org/en/develop/using-the-api/dhis-core-version-master/maintenance.html
  (src/developer/web-api/maintenance.md), task summaries: the data value import summary
  `{"responseType": "ImportSummary", "status": "SUCCESS", "importCount": {"imported",
  "updated", "ignored", "deleted"}, "description", "dataSetComplete"}`.
- METADATA: "Metadata" of the Web API guide, https://docs.dhis2.org/en/develop/using-the-api/dhis-core-version-master/metadata.html
  (src/developer/web-api/metadata.md): "Metadata import" (`POST /api/metadata`, dataElements
  with name, shortName, aggregationType, domainType, valueType; indicators with numerator,
  numeratorDescription, denominator, denominatorDescription, annualized, indicatorType);
  "Indicators" (`#{<data-element-id>}` in expressions); the CSV tables of data elements
  (UID "Exactly 11 alpha-numeric characters, beginning with a letter"; name unique, max 230;
  short name max 50, unique; code max 50; domain type AGGREGATE | TRACKER; the value types;
  category combination "will default to default category combination if not specified";
  zero is significant), of organisation units (parent, short name, opening date default
  1970-01-01, closed date) and of validation rules (importance MEDIUM | HIGH | LOW, the
  operators, period type Monthly | ... | Yearly, missing value strategies).
- VALIDATION: https://docs.dhis2.org/en/develop/using-the-api/dhis-core-version-master/data-validation.html
  (src/developer/web-api/data-validation.md): operators and missing value strategies.
- CONFIGURE: "Configuring metadata", https://docs.dhis2.org/en/use/user-guides/dhis-core-version-master/configuring-the-system/metadata.html
  (src/user/configure-metadata.md): the aggregation types (SUM, LAST "Last value, sum in
  organisation unit hierarchy", LAST_AVERAGE_ORG_UNIT "Last value, average in organisation
  unit hierarchy", ...); src/user/configure-metadata-management.md: "Choose Last value for
  data that is a running total or a snapshot", "By default, DHIS2 does not store zero values".

Where the guides show a JSON object without listing its property names, the names are those
of DHIS2's own classes (github.com/dhis2/dhis2-core): DataValue.java (dataElement, period,
orgUnit, categoryOptionCombo, attributeOptionCombo, value, storedBy, created, lastUpdated,
comment, followup), ImportConflict.java (object, objects, value, errorCode, property,
indexes), ValidationRule.java (leftSide, rightSide, operator, importance, periodType,
instruction), with Expression (expression, description, missingValueStrategy), DataSet
(periodType, dataSetElements, organisationUnits), Section (dataSet, dataElements,
sortOrder), IndicatorType (factor, number). The summary inside a WebMessage's `response`
from DHIS2 2.38 on is also reported in github.com/davidhuser/dhis2.py issue #38
(`response['response']['importCount']` on 2.40).
"""

import re

UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")  # METADATA, CSV tables: 11 characters, a letter first
ISO_MONTH = re.compile(r"^\d{4}(0[1-9]|1[0-2])$")  # INTRO, period format: Month yyyyMM

VALUE_TYPES = {"INTEGER", "NUMBER", "UNIT_INTERVAL", "PERCENTAGE", "INTEGER_POSITIVE", "INTEGER_NEGATIVE",
               "INTEGER_ZERO_OR_POSITIVE", "FILE_RESOURCE", "COORDINATE", "TEXT", "LONG_TEXT", "LETTER",
               "PHONE_NUMBER", "EMAIL", "BOOLEAN", "TRUE_ONLY", "DATE", "DATETIME"}  # METADATA
AGGREGATION_TYPES = {"AVERAGE", "AVERAGE_SUM_ORG_UNIT", "COUNT", "FIRST", "FIRST_AVERAGE_ORG_UNIT", "LAST",
                     "LAST_AVERAGE_ORG_UNIT", "LAST_IN_PERIOD", "LAST_IN_PERIOD_AVERAGE_ORG_UNIT", "MAX", "MIN",
                     "NONE", "SUM", "VARIANCE"}  # CONFIGURE
DOMAIN_TYPES = {"AGGREGATE", "TRACKER"}  # METADATA
OPERATORS = {"equal_to", "not_equal_to", "greater_than", "greater_than_or_equal_to", "less_than",
             "less_than_or_equal_to", "compulsory_pair", "exclusive_pair"}  # VALIDATION, METADATA
IMPORTANCES = {"HIGH", "MEDIUM", "LOW"}  # METADATA
PERIOD_TYPES = {"Monthly", "Daily", "Weekly", "Quarterly", "SixMontly", "Yearly"}  # METADATA, as spelt there
MISSING_VALUE_STRATEGIES = {"SKIP_IF_ANY_VALUE_MISSING", "SKIP_IF_ALL_VALUES_MISSING", "NEVER_SKIP"}
IMPORT_STRATEGIES = {"CREATE", "UPDATE", "CREATE_AND_UPDATE", "DELETE"}  # DATA
ID_SCHEMES = {"uid", "name", "code", "UID", "NAME", "CODE"}  # DATA, METADATA "Identifier schemes"

# Property names of the objects we write.
COMMON_FIELDS = {"id", "code", "name", "shortName", "description"}
DATA_ELEMENT_FIELDS = COMMON_FIELDS | {"formName", "domainType", "valueType", "aggregationType",
                                       "categoryCombo", "zeroIsSignificant"}
ORG_UNIT_FIELDS = COMMON_FIELDS | {"parent", "openingDate", "closedDate"}
DATA_SET_FIELDS = COMMON_FIELDS | {"periodType", "dataSetElements", "organisationUnits", "categoryCombo"}
SECTION_FIELDS = {"id", "code", "name", "sortOrder", "dataSet", "dataElements"}
INDICATOR_FIELDS = COMMON_FIELDS | {"numerator", "numeratorDescription", "denominator", "denominatorDescription",
                                    "annualized", "indicatorType", "decimals"}
INDICATOR_TYPE_FIELDS = {"id", "code", "name", "factor", "number"}
VALIDATION_RULE_FIELDS = COMMON_FIELDS | {"instruction", "importance", "operator", "periodType", "leftSide",
                                          "rightSide"}
EXPRESSION_FIELDS = {"expression", "description", "missingValueStrategy"}
DATA_VALUE_FIELDS = {"dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo", "value",
                     "storedBy", "created", "lastUpdated", "comment", "followup"}
METADATA_COLLECTIONS = {"dataElements", "dataSets", "sections", "organisationUnits", "indicatorTypes",
                        "indicators", "validationRules"}

# MAINTENANCE: the data value import summary, as documented.
IMPORT_SUMMARY = {
    "responseType": "ImportSummary", "status": "SUCCESS",
    "importOptions": {"idSchemes": {}, "dryRun": True, "async": False, "importStrategy": "CREATE_AND_UPDATE"},
    "description": "Import process completed successfully",
    "importCount": {"imported": 12, "updated": 3, "ignored": 0, "deleted": 0},
    "dataSetComplete": "false",
}


def web_message(summary: dict, *, http_status: str, code: int, status: str, message: str) -> dict:
    """INTRO "Error and info messages": a WebMessage whose `response` holds the summary."""
    return {"httpStatus": http_status, "httpStatusCode": code, "status": status, "message": message,
            "response": summary}
