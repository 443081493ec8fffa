/*
 * fuzz-records: a record file through the reader (gzip included), each
 * record through jansson and every typed reader of lib/rec.  A record a
 * reader accepts must be written back as one it accepts again.  The
 * reader's buffer is 2 to 64 bytes, by the input's size, not the 1 MiB
 * programs use: the same code, with lines across buffer boundaries and
 * buffers that grow, and without a megabyte to allocate and poison for
 * each input.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "hx_json.h"
#include "rec/hx_artifact.h"
#include "rec/hx_error.h"
#include "rec/hx_reader.h"
#include "rec/hx_metric.h"
#include "rec/hx_sample.h"
#include "rec/hx_span.h"
#include "rec/hx_stage.h"
#include "rec/hx_test.h"
#include "rec/hx_wcet.h"
#include "fuzz.h"

/*
 * Read JSON as a record of type T; on success write it back, read that
 * too and compare nothing but success: the writer may normalise.
 */
#define READ_TYPED(T, json) do {					\
	struct hx_##T rec, again;					\
	char *message = NULL;						\
	json_t *back;							\
									\
	if (hx_##T##_read((json), &rec, &message) == 0) {		\
		back = hx_##T##_to_json(&rec);				\
		if (hx_##T##_read(back, &again, &message) != 0)		\
			abort();					\
		hx_##T##_clear(&again);					\
		json_decref(back);					\
	}								\
	hx_##T##_clear(&rec);						\
	free(message);							\
} while (0)

/* READ_TYPED for the stage record, whose struct is hx_stage_record. */
static void
read_stage(const json_t *json)
{
	struct hx_stage_record rec, again;
	char *message = NULL;
	json_t *back;

	if (hx_stage_read(json, &rec, &message) == 0) {
		back = hx_stage_to_json(&rec);
		if (hx_stage_read(back, &again, &message) != 0)
			abort();
		hx_stage_clear(&again);
		json_decref(back);
	}
	hx_stage_clear(&rec);
	free(message);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hx_reader_line line;
	struct hx_err_info err;
	struct hx_reader *reader;
	enum hx_reader_status status;
	json_t *json;

	if ((reader = hx_reader_open_size(fuzz_file(data, size),
	    2 + size % 63, &err)) == NULL)
		abort();
	while ((status = hx_reader_next(reader, &line, &err)) ==
	    HX_READER_RECORD || status == HX_READER_BAD) {
		if (status == HX_READER_BAD ||
		    (json = hx_json_parse(line.text, line.len, NULL)) == NULL)
			continue;
		READ_TYPED(artifact, json);
		READ_TYPED(error, json);
		READ_TYPED(sample, json);
		READ_TYPED(test, json);
		READ_TYPED(wcet, json);
		READ_TYPED(span, json);
		READ_TYPED(metric, json);
		read_stage(json);
		json_decref(json);
	}
	hx_reader_close(reader);
	return 0;
}
