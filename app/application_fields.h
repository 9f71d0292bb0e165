/*
 * application_fields — an application's body, read and validated into a C
 * struct (API.md, Citizen: validation), before anything is written.
 *
 * The sixteen identity fields are named by enum app_field, in the order of
 * the s_* columns of migrations/0003 and db/sql/applications.def; their JSON
 * names are also the field names sealed into each ciphertext's additional
 * data (crypto/seal.h), so they never change.
 *
 * Everything here is pure: no database, no clock (the caller passes today),
 * no allocation but the request arena's (field paths of 422 bodies).
 */
#ifndef PERMIT_APP_APPLICATION_FIELDS_H
#define PERMIT_APP_APPLICATION_FIELDS_H

#include <jansson.h>

#include "pipe/pipe.h"
#include "app/validate.h"

enum app_field {
	APP_F_FULL_NAME,
	APP_F_NIK,
	APP_F_KK_NUMBER,
	APP_F_NPWP,              /* optional */
	APP_F_BIRTH_DATE,
	APP_F_BIRTH_PLACE,
	APP_F_SEX,
	APP_F_PHONE,
	APP_F_ADDRESS,
	APP_F_MOTHER_NAME,
	APP_F_PREVIOUS_NUMBER,   /* passport renewal only */
	APP_F_ORIGIN,            /* travel_permit only, from here on */
	APP_F_DESTINATION,
	APP_F_DEPART_ON,
	APP_F_RETURN_ON,
	APP_F_PURPOSE,
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
 * of API.md with app/validate.h and app/nik.h against `today`. Unknown keys
 * at any level, a missing or mistyped field and every rule's failure give
 * 422 invalid naming the dotted field ("applicant.nik", "travel.return_on",
 * "passport"); messages never carry the value. 0 on success; -1 with `res`
 * filled. Nothing is written anywhere but *out and `res`.
 */
int app_application_parse(arena *a, const json_t *body,
    const struct validate_date *today, struct app_application_input *out,
    struct pipe_response *res) __attribute__((warn_unused_result));

#endif
