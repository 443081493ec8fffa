/*
 * hx_server: the connections of the offload service (hx-offload(1)):
 * listening on a Unix socket or TCP, a thread for each client speaking
 * hx-offload(5) with the deadlines of its hello and its frames, fault
 * injection, a span for each request, and room made for clients by
 * dropping strangers.  The program keeps the accept loop and its signals,
 * and shows the errors and warnings that come back.
 */
#ifndef HX_SERVER_H
#define HX_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hx_err.h"
#include "offload/hx_backend.h"
#include "offload/hx_fault.h"
#include "rec/hx_writer.h"

/* The default deadlines of a hello and of a frame once begun, in ms. */
#define HX_SERVER_HELLO_TIMEOUT_MS	10000
#define HX_SERVER_FRAME_TIMEOUT_MS	60000

/* What the service is asked to do, shared by every connection. */
struct hx_server_conf {
	const struct hx_backend *backend;
	void *backend_state;	/* opened by the caller */
	uint32_t max_frame;
	unsigned hello_timeout_ms;	/* from the connection to the welcome */
	unsigned frame_timeout_ms;	/* a frame, first byte to last */
	const char *token;	/* NULL: none asked for */
	struct hx_fault fault;
	struct hx_writer *spans;	/* a span a request; NULL: none */
	const char *spans_path;		/* its name, for errors */
	/*
	 * Called, from any thread, with what the program is to show of a
	 * client refused or dropped, or a span not written; NULL: nothing.
	 */
	void (*warn)(const struct hx_err_info *what);
};

struct hx_server;

/* A service with CONF, which must outlive it; not yet listening. */
struct hx_server *hx_server_new(const struct hx_server_conf *conf);

/*
 * Listen on ADDRESS: "tcp:HOST:PORT" (HOST maybe in brackets; beyond
 * loopback only with a token), "unix:PATH" or PATH (a socket created
 * 0600; one left by a service that is gone is replaced, one that answers
 * is not).  Writes the address listened on to ADDR, with the port the
 * system chose for 0.  The listening descriptor, or -1 with ERR
 * (HX_EXIT_USAGE for an address that is not one).
 */
int hx_server_listen(struct hx_server *srv, const char *address, char *addr,
    size_t addrsize, struct hx_err_info *err);

/*
 * Take the client on FD, just accepted: a Unix socket's peer must be this
 * user; then a thread of its own.  When too many are connected, one that
 * has not said hello makes room, or FD is turned away and closed.
 */
void hx_server_take(struct hx_server *srv, int fd);

/* Join the threads of the connections that ended, and free them. */
void hx_server_reap(struct hx_server *srv);

/*
 * Remove the Unix socket listened on, end every connection, join their
 * threads and free SRV.
 */
void hx_server_free(struct hx_server *srv);

#endif
