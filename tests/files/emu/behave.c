/*
 * behave: the test program of the hx-emu tests, built for riscv64 by the
 * tests themselves.  The first argument says how to behave.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Whether STATE existed; creates it.  For tests that fail once. */
static int
seen_before(const char *state)
{
	FILE *fp;

	if (access(state, F_OK) == 0)
		return 1;
	if ((fp = fopen(state, "w")) != NULL)
		fclose(fp);
	return 0;
}

/*
 * Say that the program got as far as this: create the file named by
 * HX_READY, if set, once what it printed is on its way.  A test waits
 * for the file, or knows from it what the output must hold.
 */
static void
ready(void)
{
	const char *path = getenv("HX_READY");
	FILE *fp;

	fflush(stdout);
	if (path != NULL && (fp = fopen(path, "w")) != NULL)
		fclose(fp);
}

/* Sum 0..n-1 the slow way: work that grows with n. */
static long
work(long n)
{
	volatile long sum = 0;
	long i;

	for (i = 0; i < n; i++)
		sum += i;
	return sum;
}

/* Multiply two 32x32 integer matrices N times: an inference-like kernel. */
static int
matmul(long n)
{
	static int a[32][32], b[32][32], c[32][32];
	int i, j, k, acc;
	long r;

	for (i = 0; i < 32; i++)
		for (j = 0; j < 32; j++) {
			a[i][j] = (i * 7 + j) % 13 - 6;
			b[i][j] = (i + j * 5) % 11 - 5;
		}
	for (r = 0; r < n; r++)
		for (i = 0; i < 32; i++)
			for (j = 0; j < 32; j++) {
				acc = (int)r;
				for (k = 0; k < 32; k++)
					acc += a[i][k] * b[k][j];
				c[i][j] = acc;
			}
	return c[(int)(n % 32)][5];
}

int
main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "pass";
	const char *arg = argc > 2 ? argv[2] : "";
	struct timespec ts;
	char cwd[4096];
	int i;

	if (strcmp(how, "pass") == 0) {
		printf("all good\n");
		return 0;
	}
	if (strcmp(how, "fail") == 0) {
		printf("checking\n");
		fprintf(stderr, "assertion failed: 2 + 2 == 5\n");
		return 3;
	}
	if (strcmp(how, "skip") == 0) {
		printf("no device\n");
		return 77;
	}
	if (strcmp(how, "segv") == 0) {
		raise(SIGSEGV);
		return 0;
	}
	if (strcmp(how, "work") == 0) {
		printf("%ld\n", work(atol(arg)));
		return 0;
	}
	if (strcmp(how, "matmul") == 0) {
		printf("%d\n", matmul(atol(arg)));
		return 0;
	}
	if (strcmp(how, "env") == 0) {
		printf("HX_TEST_VAR=%s\n", getenv("HX_TEST_VAR") ?
		    getenv("HX_TEST_VAR") : "(unset)");
		printf("cwd=%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
		for (i = 2; i < argc; i++)
			printf("arg=%s\n", argv[i]);
		return 0;
	}
	if (strcmp(how, "sleep") == 0) {
		ts.tv_sec = atol(arg) / 1000;
		ts.tv_nsec = atol(arg) % 1000 * 1000000L;
		nanosleep(&ts, NULL);
		printf("slept %s ms\n", arg);
		return 0;
	}
	if (strcmp(how, "hang") == 0) {
		/* A child and a grandchild that never end; the grandchild
		 * writes its pid to ARG once it runs. */
		if (fork() == 0) {
			if (fork() == 0) {
				FILE *fp = fopen(arg, "w");

				fprintf(fp, "%d\n", (int)getpid());
				fclose(fp);
			}
			for (;;)
				pause();
		}
		for (;;)
			pause();
	}
	if (strcmp(how, "flaky") == 0) {
		if (seen_before(arg))
			return 0;
		fprintf(stderr, "first run fails\n");
		return 1;
	}
	if (strcmp(how, "tap") == 0) {
		printf("TAP version 13\n1..5\nok 1 - parses the model\n"
		    "not ok 2 - matmul is exact\n# got 5\n# want 6\n"
		    "ok 3 - conv # SKIP no vector unit\n"
		    "not ok 4 - softmax # TODO not written yet\nok 5\n");
		return 1;
	}
	if (strcmp(how, "okish") == 0) {
		/* Looks like test points, but without a plan it is not TAP. */
		printf("ok\nnot ok, but not TAP either\n");
		return 0;
	}
	if (strcmp(how, "tap-pass") == 0) {
		printf("1..2\nok 1 - first\nok 2 - second\n");
		return 0;
	}
	if (strcmp(how, "tap-skipall") == 0) {
		printf("1..0 # SKIP needs a GPU\n");
		return 0;
	}
	if (strcmp(how, "tap-short") == 0) {
		printf("1..3\nok 1 - starts\n");
		fprintf(stderr, "crashed\n");
		return 1;
	}
	if (strcmp(how, "tap-huge-plan") == 0) {
		printf("1..2000000\nok 1 - starts\n");
		return 1;
	}
	if (strcmp(how, "tap-flood") == 0) {
		/* Under 1 MiB: 300,000 points, one failing, and a plan. */
		for (i = 1; i <= 300000; i++)
			fputs(i == 299990 ? "not ok\n" : "ok\n", stdout);
		printf("1..300000\n");
		return 0;
	}
	if (strcmp(how, "tap-bail") == 0) {
		printf("1..2\nok 1 - starts\nBail out! no model file\n");
		return 1;
	}
	if (strcmp(how, "tap-hang") == 0) {
		printf("1..2\nok 1 - starts\n");
		ready();
		for (;;)
			pause();
	}
	if (strcmp(how, "tap-die") == 0) {
		printf("1..2\nok 1 - starts\n");
		fflush(stdout);
		raise(SIGTERM);
		return 0;
	}
	if (strcmp(how, "tap-bulky") == 0) {
		/* A failure, then more than a MiB of diagnostics, then a pass. */
		printf("1..2\nnot ok 1 - early\n");
		for (i = 0; i < 200000; i++)
			printf("# filler line %d\n", i);
		printf("ok 2 - late\n");
		return 0;
	}
	if (strcmp(how, "tap-flaky") == 0) {
		printf("1..2\nok 1 - stable\n%s 2 - racy\n",
		    seen_before(arg) ? "ok" : "not ok");
		return 0;
	}
	fprintf(stderr, "behave: unknown behaviour %s\n", how);
	return 2;
}
