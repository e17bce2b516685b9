/*
 * sink.c: where the client's results go (STYLE.md 6): the go-webntp text
 * lines, JSON lines for scripts, ntpd's SHM segment (doc/protocol.md section
 * 7) and chrony's SOCK refclock. One small interface, four tables.
 * Only results of servers that answered (and whose time could be true,
 * reply.c) reach them: a failed server is never published.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "client.h"
#include "gotime.h"
#include "shm.h"
#include "sock.h"
#include "ts.h"

/* Seconds as Go's Duration.Seconds() with %.6f; double only to print. */
static double
sink_sec(int64_t ns)
{
	return (double)ns / 1e9;
}

/* The true time now, local clock + offset. */
static void
sink_true_now(const struct client_result *r, struct timespec *local,
    struct timespec *truth)
{
	ts_now(local);
	*truth = *local;
	ts_add_ns(truth, r->s.offset);
}

/* ---- print: the lines of go-webntp, byte for byte ---- */

/* WebNTP's JSON lines as go-webntp's; other sources name themselves and
 * their bound; a falseticker gets a line of its own after its own. */
static void
sink_print_server(void *ctx, const struct client_result *r)
{
	if (r->ok && r->source == CLIENT_SOURCE_JSON)
		printf("server %s, offset %.6f, delay %.6f\n", r->url,
		    sink_sec(r->s.offset), sink_sec(r->s.delay));
	else if (r->ok)
		printf("server %s, offset %.6f, delay %.6f, source %s, "
		    "bound %.6f\n", r->url, sink_sec(r->s.offset),
		    sink_sec(r->s.delay), source_name(r->source),
		    sink_sec(r->bound));
	else
		printf("%s: Error %s\n", r->url, r->error);
	if (r->ok && r->falseticker)
		printf("falseticker %s, offset %.6f, bound %.6f\n", r->url,
		    sink_sec(r->s.offset), sink_sec(r->bound));
	fflush(stdout);
}

static int
sink_print_best(void *ctx, const struct client_result *r, struct err *e)
{
	struct timespec local, truth;
	char buf[GOTIME_TEXT_MAX];

	if (r == NULL || !r->ok)
		return 0;
	sink_true_now(r, &local, &truth);
	if (gotime_format(&truth, buf) == 0)
		snprintf(buf, sizeof(buf), "%lld.%09ld",
		    (long long)truth.tv_sec, truth.tv_nsec);
	printf("%s, server %s, offset %.6f\n", buf, r->url,
	    sink_sec(r->s.offset));
	fflush(stdout);
	return 0;
}

const struct sink sink_print = {
	.name = "print",
	.server = sink_print_server,
	.best = sink_print_best,
};

/* ---- json: one object per line ---- */

/* Exact decimal seconds from nanoseconds. */
static void
sink_json_sec(char *buf, size_t cap, int64_t ns)
{
	uint64_t m = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	snprintf(buf, cap, "%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "",
	    m / 1000000000u, m % 1000000000u);
}

static void
sink_json_str(const char *s)
{
	json_t *j = json_string(s);
	char *t = j != NULL ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	fputs(t != NULL ? t : "null", stdout);
	free(t);
	json_decref(j);
}

static void
sink_json_fields(const struct client_result *r)
{
	char off[40], del[40];

	printf("\"url\":");
	sink_json_str(r->url);
	if (!r->ok) {
		printf(",\"error\":");
		sink_json_str(r->error);
		return;
	}
	sink_json_sec(off, sizeof(off), r->s.offset);
	sink_json_sec(del, sizeof(del), r->s.delay);
	printf(",\"offset\":%s,\"delay\":%s,\"samples\":%d,\"leap\":%d,"
	    "\"next\":%" PRId64 ",\"step\":%d", off, del, r->used, r->li.leap,
	    r->li.next, r->li.step);
	sink_json_sec(del, sizeof(del), r->bound);
	printf(",\"source\":\"%s\",\"bound\":%s,\"falseticker\":%s",
	    source_name(r->source), del, r->falseticker ? "true" : "false");
}

static void
sink_json_server(void *ctx, const struct client_result *r)
{
	printf("{\"type\":\"server\",");
	sink_json_fields(r);
	printf("}\n");
	fflush(stdout);
}

static int
sink_json_best(void *ctx, const struct client_result *r, struct err *e)
{
	struct timespec local, truth;
	char t[TS_TEXT_MAX];

	if (r == NULL || !r->ok) {
		printf("{\"type\":\"result\",\"error\":");
		sink_json_str(r != NULL ? r->error : "no server answered");
		printf("}\n");
	} else {
		sink_true_now(r, &local, &truth);
		ts_format(&truth, t);
		printf("{\"type\":\"result\",\"time\":%s,", t);
		sink_json_fields(r);
		printf(",\"agree\":%d}\n", r->agree);
	}
	fflush(stdout);
	return 0;
}

