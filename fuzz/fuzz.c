/*
 * fuzz: the fuzzer's input as a file.  The content lives in memory
 * (a memfd), so that a run costs no disk writes; the directory on disk
 * holds only a symbolic link to it under the name the loaders want.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

static char dir[PATH_MAX];
static char path[PATH_MAX];
static int fd = -1;

static void
remove_dir(void)
{
	unlink(path);
	rmdir(dir);
}

/* Make the memfd and the directory with the link to it, once. */
static void
setup(void)
{
	const char *tmp;
	char target[64];

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/hx-fuzz.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL ||
	    (fd = memfd_create("hx-fuzz", MFD_CLOEXEC)) < 0) {
		perror("fuzz-file");
		abort();
	}
	atexit(remove_dir);
	snprintf(path, sizeof(path), "%s/hx.json", dir);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (symlink(target, path) != 0) {
		perror(path);
		abort();
	}
}

const char *
fuzz_file_dir(void)
{
	if (fd < 0)
		setup();
	return dir;
}

const char *
fuzz_file(const uint8_t *data, size_t size)
{
	if (fd < 0)
		setup();
	if (ftruncate(fd, 0) != 0 ||
	    pwrite(fd, data, size, 0) != (ssize_t)size) {
		perror("fuzz-file");
		abort();
	}
	return path;
}
