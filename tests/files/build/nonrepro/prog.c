#include <stdio.h>

#ifndef BUILT_IN
#define BUILT_IN "somewhere"
#endif

int
main(void)
{
	puts(BUILT_IN);
	return 0;
}
