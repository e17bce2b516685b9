/*
 * fuzz_leap.c: libFuzzer harness for leap_parse (doc/protocol.md section 6),
 * which reads downloaded files. A parsed table must be in time order with
 * steps of one second that chain up, have its #$ within a year of the
 * clock, and leap_lookup must answer from it. Every table needs a matching
 * #h, so mutations mostly end at the hash check: the seeds with a good #h
 * (the tables of tests/data) are what reach the checks below.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "leap.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct leap_table t;
	struct err e = { .msg = "" };
	struct leap_info li;
	struct timespec now = { 0, 0 };
	const struct timespec wall = { 1796083200, 0 };	/* 2026-12-01 */

	if (size > LEAP_FILE_MAX)
		return 0;	/* leap_load refuses these before parsing */
	if (leap_parse((const char *)data, size, &wall, &t, &e) != 0) {
		FUZZ_CHECK(e.msg[0] != '\0');
		FUZZ_CHECK(t.n == 0);
		return 0;
	}
	FUZZ_CHECK(t.n <= LEAP_MAX_EVENTS);
	FUZZ_CHECK(t.updated <= (int64_t)wall.tv_sec + LEAP_AHEAD_MAX);
	for (size_t i = 0; i < t.n; i++) {
		FUZZ_CHECK(t.ev[i].step == 1 || t.ev[i].step == -1);
		if (i > 0) {
			FUZZ_CHECK(t.ev[i].at > t.ev[i - 1].at);
			FUZZ_CHECK(t.ev[i].leap ==
			    t.ev[i - 1].leap + t.ev[i - 1].step);
		}
	}
	for (size_t i = 0; i < t.n; i++) {
		now.tv_sec = (time_t)t.ev[i].at - 1;
		leap_lookup(&t, &now, &li);
		FUZZ_CHECK(li.next == t.ev[i].at && li.leap == t.ev[i].leap &&
		    li.step == t.ev[i].step);
		now.tv_sec = (time_t)t.ev[i].at;
		leap_lookup(&t, &now, &li);
		FUZZ_CHECK(li.next == t.ev[i + (i + 1 < t.n)].at);
	}
	(void)leap_expired(&t, &now);
	return 0;
}
