/*
 * hx_baseline: baselines from git notes and files.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rec/hx_baseline.h"
#include "hx_err.h"
#include "hx_git.h"
#include "hx_hash.h"
#include "hx_in.h"
#include "rec/hx_reader.h"
#include "rec/hx_scan.h"
#include "rec/hx_sample.h"

/*
 * The first line of a compressed note; the lines after it are the gzip
 * of the records in base64, 76 characters a line (git notes are text).
 */
#define NOTE_HEADER "hx-baseline gzip base64\n"

const char *
hx_baseline_ref(void)
{
	const char *ref = getenv("HX_BASELINE_REF");

	return ref != NULL && *ref != '\0' ? ref : HX_GIT_NOTES_REF;
}
#define NOTE_WIDTH 76

/*
 * TEXT as a compressed note, to free: the header, then the base64 of its
 * gzip in lines of NOTE_WIDTH.
 */
static char *
note_encode(const char *text)
{
	unsigned char *gz;
	size_t gzlen, n, i, at = strlen(NOTE_HEADER);
	char *b64, *note;

	hx_in_gzip(text, strlen(text), &gz, &gzlen);
	b64 = hx_hash_base64_encode(gz, gzlen);
	free(gz);
	n = strlen(b64);
	note = hx_xmalloc(at + n + n / NOTE_WIDTH + 2);
	memcpy(note, NOTE_HEADER, at);
	for (i = 0; i < n; i += NOTE_WIDTH) {
		memcpy(note + at, b64 + i, n - i < NOTE_WIDTH ? n - i :
		    NOTE_WIDTH);
		at += n - i < NOTE_WIDTH ? n - i : NOTE_WIDTH;
		note[at++] = '\n';
	}
	note[at] = '\0';
	free(b64);
	return note;
}

/*
 * The records of the note *TEXT: a compressed note is decoded in place
 * (*TEXT replaced); a note without the header is records as they are,
 * as notes were written before compression.  Returns 0, or -1 with why
 * in *WHY (static).
 */
static int
note_decode(char **text, const char **why)
{
	size_t hlen = strlen(NOTE_HEADER), gzlen, len;
	unsigned char *gz;
	char *plain;

	if (strncmp(*text, NOTE_HEADER, hlen) != 0)
		return 0;
	if (hx_hash_base64_decode(*text + hlen, &gz, &gzlen) < 0) {
		*why = "not base64";
		return -1;
	}
	if (hx_in_gunzip(gz, gzlen, &plain, &len, why) < 0) {
		free(gz);
		return -1;
	}
	free(gz);
	free(*text);
	*text = plain;
	return 0;
}

/*
 * The branch whose merge base holds the baseline: NAME, else what the CI
 * system says a merge request targets, else main.
 */
static const char *
choose_target_branch(const char *name)
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

/*
 * Check a sample, wcet or stage record V of a baseline and keep it in
 * B->samples, B->wcets or B->stages.  Returns 0, or -1 with *MESSAGE (to free).
 */
static int
check_timing(struct hx_baseline *b, const char *type, const json_t *v,
    char **message)
{
	struct hx_stage_record stage;
	struct hx_sample sample;
	struct hx_wcet wcet;

	if (strcmp(type, "sample") == 0) {
		if (hx_sample_read(v, &sample, message) < 0)
			return -1;
		b->samples = hx_xrealloc(b->samples, (b->nsamples + 1) *
		    sizeof(*b->samples));
		b->samples[b->nsamples++] = sample;
	} else if (strcmp(type, "wcet") == 0) {
		if (hx_wcet_read(v, &wcet, message) < 0)
			return -1;
		b->wcets = hx_xrealloc(b->wcets, (b->nwcets + 1) *
		    sizeof(*b->wcets));
		b->wcets[b->nwcets++] = wcet;
	} else if (strcmp(type, "stage") == 0) {
		if (hx_stage_read(v, &stage, message) < 0)
			return -1;
		b->stages = hx_xrealloc(b->stages, (b->nstages + 1) *
		    sizeof(*b->stages));
		b->stages[b->nstages++] = stage;
	}
	return 0;
}

/* Say in ERR that line LINE of B's source is malformed, as SCAN says. */
static int
bad_line(const struct hx_baseline *b, unsigned long line,
    const struct hx_scan *scan, char *err, size_t errlen)
{
	if (scan->column > 0)
		snprintf(err, errlen, "%s:%lu: %s at column %zu", b->source,
		    line, scan->message, scan->column);
	else
		snprintf(err, errlen, "%s:%lu: %s", b->source, line,
		    scan->message);
	return -1;
}

/*
 * Parse the record TEXT of TYPE, line LINE of B's source, into
 * B->records.
 */
