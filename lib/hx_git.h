/*
 * hx_git: what hx reads from and writes to git, through libgit2 (the only
 * module that touches it): the commit being built and whether the tree is
 * dirty, the time stamp of reproducible outputs, the paths changed since
 * a revision, merge bases, and notes, which hold timing baselines without
 * touching the working tree or the index.
 */
#ifndef HX_GIT_H
#define HX_GIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HX_GIT_OID_HEX 41	/* 40 hex digits and a NUL */

/* The notes ref hx keeps its baselines under. */
#define HX_GIT_NOTES_REF "refs/notes/hx-baseline"

struct hx_git;

struct hx_git_head {
	char commit[HX_GIT_OID_HEX];
	int64_t commit_time;	/* committer time, seconds since the epoch */
	bool dirty;		/* tracked files differ from HEAD */
	char branch[256];	/* short branch name, or "HEAD" when detached */
};

/*
 * Open the repository that holds PATH, searching upwards but not past the
 * directories in GIT_CEILING_DIRECTORIES, as git does.  Returns NULL when
 * there is none; hx_git_error says why.
 */
struct hx_git *hx_git_open(const char *path);
void hx_git_close(struct hx_git *git);

/* The last libgit2 error, for messages. */
const char *hx_git_error(void);

/* The top of the working tree, with a trailing '/'. */
const char *hx_git_workdir(const struct hx_git *git);

/* Describe HEAD.  Returns 0, or -1 (an unborn branch, say). */
int hx_git_head(struct hx_git *git, struct hx_git_head *head);

/*
 * The time reproducible outputs carry, by the reproducible-builds.org
 * convention: SOURCE_DATE_EPOCH when the caller set it, else the commit
 * time of HEAD (HEAD is NULL outside a repository or before its first
 * commit), else 0.  Returns 0, or -1 with a message in ERR when
 * SOURCE_DATE_EPOCH is set but is not a decimal number of seconds.
 */
int hx_git_source_date_epoch(const struct hx_git_head *head, int64_t *epoch,
    char *err, size_t errlen);

/* Resolve REV (any rev-parse syntax) to a commit id.  Returns 0 or -1. */
int hx_git_resolve(struct hx_git *git, const char *rev,
    char oid[HX_GIT_OID_HEX]);

/* The merge base of revisions A and B.  Returns 0 or -1. */
int hx_git_merge_base(struct hx_git *git, const char *a, const char *b,
    char oid[HX_GIT_OID_HEX]);

/*
 * The paths (relative to the top of the working tree) that differ between
 * REV and the working tree with its index, untracked files included; both
 * sides of a rename.  Returns the count and a NULL-terminated array in
 * *PATHS (free with hx_strv_free), or -1.
 */
long hx_git_changed_paths(struct hx_git *git, const char *rev, char ***paths);

/*
 * Attach TEXT as the note of REV under NOTES_REF, replacing an old one.
 * The author is git's configured user, or hx when none is set.
 */
int hx_git_note_write(struct hx_git *git, const char *notes_ref,
    const char *rev, const char *text);

/*
 * The note of REV under NOTES_REF as a new string, or NULL: *FAILED says
 * whether there was no note (false) or an error (true, hx_git_error),
 * such as a note whose object is missing or corrupt.
 */
char *hx_git_note_read(struct hx_git *git, const char *notes_ref,
    const char *rev, bool *failed);

#endif
