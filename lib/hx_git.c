/*
 * hx_git: libgit2 for build metadata, change sets and baseline notes.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "hx_err.h"
#include "hx_git.h"

struct hx_git {
	git_repository *repo;
};

static int initialised;

const char *
hx_git_error(void)
{
	const git_error *e = git_error_last();

	return e != NULL && e->message != NULL ? e->message : "unknown git error";
}

struct hx_git *
hx_git_open(const char *path)
{
	struct hx_git *git;
	git_repository *repo;

	if (!initialised) {
		git_libgit2_init();
		initialised = 1;
	}
	/* Stop searching upwards where git would (see git(1)). */
	if (git_repository_open_ext(&repo, path, 0,
	    getenv("GIT_CEILING_DIRECTORIES")) != 0)
		return NULL;
	git = hx_xcalloc(1, sizeof(*git));
	git->repo = repo;
	return git;
}

void
hx_git_close(struct hx_git *git)
{
	if (git == NULL)
		return;
	git_repository_free(git->repo);
	free(git);
}

const char *
hx_git_workdir(const struct hx_git *git)
{
	const char *w = git_repository_workdir(git->repo);

	return w != NULL ? w : git_repository_path(git->repo);
}

/* Peel REV to a commit. */
static git_commit *
lookup_commit(struct hx_git *git, const char *rev)
{
	git_object *obj = NULL, *peeled = NULL;

	if (git_revparse_single(&obj, git->repo, rev) != 0)
		return NULL;
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0)
		peeled = NULL;
	git_object_free(obj);
	return (git_commit *)peeled;
}

int
hx_git_source_date_epoch(const struct hx_git_head *head, int64_t *epoch,
    char *err, size_t errlen)
{
	const char *value = getenv("SOURCE_DATE_EPOCH");
	long long t;
	char *end;

	if (value == NULL || *value == '\0') {
		*epoch = head != NULL ? head->commit_time : 0;
		return 0;
	}
	/* Digits only: a sign, a space or a fraction is refused, not read. */
	errno = 0;
	t = strtoll(value, &end, 10);
	if (*value < '0' || *value > '9' || *end != '\0' || errno != 0) {
		snprintf(err, errlen, "SOURCE_DATE_EPOCH: not a number of "
		    "seconds: %s", value);
		return -1;
	}
	*epoch = t;
	return 0;
}

int
hx_git_resolve(struct hx_git *git, const char *rev, char oid[HX_GIT_OID_HEX])
{
	git_commit *commit = lookup_commit(git, rev);

	if (commit == NULL)
		return -1;
	git_oid_tostr(oid, HX_GIT_OID_HEX, git_commit_id(commit));
	git_commit_free(commit);
	return 0;
}

/* Whether any tracked file differs from HEAD, in the index or the tree. */
static bool
is_dirty(struct hx_git *git)
{
	git_status_options opts;
	git_status_list *list;
	size_t n;

	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&list, git->repo, &opts) != 0)
		return true;
	n = git_status_list_entrycount(list);
	git_status_list_free(list);
	return n > 0;
}

int
hx_git_head(struct hx_git *git, struct hx_git_head *head)
{
	git_reference *ref = NULL;
	git_commit *commit;

	memset(head, 0, sizeof(*head));
	if ((commit = lookup_commit(git, "HEAD")) == NULL)
		return -1;
	git_oid_tostr(head->commit, sizeof(head->commit), git_commit_id(commit));
	head->commit_time = (int64_t)git_commit_time(commit);
	git_commit_free(commit);
	head->dirty = is_dirty(git);
	if (git_repository_head_detached(git->repo) != 1 &&
	    git_repository_head(&ref, git->repo) == 0) {
		snprintf(head->branch, sizeof(head->branch), "%s",
		    git_reference_shorthand(ref));
		git_reference_free(ref);
	} else
		snprintf(head->branch, sizeof(head->branch), "HEAD");
	return 0;
}

int
hx_git_merge_base(struct hx_git *git, const char *a, const char *b,
    char oid[HX_GIT_OID_HEX])
{
	git_commit *ca = lookup_commit(git, a), *cb = lookup_commit(git, b);
	git_oid base;
	int rc = -1;

	if (ca != NULL && cb != NULL &&
	    git_merge_base(&base, git->repo, git_commit_id(ca),
	    git_commit_id(cb)) == 0) {
		git_oid_tostr(oid, HX_GIT_OID_HEX, &base);
		rc = 0;
	}
	git_commit_free(ca);
	git_commit_free(cb);
	return rc;
}

struct path_list {
	char **paths;
	size_t n, cap;
};

static void
add_path(struct path_list *l, const char *path)
{
	size_t i;

	if (path == NULL)
		return;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->paths[i], path) == 0)
			return;
	if (l->n + 2 > l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->paths = hx_xrealloc(l->paths, l->cap * sizeof(*l->paths));
	}
	l->paths[l->n++] = hx_xstrdup(path);
	l->paths[l->n] = NULL;
}

long
hx_git_changed_paths(struct hx_git *git, const char *rev, char ***paths)
{
	git_diff_options opts;
	git_commit *commit = lookup_commit(git, rev);
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	struct path_list list = { 0 };
	const git_diff_delta *d;
	size_t i, n;

	if (commit == NULL)
		return -1;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if (git_commit_tree(&tree, commit) != 0) {
		git_commit_free(commit);
		return -1;
	}
	opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
	if (git_diff_tree_to_workdir_with_index(&diff, git->repo, tree,
	    &opts) != 0 || git_diff_find_similar(diff, NULL) != 0) {
		git_diff_free(diff);
		git_tree_free(tree);
		git_commit_free(commit);
		return -1;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		d = git_diff_get_delta(diff, i);
		add_path(&list, d->old_file.path);
		add_path(&list, d->new_file.path);
	}
	git_diff_free(diff);
	git_tree_free(tree);
	git_commit_free(commit);
	if (list.paths == NULL)
		list.paths = hx_xcalloc(1, sizeof(*list.paths));
	*paths = list.paths;
	return (long)list.n;
}

int
hx_git_note_write(struct hx_git *git, const char *notes_ref, const char *rev,
    const char *text)
{
	git_signature *sig = NULL;
	git_commit *commit = lookup_commit(git, rev);
	git_oid note;
	int rc;

	if (commit == NULL)
		return -1;
	if (git_signature_default(&sig, git->repo) != 0 &&
	    git_signature_now(&sig, "hx", "hx@localhost") != 0) {
		git_commit_free(commit);
		return -1;
	}
	rc = git_note_create(&note, git->repo, notes_ref, sig, sig,
	    git_commit_id(commit), text, 1);
	git_signature_free(sig);
	git_commit_free(commit);
	return rc == 0 ? 0 : -1;
}

char *
hx_git_note_read(struct hx_git *git, const char *notes_ref, const char *rev,
    bool *failed)
{
	git_commit *commit = lookup_commit(git, rev);
	git_note *note = NULL;
	char *text;
	int rc;

	*failed = false;
	if (commit == NULL) {
		*failed = true;
		return NULL;
	}
	rc = git_note_read(&note, git->repo, notes_ref, git_commit_id(commit));
	git_commit_free(commit);
	/*
	 * Not found in the object database is a note the notes tree names
	 * but that cannot be read (a damaged repository): an error.
	 */
	if (rc == GIT_ENOTFOUND && (git_error_last() == NULL ||
	    git_error_last()->klass != GIT_ERROR_ODB))
		return NULL;
	if (rc != 0) {
		*failed = true;
		return NULL;
	}
	text = hx_xstrdup(git_note_message(note));
	git_note_free(note);
	return text;
}