static int
add_record(struct hx_baseline *b, const char *text, size_t len,
    unsigned long line, const char *type, char *err, size_t errlen)
{
	struct hx_json_error jerr;
	char *message;
	json_t *v;

	if ((v = hx_json_parse(text, len, &jerr)) == NULL) {
		snprintf(err, errlen, "%s:%lu: %s", b->source, line, jerr.text);
		return -1;
	}
	json_array_append_new(b->records, v);
	if (check_timing(b, type, v, &message) < 0) {
		snprintf(err, errlen, "%s:%lu: %s", b->source, line, message);
		free(message);
		return -1;
	}
	return 0;
}

/* Read the record file PATH, through hx_reader, into B. */
static int
load_file(const char *path, struct hx_baseline *b, char *err, size_t errlen)
{
	struct hx_reader_line line;
	struct hx_reader *reader;
	struct hx_err_info rerr;
	enum hx_reader_status st;
	int rc = 0, saved;
	FILE *copy;

	b->source = hx_xstrdup(path);
	if ((reader = hx_reader_open(path, &rerr)) == NULL) {
		saved = errno;
		snprintf(err, errlen, "%s", rerr.message);
		errno = saved;
		return rerr.status == HX_EXIT_SYSTEM ? -2 : -1;
	}
	b->records = json_array();
	if ((copy = open_memstream(&b->text, &b->len)) == NULL)
		hx_err_out_of_memory();
	while (rc == 0 && (st = hx_reader_next(reader, &line, &rerr)) !=
	    HX_READER_EOF) {
		if (st == HX_READER_ERROR) {
			saved = errno;
			snprintf(err, errlen, "%s", rerr.message);
			errno = saved;
			rc = rerr.status == HX_EXIT_SYSTEM ? -2 : -1;
		} else if (st == HX_READER_BAD)
			rc = bad_line(b, line.line, &line.scan, err, errlen);
		else {
			fwrite(line.text, 1, line.len, copy);
			fputc('\n', copy);
			rc = add_record(b, line.text, line.len, line.line,
			    line.scan.type, err, errlen);
		}
	}
	hx_reader_close(reader);
	if (fclose(copy) != 0)
		hx_err_out_of_memory();
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
	const char *why;
	struct hx_scan scan;
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
	text = hx_git_note_read(git, hx_baseline_ref(), oid, &failed);
	hx_git_close(git);
	if (text == NULL && failed) {
		snprintf(err, errlen, "git: cannot read the note of %s: %s",
		    oid, hx_git_error());
		errno = EIO;
		return -2;
	}
	if (text == NULL) {
		b->missing = hx_xasprintf("git: commit %s%s%s has no baseline "
		    "note under %s (record one with hx-gate --record-baseline)",
		    oid, rev ? "" : ", the merge base with ", rev ? "" : target,
		    hx_baseline_ref());
		return 0;
	}
	if (note_decode(&text, &why) < 0) {
		snprintf(err, errlen, "%s: the compressed note is bad: %s",
		    b->source, why);
		free(text);
		return -1;
	}
	/* A note is text in memory: each line is scanned as a file's is. */
	b->records = json_array();
	for (p = text; *p != '\0' && rc == 0; p = nl + 1, line++) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		switch (hx_scan_line(p, (size_t)(nl - p), &scan)) {
		case HX_SCAN_BLANK:
			break;
		case HX_SCAN_BAD:
			rc = bad_line(b, line, &scan, err, errlen);
			break;
		case HX_SCAN_RECORD:
			rc = add_record(b, p, (size_t)(nl - p), line, scan.type,
			    err, errlen);
			break;
		}
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
		return load_git(NULL, choose_target_branch(target_branch),
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
	char *note;
	int rc = -1;

	if (git == NULL) {
		snprintf(err, errlen, "--record-baseline: not in a git "
		    "repository: %s", hx_git_error());
		return -1;
	}
	if (hx_git_resolve(git, "HEAD", commit) < 0)
		snprintf(err, errlen, "--record-baseline: no commit at HEAD: "
		    "%s", hx_git_error());
	else {
		note = note_encode(text);
		if (hx_git_note_write(git, hx_baseline_ref(), commit, note) < 0)
			snprintf(err, errlen, "--record-baseline: cannot write "
			    "the note of %s: %s", commit, hx_git_error());
		else
			rc = 0;
		free(note);
	}
	hx_git_close(git);
	return rc;
}

void
hx_baseline_free(struct hx_baseline *b)
{
	size_t i;

	free(b->source);
	free(b->missing);
	free(b->text);
	for (i = 0; i < b->nwcets; i++)
		hx_wcet_clear(&b->wcets[i]);
	free(b->wcets);
	for (i = 0; i < b->nsamples; i++)
		hx_sample_clear(&b->samples[i]);
	free(b->samples);
	for (i = 0; i < b->nstages; i++)
		hx_stage_clear(&b->stages[i]);
	free(b->stages);
	json_decref(b->records);
	memset(b, 0, sizeof(*b));
}
