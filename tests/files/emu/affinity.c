/* Print this process's CPUs (/proc/self/status) and scheduling policy. */
#include <sched.h>
#include <stdio.h>
#include <string.h>

int
main(void)
{
	char line[256];
	struct sched_param p;
	FILE *fp = fopen("/proc/self/status", "r");

	while (fp != NULL && fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "Cpus_allowed_list:", 18) == 0)
			fputs(line, stdout);
	sched_getparam(0, &p);
	printf("policy %d priority %d\n", sched_getscheduler(0),
	    p.sched_priority);
	return 0;
}
