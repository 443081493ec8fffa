/*
 * hx-offload: the tensor-offload service.  Listens on a Unix socket (or
 * TCP), speaks hx-offload(5) with each client on a thread of its own,
 * computes with a backend of lib/offload, injects faults on request, and
 * stops cleanly on SIGTERM, SIGINT or SIGHUP.  It writes nothing on
 * standard output: it is a service; diagnostics go to standard error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hx_err.h"
#include "offload/hx_backend.h"
#include "offload/hx_codec.h"
#include "offload/hx_fault.h"
#include "offload/hx_server.h"
#include "rec/hx_writer.h"

static void
usage(void)
{
	printf("Usage: hx-offload [-hV] [--listen ADDR] [--backend cpu|cuda]\n"
	    "                  [--ready-fd FD] [--token-file FILE]\n"
	    "                  [--fault SPEC] [--fault-seed N]\n"
	    "                  [--max-frame BYTES] [--spans FILE]\n"
	    "                  [--hello-timeout MS] [--frame-timeout MS]\n"
	    "                  [--parent-fd FD]\n"
	    "Serve the tensor-offload protocol (hx-offload(5)) until SIGTERM.\n"
	    "\n"
	    "Options:\n"
	    "  -l, --listen ADDR       unix:PATH, PATH or tcp:HOST:PORT (default\n"
	    "                          unix:$XDG_RUNTIME_DIR/hx-offload.sock)\n"
	    "  -b, --backend NAME      cpu (default) or cuda\n"
	    "      --ready-fd FD       once listening, write the address and a\n"
	    "                          newline to FD and close it\n"
	    "      --token-file FILE   clients must send the token in FILE;\n"
	    "                          required beyond loopback\n"
	    "      --fault SPEC        inject faults: error=P,drop=P,\n"
	    "                          truncate=P,latency=P,delay=MS\n"
	    "      --fault-seed N      the seed of the faults (default 0)\n"
	    "      --max-frame BYTES   the largest frame (default 67108864)\n"
	    "      --spans FILE        append a span record for each request\n"
	    "      --parent-fd FD      stop, as on SIGTERM, when the other\n"
	    "                          end of the pipe FD is closed\n"
	    "      --hello-timeout MS  close a client that has not said hello\n"
	    "                          within MS milliseconds (default 10000)\n"
	    "      --frame-timeout MS  close a client whose frame, once\n"
	    "                          begun, is not whole within MS\n"
	    "                          (default 60000)\n"
	    "  -h, --help              show this help and exit\n"
	    "  -V, --version           show the version and exit\n"
	    "\n"
	    "Exit status: 0 stopped by a signal, 2 usage, 4 system failure.\n");
}

















/* Open the --spans file PATH for appending. */
static struct hx_writer *
open_spans(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	if (fd < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
	return hx_writer_new(fd, 0, 0);
}

/*
 * The default address: a socket in XDG_RUNTIME_DIR, or else in a private
 * directory of TMPDIR (/tmp by default), made 0700 and checked to be this
 * user's alone, so that no other user can put a socket in its place.
 */
static char *
default_address(void)
{
	const char *dir = getenv("XDG_RUNTIME_DIR"), *base = getenv("TMPDIR");
	struct stat st;
	char *priv, *addr;

	if (dir != NULL && *dir != '\0')
		return hx_xasprintf("unix:%s/hx-offload.sock", dir);
	if (base == NULL || *base != '/')
		base = "/tmp";
	priv = hx_xasprintf("%s/hx-offload-%ld", base, (long)getuid());
	if (mkdir(priv, 0700) < 0 && errno != EEXIST)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", priv);
	if (lstat(priv, &st) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", priv);
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 077) != 0)
		hx_err(HX_EXIT_SYSTEM, "%s: not a private directory of this "
		    "user (owner uid %ld, mode %03o): remove it, or set "
		    "XDG_RUNTIME_DIR or --listen", priv, (long)st.st_uid,
		    (unsigned)(st.st_mode & 0777));
	addr = hx_xasprintf("unix:%s/sock", priv);
	free(priv);
	return addr;
}

/* The token: the first line of FILE, 1 to 256 bytes. */
static char *
read_token(const char *file)
{
	char line[HX_OFFLOAD_TOKEN_MAX + 2];
	FILE *fp;

	if ((fp = fopen(file, "r")) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", file);
	if (fgets(line, sizeof(line), fp) == NULL)
		line[0] = '\0';
	fclose(fp);
	line[strcspn(line, "\n")] = '\0';
	if (strlen(line) == 0 || strlen(line) > HX_OFFLOAD_TOKEN_MAX)
		hx_err(HX_EXIT_INPUT, "%s: the token must be 1 to %d bytes",
		    file, HX_OFFLOAD_TOKEN_MAX);
	return hx_xstrdup(line);
}

/*
 * Accept clients until a stopping signal comes on SIGFD, or the pipe
 * PARENT_FD (-1 for none) ends or breaks.
 */
static void
run(struct hx_server *srv, int lfd, int sigfd, int parent_fd)
{
	struct pollfd pfd[3] = { { lfd, POLLIN, 0 }, { sigfd, POLLIN, 0 },
	    { parent_fd, POLLIN, 0 } };
	int fd;

	for (;;) {
		if (poll(pfd, parent_fd >= 0 ? 3 : 2, 1000) < 0 &&
		    errno != EINTR)
			hx_err_errno(HX_EXIT_SYSTEM, "poll");
		hx_server_reap(srv);
		if ((pfd[1].revents & POLLIN) || (parent_fd >= 0 &&
		    pfd[2].revents != 0))
			return;
		if (!(pfd[0].revents & POLLIN))
			continue;
		if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				hx_warn_errno("accept");
			continue;
		}
		hx_server_take(srv, fd);
	}
}

