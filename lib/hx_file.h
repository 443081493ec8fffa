/*
 * hx_file: directories and file names.
 */
#ifndef HX_FILE_H
#define HX_FILE_H

#include <sys/types.h>

/*
 * Make the directory PATH and any missing directories above it, with
 * permission bits MODE (before the umask), as mkdir -p does.  Returns 0
 * (PATH already a directory included), or -errno.
 */
int hx_file_mkdir_p(const char *path, mode_t mode);

/*
 * Make the directories above the file PATH, as hx_file_mkdir_p does.
 * Returns 0, or -errno.
 */
int hx_file_mkdir_parents(const char *path, mode_t mode);

/* Remove the directory tree at PATH, links not followed.  Returns 0 or -1. */
int hx_file_remove_tree(const char *path);

/*
 * Take an exclusive flock(2) on the directory DIR, without waiting, to say
 * that it is in use: the lock goes with the process, however it ends.
 * Returns the descriptor to keep open (close-on-exec), or -errno
 * (-EWOULDBLOCK when another process holds it).
 */
int hx_file_lock_dir(const char *dir);

/*
 * Remove the directories in PARENT whose names match the fnmatch(3)
 * PATTERN, that belong to this user, were last changed more than MAX_AGE
 * seconds ago and are not in use (hx_file_lock_dir can lock them): what
 * killed runs left.  Sets *REMOVED to how many went.  Returns 0, or -errno
 * when PARENT cannot be read.
 */
int hx_file_sweep(const char *parent, const char *pattern, time_t max_age,
    unsigned *removed);

#endif
