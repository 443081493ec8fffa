/*
 * offload-echo: the peer bench/offload measures hx-offload against: a
 * plain Unix socket server that reads each frame of hx-offload(5) (a
 * header, then as many bytes as it announces) and sends the same bytes
 * back, doing nothing else; one thread per client, as the service.
 * Usage: offload-echo PATH; writes "unix:PATH" and a newline to standard
 * output once it accepts connections, and runs until killed.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Move LEN bytes between FD and P; 0 at the end of the stream. */
static int
full(int fd, uint8_t *p, size_t len, int sending)
{
	ssize_t n;

	while (len > 0) {
		n = sending ? send(fd, p, len, MSG_NOSIGNAL) :
		    recv(fd, p, len, 0);
		if (n <= 0)
			return 0;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

static void *
echo(void *arg)
{
	int fd = (int)(intptr_t)arg;
	uint8_t *buf = NULL;
	size_t cap = 0;
	uint32_t len;

	for (;;) {
		if (cap < 24 && (buf = realloc(buf, cap = 1 << 16)) == NULL)
			break;
		if (!full(fd, buf, 24, 0))
			break;
		len = (uint32_t)buf[20] | (uint32_t)buf[21] << 8 |
		    (uint32_t)buf[22] << 16 | (uint32_t)buf[23] << 24;
		if (len > (64u << 20))
			break;
		if (24 + (size_t)len > cap &&
		    (buf = realloc(buf, cap = 24 + (size_t)len)) == NULL)
			break;
		if (!full(fd, buf + 24, len, 0) ||
		    !full(fd, buf, 24 + (size_t)len, 1))
			break;
	}
	free(buf);
	close(fd);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	pthread_t thread;
	int lfd, fd;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: offload-echo PATH\n");
		return 2;
	}
	strcpy(sun.sun_path, argv[1]);
	unlink(argv[1]);
	if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(lfd, 64) < 0) {
		perror("offload-echo");
		return 4;
	}
	printf("unix:%s\n", argv[1]);
	fflush(stdout);
	while ((fd = accept(lfd, NULL, NULL)) >= 0)
		if (pthread_create(&thread, NULL, echo,
		    (void *)(intptr_t)fd) == 0)
			pthread_detach(thread);
	perror("offload-echo: accept");
	return 4;
}