const struct sink sink_json = {
	.name = "json",
	.server = sink_json_server,
	.best = sink_json_best,
};

/* ---- shm: ntpd's shared memory segment ---- */

static int
sink_shm_open(const struct client_opt *o, void **ctx, struct err *e)
{
	*ctx = shm_attach(o->shm_unit, e);
	return *ctx == NULL ? -1 : 0;
}

static int
sink_shm_best(void *ctx, const struct client_result *r, struct err *e)
{
	struct shm_sample s;

	if (r == NULL || !r->ok)
		return 0;
	sink_true_now(r, &s.receive, &s.clock);
	s.leap = sample_leap_indicator(&r->li, &s.clock);
	/* The bound, not the delay: it is what the answers prove. */
	s.precision = shm_precision(r->bound);
	shm_write(ctx, &s);
	return 0;
}

static void
sink_shm_close(void *ctx)
{
	shm_detach(ctx);
}

const struct sink sink_shm = {
	.name = "shm",
	.open = sink_shm_open,
	.best = sink_shm_best,
	.close = sink_shm_close,
};

/* ---- sock: chrony's SOCK refclock ---- */

/*
 * chronyd makes its SOCK socket when it starts, as root and with its umask
 * (srwxr-xr-x root): a client that dropped root could not connect to it,
 * nor find it again after chronyd restarts. So when root is to be dropped
 * (main.c), the sink forks first: the parent keeps root and does nothing
 * but take fixed-size samples from its child and send them on; the child
 * drops root and does all the network. The parent ends with its child and
 * passes SIGINT/SIGTERM on to it; the child ends with its parent.
 */
struct sock_ctx {
	const char	*path;
	int		 relay;		/* to the parent, or -1: send directly */
};

static void
sink_sock_relay(int fd, pid_t child, const char *path)
{
	struct sock_sample s;
	struct pollfd p;
	struct err e;
	sigset_t block, old;
	bool told = false;
	ssize_t n;
	int status;

	/* Signals only inside ppoll: none is missed between check and wait. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	for (;;) {
		if (client_stop && !told) {
			kill(child, SIGTERM);
			told = true;
		}
		p.fd = fd;
		p.events = POLLIN;
		if (ppoll(&p, 1, NULL, &old) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		n = recv(fd, &s, sizeof(s), MSG_DONTWAIT);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		/* Only whole samples from the child go on to chronyd. */
		if (n != (ssize_t)sizeof(s) || s.magic != SOCK_MAGIC)
			continue;
		err_clear(&e);
		if (sock_send(path, &s, &e) == -1)
			fprintf(stderr, "%s: sock: %s\n", CLIENT_NAME, e.msg);
	}
	while (waitpid(child, &status, 0) == -1 && errno == EINTR)
		;
	exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

static int
sink_sock_open(const struct client_opt *o, void **ctx, struct err *e)
{
	struct sock_ctx *c;
	int sv[2];
	pid_t pid, parent = getpid();

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		err_set(e, "out of memory");
		return -1;
	}
	c->path = o->sock_path;
	c->relay = -1;
	*ctx = c;
	if (!o->drop)
		return 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		err_setsys(e, "socketpair");
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		err_setsys(e, "fork");
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid > 0) {
		close(sv[1]);
		sink_sock_relay(sv[0], pid, o->sock_path);
	}
	close(sv[0]);
	c->relay = sv[1];
	/* A parent gone (SIGKILL) leaves no one to send: stop too. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1) {
		err_setsys(e, "prctl");
		return -1;
	}
	if (getppid() != parent) {
		err_set(e, "the -sock relay is gone");
		return -1;
	}
	return 0;
}

static int
sink_sock_best(void *ctx, const struct client_result *r, struct err *e)
{
	struct sock_ctx *c = ctx;
	struct timespec local, truth;
	struct sock_sample s;

	if (r == NULL || !r->ok)
		return 0;
	sink_true_now(r, &local, &truth);
	sock_fill(&s, &local, r->s.offset,
	    sample_leap_indicator(&r->li, &truth));
	if (c->relay == -1)
		return sock_send(c->path, &s, e);
	if (send(c->relay, &s, sizeof(s), 0) != (ssize_t)sizeof(s)) {
		err_setsys(e, "to the -sock relay");
		return -1;
	}
	return 0;
}

static void
sink_sock_close(void *ctx)
{
	struct sock_ctx *c = ctx;

	if (c == NULL)
		return;
	if (c->relay != -1)
		close(c->relay);
	free(c);
}

const struct sink sink_sock = {
	.name = "sock",
	.open = sink_sock_open,
	.best = sink_sock_best,
	.close = sink_sock_close,
};