int
main(int argc, char **argv)
{
	enum { OPT_READY = 256, OPT_TOKEN, OPT_FAULT, OPT_SEED, OPT_MAX,
	    OPT_SPANS, OPT_HELLO_TIMEOUT, OPT_FRAME_TIMEOUT, OPT_PARENT };
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "fault", required_argument, NULL, OPT_FAULT },
		{ "fault-seed", required_argument, NULL, OPT_SEED },
		{ "frame-timeout", required_argument, NULL, OPT_FRAME_TIMEOUT },
		{ "hello-timeout", required_argument, NULL, OPT_HELLO_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ "listen", required_argument, NULL, 'l' },
		{ "max-frame", required_argument, NULL, OPT_MAX },
		{ "parent-fd", required_argument, NULL, OPT_PARENT },
		{ "ready-fd", required_argument, NULL, OPT_READY },
		{ "spans", required_argument, NULL, OPT_SPANS },
		{ "token-file", required_argument, NULL, OPT_TOKEN },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct hx_server_conf svc = { .max_frame = HX_OFFLOAD_MAX_FRAME,
	    .hello_timeout_ms = HX_SERVER_HELLO_TIMEOUT_MS,
	    .frame_timeout_ms = HX_SERVER_FRAME_TIMEOUT_MS,
	    .warn = hx_err_warn };
	struct hx_server *srv;
	struct hx_err_info err;
	char *token = NULL;
	const char *backend = "cpu", *token_file = NULL, *fault = NULL;
	char *listen_addr = NULL, *fallback = NULL, addr[PATH_MAX + 16];
	char msg[256];
	int c, lfd, sigfd, ready_fd = -1, parent_fd = -1;
	sigset_t stop;

	hx_err_set_progname(argv[0]);
	while ((c = getopt_long(argc, argv, "b:hl:V", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			backend = optarg;
			break;
		case 'h':
			usage();
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case 'l':
			listen_addr = optarg;
			break;
		case 'V':
			printf("hx-offload %s\n", PACKAGE_VERSION);
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case OPT_FAULT:
			fault = optarg;
			break;
		case OPT_FRAME_TIMEOUT:
			svc.frame_timeout_ms = (unsigned)hx_usage_uint(optarg,
			    "--frame-timeout", 1, INT_MAX);
			break;
		case OPT_HELLO_TIMEOUT:
			svc.hello_timeout_ms = (unsigned)hx_usage_uint(optarg,
			    "--hello-timeout", 1, INT_MAX);
			break;
		case OPT_MAX:
			svc.max_frame = (uint32_t)hx_usage_uint(optarg,
			    "--max-frame", HX_OFFLOAD_MIN_FRAME, UINT32_MAX);
			break;
		case OPT_PARENT:
			parent_fd = (int)hx_usage_uint(optarg, "--parent-fd", 0,
			    INT_MAX);
			if (fcntl(parent_fd, F_SETFD, FD_CLOEXEC) < 0)
				hx_err_errno(HX_EXIT_SYSTEM, "--parent-fd %d",
				    parent_fd);
			break;
		case OPT_READY:
			ready_fd = (int)hx_usage_uint(optarg, "--ready-fd", 0,
			    INT_MAX);
			break;
		case OPT_SEED:
			svc.fault.seed = hx_usage_uint(optarg, "--fault-seed",
			    0, UINT64_MAX);
			break;
		case OPT_SPANS:
			svc.spans_path = optarg;
			break;
		case OPT_TOKEN:
			token_file = optarg;
			break;
		default:
			hx_usage_error("unknown option");
		}
	}
	if (optind != argc)
		hx_usage_error("no operands are taken");
	if (fault != NULL && hx_fault_parse(fault, &svc.fault, msg,
	    sizeof(msg)) != 0)
		hx_usage_error("--fault: %s", msg);
	if ((svc.backend = hx_backend_find(backend)) == NULL) {
		if (strcmp(backend, "cuda") == 0)
			hx_err(HX_EXIT_SYSTEM, "--backend cuda: not built with "
			    "CUDA");
		hx_usage_error("--backend %s: not cpu or cuda", backend);
	}
	if (token_file != NULL)
		svc.token = token = read_token(token_file);
	if (svc.spans_path != NULL)
		svc.spans = open_spans(svc.spans_path);
	if (svc.backend->open != NULL &&
	    svc.backend->open(&svc.backend_state, msg, sizeof(msg)) != 0)
		hx_err(HX_EXIT_SYSTEM, "backend %s: %s", backend, msg);

	/* Every thread inherits the mask: the signals come on sigfd. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &stop, NULL) != 0 ||
	    (sigfd = signalfd(-1, &stop, SFD_CLOEXEC)) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "signalfd");
	signal(SIGPIPE, SIG_IGN);

	srv = hx_server_new(&svc);
	if (listen_addr == NULL)
		listen_addr = fallback = default_address();
	if ((lfd = hx_server_listen(srv, listen_addr, addr, sizeof(addr),
	    &err)) < 0) {
		if (err.status == HX_EXIT_USAGE)
			hx_usage_error("%s", err.message);
		hx_err_exit(&err);
	}
	if (ready_fd >= 0) {
		dprintf(ready_fd, "%s\n", addr);
		close(ready_fd);
	}
	run(srv, lfd, sigfd, parent_fd);
	close(lfd);
	hx_server_free(srv);
	if (svc.backend->close != NULL)
		svc.backend->close(svc.backend_state);
	if (svc.spans != NULL)
		hx_writer_free(svc.spans);
	free(token);
	free(fallback);
	return HX_EXIT_OK;
}
