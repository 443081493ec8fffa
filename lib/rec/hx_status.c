/*
 * hx_status.c: the names of the test statuses, and which of them fail.
 */
#include "config.h"

#include "rec/hx_field.h"
#include "rec/hx_status.h"

const char *const hx_status_names[] = {
	"pass", "fail", "skip", "timeout", "error", NULL,
};

const char *
hx_status_name(enum hx_status status)
{
	return hx_status_names[status];
}

int
hx_status_parse(const char *name, enum hx_status *out)
{
	int i = hx_field_index(hx_status_names, name);

	if (i < 0)
		return -1;
	*out = (enum hx_status)i;
	return 0;
}

bool
hx_status_failed(enum hx_status status)
{
	return status == HX_STATUS_FAIL || status == HX_STATUS_TIMEOUT ||
	    status == HX_STATUS_ERROR;
}
