/*
 * wsframe.h: the frame headers a client sends to webntp-ws (RFC 6455
 * section 5.2), checked on their way to wslay, and the server's close frame
 * (section 5.5.1). Pure functions over bytes (fuzzed through
 * tests/fuzz/fuzz_conn.c).
 *
 * Why in front of wslay: wslay 1.1.1 drops the connection without a close
 * frame on a length in a longer form than needed and on an over-long or
 * fragmented control frame (RFC 6455 wants 1002); it answers a close frame
 * ahead of the answers queued before it; and it checks a close reason's
 * UTF-8 only when the frame arrives in one read. So every header is whole
 * and checked before wslay sees its first byte, and a close frame never
 * reaches wslay: it is held until the connection takes it, and read here.
 */
#ifndef WEBNTP_WSFRAME_H
#define WEBNTP_WSFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wshttp.h"

/* A close frame: header, code, reason. */
#define WSFRAME_CLOSE_MAX	(4 + WSHTTP_REASON_MAX)

enum wsframe_stop {
	WSFRAME_GO,		/* nothing stopped the bytes */
	WSFRAME_CLOSE,		/* a close frame's header is held back */
	WSFRAME_BAD,		/* a header RFC 6455 forbids: close with code */
	WSFRAME_DONE,		/* the close frame is read: nothing after it */
};

/* Where a client's byte stream is; zero it (then set max) to start. */
struct wsframe {
	uint64_t	 left;		/* payload bytes of this frame to pass */
	uint64_t	 msglen;	/* of the data message open so far */
	uint64_t	 max;		/* longest data message: beyond, 1009 */
	const char	*why;		/* WSFRAME_BAD: what was wrong */
	uint16_t	 code;		/* WSFRAME_BAD: 1002 or 1009 */
	uint8_t		 hdr[WSHTTP_FRAME_HDR_MAX];
	uint8_t		 hlen;		/* header bytes gathered */
	uint8_t		 hout;		/* of those, passed on */
	bool		 checked;	/* hdr is whole, checked, being passed */
	bool		 in_msg;	/* a fragmented data message is open */
	bool		 take_close;	/* read the close frame (not passed) */
	bool		 taking;	/* its payload is being read */
	bool		 done;		/* the close frame is the last */
	uint8_t		 clen;		/* its payload, unmasked */
	uint8_t		 cpay[WSHTTP_CTL_MAX];
};

/*
 * Pass the n bytes of in through f into out (cap bytes); returns how many
 * went out, *took how many of in were used (the rest is for a later call).
 * A frame's header goes out only whole and checked, at most *frames frames
 * start (the count goes down), and a close frame is held (WSFRAME_CLOSE);
 * with f->take_close set it is read into f->cpay instead (WSFRAME_DONE once
 * whole). *stop says why it stopped before the end of in.
 */
size_t	wsframe_pass(struct wsframe *f, const uint8_t *in, size_t n,
	    size_t *took, uint8_t *out, size_t cap, unsigned *frames,
	    enum wsframe_stop *stop);
/* Between frames, with no header part held and no message open. */
bool	wsframe_idle(const struct wsframe *f);
/* The bytes of a frame header wslay reports with on_frame_recv_start: the
 * encoding wsframe_pass lets through is the shortest one. */
uint64_t wsframe_size(uint64_t payload_length, bool masked);
/* The code of the close that answers the peer's, once read (RFC 6455
 * section 5.5.1): its code echoed (*echo: with its reason), 0 (no code)
 * for none, 1002 for a bad code, 1007 for a reason that is not UTF-8. */
uint16_t wsframe_close_reply(const struct wsframe *f, bool *echo);
/* A close frame from the server into out (WSFRAME_CLOSE_MAX bytes): code
 * (0: none, and no reason), and reason (len bytes of UTF-8, at most
 * WSHTTP_REASON_MAX: the caller cuts it). Returns its length. */
size_t	wsframe_close(uint8_t *out, uint16_t code, const char *reason,
	    size_t len);

#endif
