/*
 * rows — a result's rows as the JSON list a read answers with.
 */
#ifndef PERMIT_PIPE_ROWS_H
#define PERMIT_PIPE_ROWS_H

#include "pipe/pipe.h"

/* Row `row` of `r` as its JSON object (request-arena JSON), or NULL when
 * the row is malformed. `arg` is pipe_rows_answer()'s. */
typedef json_t *pipe_row_json(const struct db_result *r, int row,
    const void *arg);

/*
 * Answers 200 {"<key>": [each row of `r` as `render` makes it]}, in row
 * order. A row `render` cannot make (NULL) is logged and the answer is 500
 * internal instead. `key` is a static string. Returns PIPE_ANSWERED.
 */
enum pipe_status pipe_rows_answer(struct pipe_response *res, const char *key,
    const struct db_result *r, pipe_row_json *render, const void *arg);

/* `s` (a column's text, NULL for SQL NULL) as a JSON string, or JSON null
 * for NULL; out of memory as pipe_oom_check(). A new reference. */
json_t *pipe_json_text(const char *s);

/* Column `col` of row `row` of `r` as pipe_json_text() makes it. */
json_t *pipe_json_column(const struct db_result *r, int row, int col);

#endif
