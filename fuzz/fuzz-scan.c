/*
 * fuzz-scan: the record scanner on one line.  Beyond not crashing, a line
 * it takes for a record must parse with jansson as an object whose "type"
 * is the type the scanner found (hx-records(5) promises it).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hx_json.h"
#include "rec/hx_scan.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hx_scan scan;
	const char *type;
	json_t *json;

	switch (hx_scan_line((const char *)data, size, &scan)) {
	case HX_SCAN_RECORD:
		json = hx_json_parse((const char *)data, size, NULL);
		type = json_string_value(json_object_get(json, "type"));
		if (type == NULL || strcmp(type, scan.type) != 0)
			abort();
		json_decref(json);
		break;
	case HX_SCAN_BAD:
		if (scan.message == NULL || scan.column > size + 1)
			abort();
		break;
	case HX_SCAN_BLANK:
		break;
	}
	return 0;
}
