/*
 * rows — a result's rows as the JSON list a read answers with (contract in
 * rows.h).
 */
#include "pipe/rows.h"

#include "core/log.h"

enum pipe_status
pipe_rows_answer(struct pipe_response *res, const char *key,
    const struct db_result *r, pipe_row_json *render, const void *arg)
{
	json_t *list = pipe_oom_check(json_array()), *item;

	for (int i = 0; i < db_rows(r); i++) {
		if ((item = render(r, i, arg)) == NULL) {
			log_error("%s: row %d is malformed", key, i);
			return pipe_internal(res);
		}
		if (json_array_append_new(list, item) != 0)
			pipe_oom();
	}
	res->status = 200;
	res->body = pipe_oom_check(json_pack("{s:o}", key, list));
	return PIPE_ANSWERED;
}

json_t *
pipe_json_text(const char *s)
{
	return pipe_oom_check(s != NULL ? json_string(s) : json_null());
}

json_t *
pipe_json_column(const struct db_result *r, int row, int col)
{
	return pipe_json_text(db_text(r, row, col));
}
