/*
 * sink.c: where the client's results go (STYLE.md 6): the go-webntp text
 * lines, JSON lines for scripts, ntpd's SHM segment (PROTOCOL.md section
 * 7) and chrony's SOCK refclock. One small interface, four tables.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void
print_server(void *ctx, const struct client_result *r)
{
	if (r->ok)
		printf("server %s, offset %.6f, delay %.6f\n", r->url,
		    sink_sec(r->s.offset), sink_sec(r->s.delay));
	else
		printf("%s: Error %s\n", r->url, r->error);
	fflush(stdout);
}

static int
print_best(void *ctx, const struct client_result *r, struct err *e)
{
	struct timespec local, truth;
	char buf[GOTIME_TEXT_MAX];

	if (r == NULL)
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
	.server = print_server,
	.best = print_best,
};

/* ---- json: one object per line ---- */

/* Exact decimal seconds from nanoseconds. */
static void
json_sec(char *buf, size_t cap, int64_t ns)
{
	uint64_t m = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	snprintf(buf, cap, "%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "",
	    m / 1000000000u, m % 1000000000u);
}

static void
json_str(const char *s)
{
	json_t *j = json_string(s);
	char *t = j != NULL ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	fputs(t != NULL ? t : "null", stdout);
	free(t);
	json_decref(j);
}

static void
json_fields(const struct client_result *r)
{
	char off[40], del[40];

	printf("\"url\":");
	json_str(r->url);
	if (!r->ok) {
		printf(",\"error\":");
		json_str(r->error);
		return;
	}
	json_sec(off, sizeof(off), r->s.offset);
	json_sec(del, sizeof(del), r->s.delay);
	printf(",\"offset\":%s,\"delay\":%s,\"samples\":%d,\"leap\":%d,"
	    "\"next\":%" PRId64 ",\"step\":%d", off, del, r->used, r->li.leap,
	    r->li.next, r->li.step);
}

static void
json_server(void *ctx, const struct client_result *r)
{
	printf("{\"type\":\"server\",");
	json_fields(r);
	printf("}\n");
	fflush(stdout);
}

static int
json_best(void *ctx, const struct client_result *r, struct err *e)
{
	struct timespec local, truth;
	char t[TS_TEXT_MAX];

	if (r == NULL) {
		printf("{\"type\":\"result\",\"error\":"
		    "\"no server answered\"}\n");
	} else {
		sink_true_now(r, &local, &truth);
		ts_format(&truth, t);
		printf("{\"type\":\"result\",\"time\":%s,", t);
		json_fields(r);
		printf("}\n");
	}
	fflush(stdout);
	return 0;
}

const struct sink sink_json = {
	.name = "json",
	.server = json_server,
	.best = json_best,
};

/* ---- shm: ntpd's shared memory segment ---- */

static int
shm_sink_open(const struct client_opt *o, void **ctx, struct err *e)
{
	*ctx = shm_attach(o->shm_unit, e);
	return *ctx == NULL ? -1 : 0;
}

static int
shm_sink_best(void *ctx, const struct client_result *r, struct err *e)
{
	struct shm_sample s;

	if (r == NULL)
		return 0;
	sink_true_now(r, &s.receive, &s.clock);
	s.leap = sample_leap_indicator(&r->li, &s.clock);
	s.precision = shm_precision(r->s.delay);
	shm_write(ctx, &s);
	return 0;
}

static void
shm_sink_close(void *ctx)
{
	shm_detach(ctx);
}

const struct sink sink_shm = {
	.name = "shm",
	.open = shm_sink_open,
	.best = shm_sink_best,
	.close = shm_sink_close,
};

/* ---- sock: chrony's SOCK refclock ---- */

static int
sock_sink_open(const struct client_opt *o, void **ctx, struct err *e)
{
	*ctx = (void *)o->sock_path;
	return 0;
}

static int
sock_sink_best(void *ctx, const struct client_result *r, struct err *e)
{
	struct timespec local, truth;
	struct sock_sample s;

	if (r == NULL)
		return 0;
	sink_true_now(r, &local, &truth);
	sock_fill(&s, &local, r->s.offset,
	    sample_leap_indicator(&r->li, &truth));
	return sock_send(ctx, &s, e);
}

const struct sink sink_sock = {
	.name = "sock",
	.open = sock_sink_open,
	.best = sock_sink_best,
};
