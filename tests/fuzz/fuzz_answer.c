/*
 * fuzz_answer.c: libFuzzer harness for answer_id_set and answer_error
 * (doc/protocol.md section 2): the Host header goes into every answer. What is
 * accepted must come out as JSON that jansson reads back to the same bytes,
 * within ANSWER_ID_MAX, and the whole answer must be one JSON object.
 */
#include "config.h"

#include <string.h>

#include <jansson.h>

#include "answer.h"
#include "fuzz.h"

static void
fuzz_error(const uint8_t *data, size_t size)
{
	char msg[2048], buf[600];
	size_t cap, n;
	json_t *o;

	if (size == 0 || size >= sizeof(msg))
		return;
	cap = data[0] * 2 + 1;	/* 1..511, below and above the minimum */
	memcpy(msg, data + 1, size - 1);
	msg[size - 1] = '\0';
	memset(buf, 0x5a, sizeof(buf));
	n = answer_error(buf, cap, msg);
	FUZZ_CHECK(n <= cap);
	for (size_t i = cap; i < sizeof(buf); i++)
		FUZZ_CHECK(buf[i] == 0x5a);
	if (n == 0) {
		FUZZ_CHECK(cap < 13);
		return;
	}
	FUZZ_CHECK(buf[n - 1] == '\n');
	o = json_loadb(buf, n - 1, 0, NULL);
	FUZZ_CHECK(o != NULL && json_is_string(json_object_get(o, "error")));
	json_decref(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[ANSWER_MAX];
	struct answer_id id;
	struct err e = { .msg = "" };
	struct timespec it = { 1489217288, 328757000 };
	struct timespec st = { 1489224472, 995564000 };
	struct leap_info li = { 1483228800, 36, 1 };
	json_t *o, *s;
	size_t n;

	fuzz_error(data, size);
	if (answer_id_set(&id, (const char *)data, size, &e) != 0) {
		FUZZ_CHECK(e.msg[0] != '\0' && id.len == 0);
		return 0;
	}
	FUZZ_CHECK(id.len >= 2 && id.len <= ANSWER_ID_MAX);
	s = json_loadb(id.json, id.len, JSON_DECODE_ANY | JSON_ALLOW_NUL,
	    NULL);
	FUZZ_CHECK(s != NULL && json_is_string(s));
	FUZZ_CHECK(json_string_length(s) == size &&
	    memcmp(json_string_value(s), data, size) == 0);
	json_decref(s);
	n = answer_format(out, &id, &it, &st, &li);
	FUZZ_CHECK(n < ANSWER_MAX && out[n - 1] == '\n');
	o = json_loadb(out, n - 1, JSON_ALLOW_NUL, NULL);
	FUZZ_CHECK(o != NULL && json_object_size(o) == 7);
	json_decref(o);
	return 0;
}
