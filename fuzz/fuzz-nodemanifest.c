/*
 * fuzz-nodemanifest: a pinned node manifest (hx-node-manifest(5)) through
 * hx_nodemanifest_load.  A refused manifest must say why.  One that loads
 * is checked against the facts of a node that has exactly what it pins
 * (its versions, its modules signed by its signer), which must agree,
 * and against the same facts with one module's digest changed, which
 * must not, naming that module.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sched/hx_nodemanifest.h"
#include "fuzz.h"

static const char other[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* The facts of a node that has what M pins, in F (its strings M's). */
static int
facts_of(const struct hx_nodemanifest *m, struct hx_facts *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->kernel = (char *)m->kernel;
	f->driver = (char *)m->driver;
	f->firmware = (char *)m->firmware;
	f->kernel_why = f->driver_why = f->firmware_why = "not pinned";
	if ((f->modules = calloc(m->nmodules + 1, sizeof(*f->modules))) ==
	    NULL)
		return -1;
	for (i = 0; i < m->nmodules; i++) {
		f->modules[i].name = (char *)m->modules[i].name;
		f->modules[i].sha256 = (char *)m->modules[i].sha256;
		f->modules[i].signer = (char *)(m->signer != NULL ? m->signer :
		    "signer");
		f->modules[i].sig_id = "PKCS#7";
		f->modules[i].sig_hashalgo = "sha256";
	}
	f->nmodules = m->nmodules;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hx_nodemanifest m;
	struct hx_facts f;
	char err[512], *diff;

	*err = '\0';
	if (hx_nodemanifest_load(fuzz_file(data, size), &m, err,
	    sizeof(err)) != 0) {
		if (*err == '\0')
			abort();
		return 0;
	}
	if (facts_of(&m, &f) == 0) {
		if ((diff = hx_nodemanifest_check(&m, &f)) != NULL)
			abort();
		if (f.nmodules > 0 && strcmp(f.modules[0].sha256, other) != 0) {
			f.modules[0].sha256 = (char *)other;
			diff = hx_nodemanifest_check(&m, &f);
			if (diff == NULL || strstr(diff, f.modules[0].name) ==
			    NULL)
				abort();
			free(diff);
		}
		free(f.modules);
	}
	hx_nodemanifest_free(&m);
	return 0;
}
