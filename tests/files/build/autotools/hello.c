#include <stdio.h>

int
main(void)
{
	puts("built for " HOST);
	return 0;
}
