/*
 * hx_baseline: baselines from git notes and files.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate/hx_baseline.h"
#include "hx_err.h"
#include "hx_git.h"
#include "hx_in.h"
#include "rec/hx_rec.h"

const char *
hx_baseline_target_branch(const char *name)
{
	static const char *const vars[] = {
		"CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "GITHUB_BASE_REF", NULL,
	};
	const char *v;
	size_t i;

	if (name != NULL && *name != '\0')
		return name;
	for (i = 0; vars[i] != NULL; i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return v;
	return "main";
}

/* Parse one line of a baseline into B->records; LINE counts from 1. */
static int
add_line(struct hx_baseline *b, const char *text, size_t len,
    unsigned long line, char *err, size_t errlen)
{
	struct hx_json_error jerr;
	struct hx_scan scan;
	json_t *v;

	switch (hx_rec_scan(text, len, &scan)) {
	case HX_SCAN_BLANK:
		return 0;
	case HX_SCAN_BAD:
		snprintf(err, errlen, "%s:%lu: %s at column %zu", b->source,
		    line, scan.message, scan.column);
		return -1;
	case HX_SCAN_RECORD:
		break;
	}
	if ((v = hx_json_parse(text, len, &jerr)) == NULL) {
		snprintf(err, errlen, "%s:%lu: %s", b->source, line, jerr.text);
		return -1;
	}
	json_array_append_new(b->records, v);
	return 0;
}

static int
load_file(const char *path, struct hx_baseline *b, char *err, size_t errlen)
{
	struct hx_in *in;
	char *line;
	size_t len;
	int rc = 0;
	FILE *copy;

	b->source = hx_xstrdup(path);
	if ((in = hx_in_open(path)) == NULL) {
		b->missing = hx_xasprintf("%s: %s", path, strerror(errno));
		return 0;
	}
	b->records = json_array();
	if ((copy = open_memstream(&b->text, &b->len)) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "open_memstream");
	for (;;) {
		switch (hx_in_getline(in, &line, &len)) {
		case HX_IN_LINE:
			fwrite(line, 1, len, copy);
			fputc('\n', copy);
			if (add_line(b, line, len, hx_in_lineno(in), err,
			    errlen) == 0)
				continue;
			rc = -1;
			break;
		case HX_IN_EOF:
			break;
		case HX_IN_TOOLONG:
			snprintf(err, errlen, "%s:%lu: line too long", path,
			    hx_in_lineno(in));
			rc = -1;
			break;
		default:
			snprintf(err, errlen, "%s: %s", path, hx_in_error(in));
			rc = -1;
			break;
		}
		break;
	}
	hx_in_close(in);
	if (fclose(copy) != 0)
		hx_err_errno(HX_EXIT_SYSTEM, "open_memstream");
	return rc;
}

/* The commit whose note is the baseline: REV, or the merge base. */
static int
baseline_commit(struct hx_git *git, const char *rev, const char *target,
    char oid[HX_GIT_OID_HEX], char **why)
{
	char *candidates[3];
	int i, rc = -1;

	if (rev != NULL) {
		if (hx_git_resolve(git, rev, oid) == 0)
			return 0;
		*why = hx_xasprintf("git: %s is not a commit", rev);
		return -1;
	}
	candidates[0] = hx_xstrdup(target);
	candidates[1] = hx_xasprintf("origin/%s", target);
	candidates[2] = NULL;
	for (i = 0; candidates[i] != NULL && rc != 0; i++)
		rc = hx_git_merge_base(git, "HEAD", candidates[i], oid);
	if (rc != 0)
		*why = hx_xasprintf("git: no merge base of HEAD and the target "
		    "branch %s (nor origin/%s; fetch it, or name it with "
		    "--target-branch)", target, target);
	free(candidates[0]);
	free(candidates[1]);
	return rc;
}

static int
load_git(const char *rev, const char *target, struct hx_baseline *b,
    char *err, size_t errlen)
{
	char oid[HX_GIT_OID_HEX], *text, *p, *nl;
	struct hx_git *git = hx_git_open(".");
	unsigned long line = 1;
	bool failed;
	int rc = 0;

	if (git == NULL) {
		b->source = hx_xstrdup(rev != NULL ? rev : "git");
		b->missing = hx_xasprintf("git: not in a git repository: %s",
		    hx_git_error());
		return 0;
	}
	if (baseline_commit(git, rev, target, oid, &b->missing) < 0) {
		b->source = hx_xasprintf("git:%s", rev != NULL ? rev : target);
		hx_git_close(git);
		return 0;
	}
	b->source = hx_xasprintf("git:%s", oid);
	text = hx_git_note_read(git, HX_GIT_NOTES_REF, oid, &failed);
	hx_git_close(git);
	if (text == NULL) {
		b->missing = failed ? hx_xasprintf("git: cannot read the note "
		    "of %s: %s", oid, hx_git_error()) : hx_xasprintf("git: "
		    "commit %s%s%s has no baseline note under %s (record one "
		    "with hx-gate --record-baseline)", oid, rev ? "" :
		    ", the merge base with ", rev ? "" : target,
		    HX_GIT_NOTES_REF);
		return 0;
	}
	b->records = json_array();
	for (p = text; *p != '\0' && rc == 0; p = nl + 1, line++) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		rc = add_line(b, p, (size_t)(nl - p), line, err, errlen);
		if (*nl == '\0')
			break;
	}
	b->text = text;
	b->len = strlen(text);
	return rc;
}

int
hx_baseline_load(const char *spec, const char *target_branch,
    struct hx_baseline *b, char *err, size_t errlen)
{
	memset(b, 0, sizeof(*b));
	if (strcmp(spec, "git") == 0)
		return load_git(NULL, hx_baseline_target_branch(target_branch),
		    b, err, errlen);
	if (strncmp(spec, "git:", 4) == 0)
		return load_git(spec + 4, NULL, b, err, errlen);
	return load_file(spec, b, err, errlen);
}

int
hx_baseline_record(const char *text, char commit[41], char *err,
    size_t errlen)
{
	struct hx_git *git = hx_git_open(".");
	int rc = -1;

	if (git == NULL) {
		snprintf(err, errlen, "--record-baseline: not in a git "
		    "repository: %s", hx_git_error());
		return -1;
	}
	if (hx_git_resolve(git, "HEAD", commit) < 0)
		snprintf(err, errlen, "--record-baseline: no commit at HEAD: "
		    "%s", hx_git_error());
	else if (hx_git_note_write(git, HX_GIT_NOTES_REF, commit, text) < 0)
		snprintf(err, errlen, "--record-baseline: cannot write the "
		    "note of %s: %s", commit, hx_git_error());
	else
		rc = 0;
	hx_git_close(git);
	return rc;
}

void
hx_baseline_free(struct hx_baseline *b)
{
	free(b->source);
	free(b->missing);
	free(b->text);
	json_decref(b->records);
	memset(b, 0, sizeof(*b));
}
