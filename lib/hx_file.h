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

/*
 * Remove PATH and everything under it, not following symbolic links.
 * Returns 0 (also when PATH is already gone), or -errno.
 */
int hx_file_remove_tree(const char *path);

#endif
