/*
 * enroll — a new account's id, keys, sealed email, blind index and
 * password hash (contract in enroll.h).
 */
#include "crypto/enroll.h"

#include <string.h>

#include <sodium.h>

#include "core/log.h"

int
enroll_new(const struct keyring *kr, const struct enroll_names *names,
    arena *a, const char *email, const char *password, size_t password_len,
    unsigned long long opslimit, size_t memlimit, struct enroll *out)
{
	struct seal_binding b;
	struct seal_dek dek;
	size_t elen = strlen(email);
	int rc = -1;

	memset(out, 0, sizeof(*out));
	uuid_v4(out->id);
	b = (struct seal_binding){ names->table, out->id, out->id };
	seal_dek_new(&dek);
	out->sealed_len = seal_field_size(elen);
	out->sealed = arena_alloc(a, out->sealed_len);
	if (bidx_compute(kr, names->field, (const unsigned char *)email, elen,
	    out->bidx) != 0) {
		log_error("cannot index a new account's email");
		goto out;
	}
	if (seal_dek_wrap(kr, &b, &dek, out->wrapped, &out->wrapped_len,
	    out->kek_id) != 0 ||
	    seal_field(&dek, &b, names->field, (const unsigned char *)email,
	    elen, out->sealed, out->sealed_len, &out->sealed_len) != 0) {
		log_error("cannot seal a new account");
		goto out;
	}
	if (pw_hash(password, password_len, opslimit, memlimit,
	    out->pw_hash) != 0) {
		log_error("cannot hash a new password");
		goto out;
	}
	rc = 0;
out:
	seal_dek_wipe(&dek);
	return rc;
}

void
enroll_wipe(struct enroll *e)
{
	sodium_memzero(e, sizeof(*e));
}
