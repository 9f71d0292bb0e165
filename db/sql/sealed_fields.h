/*
 * The sealed fields of each table of db/sql/sealed.def, declared once: one
 * list per table, DB_SEALED_FIELDS_<NAME>(X, _), one row per field,
 *
 *   X(NAME, "column", "field", ...)
 *
 * in the table's column order, `_` between rows (as in a column list of
 * db/stmt.h, which a sealed-field list can stand in as it is). NAME is the
 * field in C (app/ makes its enum of fields from it); "column" its bytea
 * column; "field" the name sealed into the additional data of each of its
 * ciphertexts (crypto/seal.h) and, for applications, its JSON key. What
 * follows is the resource's own, tokens db/ never reads.
 *
 * Every other spelling is derived from these lists: the columns of the
 * statements that read or write them (db/sql/<table>.def), app/'s enums,
 * JSON keys, validation and INSERT parameters. A field's name is bound into
 * every seal made with it, so it never changes; and
 * tests/integration/test_sealed_columns.c fails unless the migrated tables'
 * sealed columns are exactly these, in this order.
 *
 * Included by the .def files of db/sql (inside db/stmt.h's enum, so nothing
 * here but macros) and by app/.
 */
#ifndef PERMIT_DB_SQL_SEALED_FIELDS_H
#define PERMIT_DB_SQL_SEALED_FIELDS_H

/*
 * accounts: X(NAME, "column", "field"). The email is also found by a blind
 * index under the same field name (crypto/bidx.h); validate_email() is its
 * rule.
 */
#define DB_SEALED_FIELDS_ACCOUNTS(X, _) \
    X(EMAIL, "email_sealed", "email")

/*
 * applications: X(NAME, "column", "field", GROUP, RULE, LIMIT, NEED), read
 * by app/application_fields.c:
 *   GROUP  the JSON object holding it: APPLICANT, PASSPORT or TRAVEL (the
 *          passport object exists only for a passport, travel only for a
 *          travel_permit);
 *   RULE   TEXT: validate_text() with at most LIMIT code points; or a rule of
 *          its own (LIMIT 0): NIK, KK, NPWP, BIRTH_DATE, SEX, PHONE,
 *          DEPART_ON, RETURN_ON;
 *   NEED   REQUIRED in its object, OPTIONAL, or RENEWAL (required for a
 *          passport renewal, refused for a new passport).
 */
#define DB_SEALED_FIELDS_APPLICATIONS(X, _) \
    X(FULL_NAME,       "s_full_name",       "full_name",       APPLICANT, TEXT,       VALIDATE_NAME_MAX,        REQUIRED) _ \
    X(NIK,             "s_nik",             "nik",             APPLICANT, NIK,        0,                        REQUIRED) _ \
    X(KK_NUMBER,       "s_kk_number",       "kk_number",       APPLICANT, KK,         0,                        REQUIRED) _ \
    X(NPWP,            "s_npwp",            "npwp",            APPLICANT, NPWP,       0,                        OPTIONAL) _ \
    X(BIRTH_DATE,      "s_birth_date",      "birth_date",      APPLICANT, BIRTH_DATE, 0,                        REQUIRED) _ \
    X(BIRTH_PLACE,     "s_birth_place",     "birth_place",     APPLICANT, TEXT,       VALIDATE_BIRTH_PLACE_MAX, REQUIRED) _ \
    X(SEX,             "s_sex",             "sex",             APPLICANT, SEX,        0,                        REQUIRED) _ \
    X(PHONE,           "s_phone",           "phone",           APPLICANT, PHONE,      0,                        REQUIRED) _ \
    X(ADDRESS,         "s_address",         "address",         APPLICANT, TEXT,       VALIDATE_ADDRESS_MAX,     REQUIRED) _ \
    X(MOTHER_NAME,     "s_mother_name",     "mother_name",     APPLICANT, TEXT,       VALIDATE_NAME_MAX,        REQUIRED) _ \
    X(PREVIOUS_NUMBER, "s_previous_number", "previous_number", PASSPORT,  TEXT,       VALIDATE_NAME_MAX,        RENEWAL)  _ \
    X(ORIGIN,          "s_origin",          "origin",          TRAVEL,    TEXT,       VALIDATE_NAME_MAX,        REQUIRED) _ \
    X(DESTINATION,     "s_destination",     "destination",     TRAVEL,    TEXT,       VALIDATE_NAME_MAX,        REQUIRED) _ \
    X(DEPART_ON,       "s_depart_on",       "depart_on",       TRAVEL,    DEPART_ON,  0,                        REQUIRED) _ \
    X(RETURN_ON,       "s_return_on",       "return_on",       TRAVEL,    RETURN_ON,  0,                        REQUIRED) _ \
    X(PURPOSE,         "s_purpose",         "purpose",         TRAVEL,    TEXT,       VALIDATE_PURPOSE_MAX,     REQUIRED)

#endif
