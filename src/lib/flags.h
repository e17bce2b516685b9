/*
 * flags.h: the command-line flags of every program, from a table (one row
 * a flag): parsed the way Go's flag package does (go-webntp's command
 * line, doc/protocol.md sections 0 and 5) and -help generated from the same
 * rows.
 *
 * "-name value", "-name=value", "--name value" and "--name=value" are one
 * flag; a bool is "-name" or "-name=true|false" (never "-name false": the
 * "false" would be an argument); "-h" is -help where no row is called h.
 * The parse stops at the first argument that is no flag ("-" is one), or
 * after "--". Each value is checked as it is read, so a program refuses to
 * start with `invalid -name "value": why` (STYLE.md 5).
 */
#ifndef WEBNTP_FLAGS_H
#define WEBNTP_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

enum flags_kind {
	FLAGS_BOOL,		/* bool */
	FLAGS_INT,		/* int: decimal digits, in [lo, hi] (ints) */
	FLAGS_DOUBLE,		/* double: decimal, in [dlo, dhi] */
	FLAGS_DURATION,		/* int64_t ns from seconds ("0.5"), [lo, hi) */
	FLAGS_STRING,		/* const char *: the argv string itself */
	FLAGS_HELP,		/* no value: the parse returns FLAGS_ASK_HELP */
	FLAGS_VERSION,		/* no value: FLAGS_ASK_VERSION */
};

/* A string's own check: 0, or -1 with e set to the reason alone. */
typedef int flags_check_fn(const char *val, struct err *e);

struct flags_flag {
	const char	 *name;		/* without the dash */
	enum flags_kind	  kind;
	void		 *ptr;		/* what the kind says; set when given */
	const char	 *arg;		/* the value's name ("-p N"), or NULL */
	const char	 *help;		/* one line */
	int64_t		  lo, hi;	/* FLAGS_INT, FLAGS_DURATION (ns) */
	double		  dlo, dhi;	/* FLAGS_DOUBLE */
	const char	 *why;		/* a bad value's reason; NULL: generic */
	flags_check_fn	 *check;	/* FLAGS_STRING; may be NULL */
	bool		 *given;	/* set when the flag is met; may be NULL */
};

/*
 * One row each. The pointer's type is checked against the kind: a
 * mismatch is a compiler warning (a conditional over two pointer types).
 */
#define FLAGS_ROW_BOOL(n_, p_, help_) \
	{ .name = (n_), .kind = FLAGS_BOOL, .ptr = (1 ? (p_) : (bool *)0), \
	    .help = (help_) }
#define FLAGS_ROW_INT(n_, p_, arg_, lo_, hi_, why_, help_) \
	{ .name = (n_), .kind = FLAGS_INT, .ptr = (1 ? (p_) : (int *)0), \
	    .arg = (arg_), .lo = (lo_), .hi = (hi_), .why = (why_), \
	    .help = (help_) }
#define FLAGS_ROW_DOUBLE(n_, p_, arg_, lo_, hi_, why_, help_) \
	{ .name = (n_), .kind = FLAGS_DOUBLE, \
	    .ptr = (1 ? (p_) : (double *)0), .arg = (arg_), .dlo = (lo_), \
	    .dhi = (hi_), .why = (why_), .help = (help_) }
#define FLAGS_ROW_DURATION(n_, p_, arg_, lo_, hi_, why_, help_) \
	{ .name = (n_), .kind = FLAGS_DURATION, \
	    .ptr = (1 ? (p_) : (int64_t *)0), .arg = (arg_), .lo = (lo_), \
	    .hi = (hi_), .why = (why_), .help = (help_) }
#define FLAGS_ROW_STRING(n_, p_, arg_, check_, help_) \
	{ .name = (n_), .kind = FLAGS_STRING, \
	    .ptr = (1 ? (p_) : (const char **)0), .arg = (arg_), \
	    .check = (check_), .help = (help_) }
#define FLAGS_ROW_HELP \
	{ .name = "help", .kind = FLAGS_HELP, \
	    .help = "print this help and exit" }
#define FLAGS_ROW_VERSION \
	{ .name = "version", .kind = FLAGS_VERSION, \
	    .help = "print the version and exit" }

/* A macro's value as a string, for a why or help that names a bound. */
#define FLAGS_STR(x)	FLAGS_STR_(x)
#define FLAGS_STR_(x)	#x

/* A table of n rows; a program's flags may come in several. */
struct flags_set {
	const struct flags_flag	*flag;
	size_t			 n;
};
#define FLAGS_SET(table) { (table), sizeof(table) / sizeof((table)[0]) }

enum flags_result {
	FLAGS_BAD = -1,		/* e holds the one-line reason */
	FLAGS_RUN,
	FLAGS_ASK_HELP,
	FLAGS_ASK_VERSION,
};

/*
 * Parse argv[1..] against the nsets tables (the first row of that name
 * wins). *optind gets the index of the first argument that is no flag;
 * with optind NULL, no such argument is allowed. -help and -version stop
 * the parse where they stand.
 */
enum flags_result flags_parse(const struct flags_set *sets, size_t nsets,
	    int argc, char **argv, int *optind, struct err *e);
/* Whether the argument a spells the flag name (-name, --name, -name=...). */
bool	flags_is(const char *a, const char *name);
/*
 * The usage of the rows, one line each: "  -name ARG" padded to a
 * column, two blanks at least, then the help, unwrapped (so each line that
 * starts with blanks and "-" names a flag, with all that is said of it).
 */
void	flags_usage(FILE *f, const struct flags_set *sets, size_t nsets);
/* A whole number: decimal digits only (no sign, no blanks) in [lo, hi],
 * hi below INT64_MAX - 9. 0, or -1 when it is not. */
int	flags_number(const char *s, int64_t lo, int64_t hi, int64_t *out);

#endif
