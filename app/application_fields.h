/*
 * application_fields — an application's body, read and validated into a C
 * struct (docs/API.md, Citizen), before anything is written.
 *
 * The identity fields are those of DB_SEALED_FIELDS_APPLICATIONS
 * (db/sql/sealed_fields.h), where each is declared once with its column,
 * its JSON name (also the field name sealed into each ciphertext's
 * additional data, crypto/seal.h, so it never changes), its JSON object and
 * its rule; enum app_field follows that list's order.
 *
 * Everything here is pure: no database, no clock (the caller passes today),
 * no allocation but the request arena's (the collector's entries).
 */
#ifndef PERMIT_APP_APPLICATION_FIELDS_H
#define PERMIT_APP_APPLICATION_FIELDS_H

#include <jansson.h>

#include "pipe/pipe.h"
#include "pipe/invalid.h"
#include "core/validate.h"
#include "db/sql/sealed_fields.h"

/* APP_F_FULL_NAME, APP_F_NIK, ... in the list's (the columns') order. */
enum app_field {
#define APP_FIELD_ENUM(name, ...) APP_F_##name,
	DB_SEALED_FIELDS_APPLICATIONS(APP_FIELD_ENUM, )
#undef APP_FIELD_ENUM
	APP_FIELD_COUNT
};

/* The object of the JSON representation a field belongs to. */
enum app_field_group {
	APP_GROUP_APPLICANT,
	APP_GROUP_PASSPORT,
	APP_GROUP_TRAVEL
};

enum app_kind {
	APP_KIND_PASSPORT,
	APP_KIND_TRAVEL_PERMIT
};

/* The JSON (and sealing) name of `f`: "full_name", ... Static storage. */
const char *app_field_name(enum app_field f);

/* The object `f` sits in within the JSON representation. */
enum app_field_group app_field_group(enum app_field f);

/* A validated application body. Strings point into the request body (the
 * request arena); an absent optional field is NULL. */
struct app_application_input {
	enum app_kind kind;
	const char *kind_name;       /* "passport" | "travel_permit" */
	const char *office;          /* shape only; existence is the caller's */
	const char *passport_type;   /* "new" | "renewal"; NULL for travel */
	const char *field[APP_FIELD_COUNT];
};

/*
 * Reads `body` (the request's JSON object) into *out, checking every rule
 * of the HTTP API with core/validate.h and app/nik.h against `today`, but
 * whether the office exists (only the database knows; in->office is set
 * when its code has the right shape). Every fault found is reported into
 * `inv`, named by its dotted field ("applicant.nik", "travel.return_on",
 * "passport"): each object's unknown keys, then its fields in the list's
 * order; a rule that compares fields (the NIK with birth_date and sex,
 * return_on with depart_on) compares only with values that passed their
 * own. 0 when nothing was refused; -1 with the refusals in `inv`. Nothing
 * is written anywhere but *out and `inv`.
 */
int app_application_parse(struct pipe_invalid *inv, const json_t *body,
    const struct validate_date *today, struct app_application_input *out);

#endif
