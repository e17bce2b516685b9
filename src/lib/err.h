/*
 * err.h: the caller-owned error of the core library. Library code never logs
 * or exits; it fills one of these with a message that names the input, and the
 * program reports it once, with context. The first error set wins.
 */
#ifndef WEBNTP_ERR_H
#define WEBNTP_ERR_H

#define ERR_MSG_MAX 256

struct err {
	char msg[ERR_MSG_MAX];
};

/* Set the message unless one is already set; a NULL err is allowed. */
void err_set(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Set the message with ": strerror(errno)" appended. */
void err_setsys(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);

#endif
