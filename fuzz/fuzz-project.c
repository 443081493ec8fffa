/*
 * fuzz-project: a project manifest (hx-project(5)) through
 * hx_project_load, and the path patterns it accepts matched against the
 * outputs it declares, so that the matcher sees patterns and names of
 * the fuzzer's choosing; and its pins checked against the files beside
 * the manifest (none but hx.json: a missing file each).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "build/hx_project.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hx_project p;
	char err[512];
	size_t i;
	int rc;

	fuzz_file(data, size);
	*err = '\0';
	rc = hx_project_load(fuzz_file_dir(), &p, err, sizeof(err));
	if (rc != 0 && *err == '\0')
		abort();
	for (i = 0; rc == 0 && i < p.noutputs; i++) {
		hx_project_match_any(p.inputs, p.outputs[i].path);
		hx_project_match_any(p.build_files, p.outputs[i].path);
		hx_project_match_any(p.no_timing, p.outputs[i].path);
	}
	*err = '\0';
	if (rc == 0 && hx_project_check_pins(&p, p.dir, err, sizeof(err)) != 0 &&
	    *err == '\0')
		abort();
	hx_project_free(&p);
	return 0;
}
