/*
 * hx doctor: the components the pipeline drives, as an env record and a
 * checklist, with the harness's frequency and thermal baseline.
 */
#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "build/hx_toolchain.h"
#include "emu/hx_qemu.h"
#include "emu/hx_stub.h"
#include "hx_err.h"
#include "hx_spawn.h"
#include "hx_strv.h"
#include "offload/hx_backend.h"
#include "rec/hx_env.h"
#include "rec/hx_rec.h"

#include "hx.h"

void
doctor_usage(void)
{
	printf("Usage: hx doctor [-hq] [--sysfs DIR]\n"
	    "Look for the components hx drives, print one env record on\n"
	    "stdout and a checklist on stderr, with the CPUs' frequency\n"
	    "scaling and the thermal zones.  Exit 4 when a component the\n"
	    "fast PR path needs is missing.\n"
	    "\n"
	    "Options:\n"
	    "  -h, --help       show this help and exit\n"
	    "  -q, --quiet      print no checklist\n"
	    "      --sysfs DIR  read frequencies and temperatures under DIR, "
	    "not /sys\n");
}

/* The human checklist: required components first, then the others. */
static void
print_checklist(const struct hx_env *env)
{
	const struct hx_component *c;
	int pass, i;

	for (pass = 0; pass < 2; pass++) {
		fprintf(stderr, "%s\n", pass == 0 ? "fast PR path (required):" :
		    "nightly, release and GPU paths (optional):");
		for (i = 0; i < env->ncomponents; i++) {
			c = &env->components[i];
			if (c->required != (pass == 0))
				continue;
			if (c->found)
				fprintf(stderr, "  [ok]      %-16s %s\n", c->name,
				    c->version != NULL ? c->version :
				    c->path != NULL ? c->path : "");
			else if (c->package != NULL)
				fprintf(stderr, "  [%s] %-16s %s; for %s install %s\n",
				    c->required ? "MISSING" : "missing", c->name,
				    c->detail != NULL ? c->detail : "not found",
				    c->purpose, c->package);
			else
				fprintf(stderr, "  [%s] %-16s %s\n",
				    c->required ? "MISSING" : "missing", c->name,
				    c->detail != NULL ? c->detail : "not found");
		}
	}
	if (hx_env_complete(env))
		fprintf(stderr, "hx doctor: the fast PR path can run here\n");
	else
		fprintf(stderr, "hx doctor: the fast PR path cannot run: "
		    "install the packages marked MISSING\n");
}

/*
 * Where the tools look for hx's own files, in order, and what is there:
 * the toolchain manifests, the QEMU plugin and hx-offload.
 */
static void
print_places(void)
{
	char **dirs = hx_toolchain_dirs(), **plugins = hx_qemu_plugin_paths();
#ifdef HX_HAVE_CUDA
	char **cuda;
#endif
	char *self = hx_spawn_self_dir(), *stub = hx_stub_find(self), *names;
	const char *one[2] = { NULL, NULL };
	size_t i;

	fprintf(stderr, "hx's own files (the first found is used):\n");
	for (i = 0; dirs[i] != NULL; i++) {
		one[0] = dirs[i];
		names = hx_toolchain_names(one);
		fprintf(stderr, "  toolchains  %s: %s\n", dirs[i],
		    *names != '\0' ? names : "none");
		free(names);
	}
	for (i = 0; plugins[i] != NULL; i++)
		fprintf(stderr, "  plugin      %s: %s\n", plugins[i],
		    access(plugins[i], R_OK) == 0 ? "found" : "absent");
	fprintf(stderr, "  hx-offload  %s, %s, PATH: %s\n",
	    self != NULL ? self : "(this program's directory)", HX_BINDIR,
	    stub != NULL ? stub : "absent");
#ifdef HX_HAVE_CUDA
	cuda = hx_backend_cuda_paths();
	for (i = 0; cuda[i] != NULL; i++)
		fprintf(stderr, "  cuda        %s: %s\n", cuda[i],
		    access(cuda[i], R_OK) == 0 ? "found" : "absent");
	hx_strv_free(cuda);
#endif
	free(stub);
	free(self);
	hx_strv_free(plugins);
	hx_strv_free(dirs);
}

int
doctor(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "sysfs", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct hx_harness nothing;
	const char *sysfs = "/sys";
	struct hx_env_run run;
	struct hx_env env;
	struct hx_err_info err;
	bool quiet = false;
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			doctor_usage();
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case 'q':
			quiet = true;
			break;
		case 'S':
			sysfs = optarg;
			break;
		default:
			hx_usage_error("doctor: bad option");
		}
	}
	if (optind != argc)
		hx_usage_error("doctor: unexpected argument: %s", argv[optind]);
	hx_env_probe(&env);
	/* What a run gets when it asks for nothing, and the baseline. */
	hx_env_run_probe(&run, &nothing, NULL, sysfs);
	json_object_set_new(env.record, "harness", hx_env_run_json(&run));
	hx_rec_emit(env.record);
	if (hx_rec_finish(NULL, &err) < 0)
		hx_err_exit(&err);
	if (!quiet) {
		print_checklist(&env);
		hx_harness_baseline_write(&run.baseline, stderr);
		print_places();
	}
	hx_env_run_free(&run);
	status = hx_env_complete(&env) ? HX_EXIT_OK : HX_EXIT_SYSTEM;
	hx_env_free(&env);
	return status;
}
