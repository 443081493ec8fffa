/*
 * cleanup.c: the temporary directories hx-build makes (staging
 * directories, cache entries being filled) go on every way out: a normal
 * end, an error exit, and SIGTERM, SIGINT or SIGHUP, which also kill
 * the build steps' process groups.  Each such directory is locked while
 * it is in use, so that the next run can sweep those killed runs left
 * (kill -9, a crash) without touching a live run's.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "hx_err.h"
#include "hx_file.h"
#include "hx_spawn.h"
#include "rec/hx_rec.h"
#include "rec/hx_writer.h"

/* The directories in use: removed on the way out unless let go. */
static pthread_mutex_t tmp_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tmp_dir {
	char *path;
	int lock;		/* its flock(2), or -1 */
} *tmp_dirs;
static size_t ntmp_dirs;

/* Remove every directory in use; the caller holds tmp_lock. */
static void
remove_all(void)
{
	size_t i;

	for (i = 0; i < ntmp_dirs; i++) {
		hx_file_remove_tree(tmp_dirs[i].path);
		if (tmp_dirs[i].lock >= 0)
			close(tmp_dirs[i].lock);
		free(tmp_dirs[i].path);
	}
	ntmp_dirs = 0;
}

static void
remove_at_exit(void)
{
	pthread_mutex_lock(&tmp_lock);
	remove_all();
	pthread_mutex_unlock(&tmp_lock);
}

/* On a stopping signal: what the killed build steps give is not reported. */
static void
stop_output(void)
{
	hx_writer_fail(hx_rec_out(), ECANCELED);
}

/*
 * On a stopping signal the output stops, the build steps' process groups
 * are killed, the directories removed, and hx-build dies of the signal
 * (hx_spawn).
 */
void
build_catch_signals(void)
{
	struct hx_err_info err;

	if (hx_spawn_stop_on_signals(stop_output, remove_at_exit, &err) < 0)
		hx_err_exit(&err);
	atexit(remove_at_exit);
}

/*
 * A directory that cannot be locked (flock(2) on a directory fails on some
 * network file systems) is still removed on the way out; a sweep cannot
 * lock it either, so it never removes it while this run lives.
 */
void
build_tmp_adopt(const char *dir)
{
	int fd = hx_file_lock_dir(dir);

	pthread_mutex_lock(&tmp_lock);
	tmp_dirs = hx_xrealloc(tmp_dirs, (ntmp_dirs + 1) * sizeof(*tmp_dirs));
	tmp_dirs[ntmp_dirs].path = hx_xstrdup(dir);
	tmp_dirs[ntmp_dirs++].lock = fd >= 0 ? fd : -1;
	pthread_mutex_unlock(&tmp_lock);
}

void
build_tmp_release(const char *dir, bool remove)
{
	size_t i;

	pthread_mutex_lock(&tmp_lock);
	for (i = 0; i < ntmp_dirs && strcmp(tmp_dirs[i].path, dir) != 0; i++)
		continue;
	if (i < ntmp_dirs) {
		if (remove && hx_file_remove_tree(dir) != 0)
			hx_warn_errno("removing %s", dir);
		if (tmp_dirs[i].lock >= 0)
			close(tmp_dirs[i].lock);
		free(tmp_dirs[i].path);
		tmp_dirs[i] = tmp_dirs[--ntmp_dirs];
	}
	pthread_mutex_unlock(&tmp_lock);
}

void
build_sweep(const char *parent, const char *pattern, bool quiet)
{
	unsigned removed;

	if (hx_file_sweep(parent, pattern, BUILD_STALE_MINUTES * 60,
	    &removed) == 0 && removed > 0 && !quiet)
		hx_warn("removed %u stale temporary director%s from %s",
		    removed, removed == 1 ? "y" : "ies", parent);
}
