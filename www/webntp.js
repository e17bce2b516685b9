/*
 * webntp.js: the WebNTP client for web pages (doc/protocol.md sections 2 to 5),
 * a dependency-free ES module:
 *   sync(url, {transport, samples, timeout, pause})  one measurement
 *   clock(url, options)                              a clock kept in sync
 * Transports: "ws" (WebSocket, subprotocol webntp.shogo82148.com, one
 * connection for every sample; the default for ws: and wss: URLs), "fetch"
 * (GET url?<timestamp>, the JSON answer; the default for http: and https:)
 * and "head" (HEAD, the X-HTTPSTIME header of Time over HTTPS).
 *
 * NOTES: every interval is timed with performance.now(), never Date.now()
 * (whole milliseconds, and stepped when the system clock is). The samples
 * are combined as the command-line client does (src/lib/sample.c): drop
 * those whose delay is >= 2 x the smallest, average offset and delay of
 * the rest. The offset is first found against the monotonic clock
 * performance.timeOrigin + performance.now(), which in Chromium differs
 * from Date.now() by about a millisecond; the difference is read at the
 * instant Date.now() ticks over to a new millisecond, so the offset given
 * is true time minus the clock Date.now() reads (which truncates it to the
 * millisecond), measured to the timer's resolution.
 * The bound: with start <= st <= end on one clock, the true offset lies
 * within delay/2 of each sample's offset, widened by the timer's resolution
 * and the answer's microsecond rounding; the result's bound is the
 * smallest, over the samples kept, of that half-width plus the sample's
 * distance from the mean, plus the error of the Date.now() link.
 * Answers are hostile input: bounded in size (4096 bytes) and time, their
 * JSON checked field by field, an "it" that does not echo the request's
 * timestamp (a stale or cached answer) refused, and a time before this
 * module was written or a century after refused as the client does.
 */

const SUBPROTOCOL = "webntp.shogo82148.com";
const SAMPLES_MAX = 8;
const BODY_MAX = 4096;
/* The client refuses times before its build; a static file has no build
 * time: the day this module was written. */
const NOT_BEFORE = Date.UTC(2026, 11, 1) / 1000;
const SPAN = 100 * 365.25 * 86400;
const TIMEOUT = 10000;
const PAUSE = 1000;

/** A failed sync: message "<url>: <why>"; url and reason apart. */
export class WebNTPError extends Error {
	constructor(url, reason) {
		super(`${url}: ${reason}`);
		this.name = "WebNTPError";
		this.url = url;
		this.reason = reason;
	}
}

/* The clock every interval is read from, in ms since the epoch. */
function mono() {
	return performance.timeOrigin + performance.now();
}

/*
 * performance.now()'s resolution in ms: Chromium gives 5 us with
 * cross-origin isolation, 100 us (with jitter) without; measured as the
 * smallest step seen, never below the specification's floor.
 */
let resolutionMs = 0;
export function resolution() {
	if (resolutionMs > 0)
		return resolutionMs;
	let min = Infinity;
	const end = performance.now() + 5;
	let last = performance.now();
	while (last < end) {
		const t = performance.now();
		if (t > last) {
			min = Math.min(min, t - last);
			last = t;
		}
	}
	const floor = globalThis.crossOriginIsolated ? 0.005 : 0.1;
	resolutionMs = Math.max(floor, Number.isFinite(min) ? min : floor);
	return resolutionMs;
}

/*
 * Date.now() - mono(), read at the instant Date.now() moves to a new
 * millisecond (there its reading is exact): {link, err} in ms. Each
 * Date.now() is read between two performance.now(), so a thread paused
 * between the reads widens the window instead of shifting the result;
 * the narrowest window of up to LINK_TICKS ticks (about 1 ms each) wins.
 */
const LINK_TICKS = 4;
export function link() {
	const res = resolution();
	let best = null;
	let a0 = performance.now(), d0 = Date.now();
	const stop = a0 + LINK_TICKS + 1;
	for (let ticks = 0; ticks < LINK_TICKS;) {
		const a1 = performance.now(), d1 = Date.now(),
		    b1 = performance.now();
		if (d1 !== d0) {
			/* The tick came after d0 was read (>= a0) and before
			 * d1 was (<= b1). */
			const w = b1 - a0;
			if (d1 === d0 + 1 && (best === null || w < best.w))
				best = { w, link: d1 - (performance.timeOrigin +
				    (a0 + b1) / 2) };
			ticks++;
			if (best !== null && best.w <= 4 * res)
				break;
		}
		if (b1 > stop)
			break;
		a0 = a1;
		d0 = d1;
	}
	if (best === null) {
		/* A clock that does not tick: its truncation is unknown. */
		return { link: Date.now() + 0.5 - mono(), err: 0.5 + res };
	}
	return { link: best.link, err: best.w / 2 + res };
}

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

/* A timestamp as doc/protocol.md section 1 writes it. */
function stamp(ms) {
	return (ms / 1000).toFixed(6);
}

function isNum(v) {
	return typeof v === "number" && Number.isFinite(v);
}

/* The JSON answer (section 2) or an Error; sentIt the request's timestamp
 * text. */
function parseAnswer(text, sentIt) {
	let a;
	if (text.length > BODY_MAX)
		throw new Error(`the answer is longer than ${BODY_MAX} bytes`);
	try {
		a = JSON.parse(text);
	} catch (e) {
		throw new Error("not a WebNTP answer: not JSON");
	}
	if (a === null || typeof a !== "object" || Array.isArray(a))
		throw new Error("not a WebNTP answer: not a JSON object");
	let st = a.st, name = "st";
	if (st === undefined) {
		st = a.time;
		name = "time";
		if (st === undefined)
			throw new Error("not a WebNTP answer: neither \"st\" " +
			    "nor \"time\"");
	}
	if (!isNum(st) || Math.abs(st) >= 2 ** 40)
		throw new Error(`the answer's "${name}" is not a timestamp`);
	if (a.it !== undefined && sentIt !== undefined &&
	    (!isNum(a.it) || Math.abs(a.it - Number(sentIt)) > 2e-6))
		throw new Error(`the answer's "it" (${String(a.it).slice(0, 40)}) ` +
		    `is not the request's ${sentIt}: a stale or cached answer`);
	const out = { st, leap: 0, next: 0, step: 0 };
	if (a.next !== undefined) {
		if (!isNum(a.next) || Math.abs(a.next) >= 2 ** 40)
			throw new Error("the answer's \"next\" is not a timestamp");
		out.next = Math.floor(a.next);
	}
	if (a.leap !== undefined) {
		if (!Number.isInteger(a.leap) || Math.abs(a.leap) > 1000)
			throw new Error("the answer's \"leap\" is not a small " +
			    "integer");
		out.leap = a.leap;
	}
	if (a.step !== undefined) {
		if (a.step !== -1 && a.step !== 0 && a.step !== 1)
			throw new Error("the answer's \"step\" is not -1, 0 or 1");
		out.step = a.step;
	}
	return out;
}

/* As the client's reply_check_time: a time that cannot be true. */
function checkTime(st) {
	const iso = (s) => new Date(s * 1000).toISOString().slice(0, 19) + "Z";
	if (st < NOT_BEFORE)
		throw new Error(`the server's time ${iso(st)} is before this ` +
		    `module was written (${iso(NOT_BEFORE)}): its clock is wrong`);
	if (st > NOT_BEFORE + SPAN)
		throw new Error(`the server's time is more than 100 years ` +
		    `after this module was written: its clock is wrong`);
}

/* Text of a response body, at most BODY_MAX + 1 bytes read. */
async function readBounded(res) {
	if (!res.body)
		return "";
	const reader = res.body.getReader();
	const parts = [];
	let n = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done)
			break;
		parts.push(value);
		n += value.length;
		if (n > BODY_MAX) {
			reader.cancel().catch(() => {});
			break;
		}
	}
	const all = new Uint8Array(n);
	let k = 0;
	for (const p of parts) {
		all.set(p, k);
		k += p.length;
	}
	return new TextDecoder("utf-8", { fatal: false }).decode(all);
}

/*
 * The request's timing from Resource Timing: requestStart (before the
 * request could reach the server) and responseStart (its first byte), on
 * performance.now()'s clock. Cross-origin answers without
 * Timing-Allow-Origin have zeros there, and a full buffer (250 entries;
 * this module never clears the page's) has none: null, and the caller
 * keeps its own readings around fetch().
 */
function resourceTiming(url, after) {
	const list = performance.getEntriesByName(url, "resource");
	/* HEAD asks the same URL each time, and the previous request's entry
	 * may come late: only one that started after this fetch() is ours. */
	const e = list.findLast((x) => x.startTime >= after);
	if (!e || !(e.requestStart > 0) || !(e.responseStart >= e.requestStart))
		return null;
	return { start: e.requestStart, end: e.responseStart };
}

/* One HTTP exchange: {start, end (performance.now() ms), st, leap...}. */
async function httpExchange(url, head, timeout) {
	const u = new URL(url);
	const it = stamp(mono());
	if (!head)
		u.search = "?" + it;
	const ctl = new AbortController();
	const timer = setTimeout(() => ctl.abort(), timeout);
	let res, text = "", start, end, dateStart, dateEnd;
	try {
		dateStart = Date.now();
		start = performance.now();
		res = await fetch(u.href, { method: head ? "HEAD" : "GET",
		    cache: "no-store", signal: ctl.signal, redirect: "error",
		    credentials: "omit" });
		end = performance.now();
		dateEnd = Date.now();
		text = await readBounded(res);
	} catch (e) {
		if (ctl.signal.aborted)
			throw new Error(`no answer within ${timeout} ms`);
		throw new Error("the request failed (network error, or " +
		    `refused by CORS): ${e.message}`);
	} finally {
		clearTimeout(timer);
	}
	if (head ? res.status !== 204 && res.status !== 200 :
	    res.status !== 200)
		throw new Error(`not a WebNTP answer: HTTP status ${res.status}`);
	/* The entry is queued as the fetch ends: maybe one task later. */
	let rt = resourceTiming(u.href, start);
	if (!rt) {
		await sleep(0);
		rt = resourceTiming(u.href, start);
	}
	if (rt)
		({ start, end } = rt);
	let a;
	if (head) {
		const h = res.headers.get("X-HTTPSTIME");
		if (h === null)
			throw new Error("not a WebNTP answer: no X-HTTPSTIME " +
			    "header (or not exposed to this origin)");
		if (!/^\s*[+-]?[0-9]+(\.[0-9]+)?\s*$/.test(h))
			throw new Error("the X-HTTPSTIME header is not a " +
			    "timestamp");
		a = { st: Number(h), leap: 0, next: 0, step: 0 };
	} else {
		a = parseAnswer(text, it);
	}
	return { start, end, dateStart, dateEnd, ...a };
}

/* A WebSocket with its answers queued: open(), ask(text, timeout). */
class Socket {
	constructor(url) {
		this.url = url;
		this.queue = [];
		this.waiter = null;
		this.closed = null;
	}

	open(timeout) {
		return new Promise((resolve, reject) => {
			let ws;
			try {
				ws = new WebSocket(this.url, SUBPROTOCOL);
			} catch (e) {
				reject(new Error(`cannot open: ${e.message}`));
				return;
			}
			this.ws = ws;
			const timer = setTimeout(() => {
				reject(new Error("the connection did not open " +
				    `within ${timeout} ms`));
				ws.close();
			}, timeout);
			ws.onopen = () => {
				clearTimeout(timer);
				resolve();
			};
			ws.onmessage = (ev) => {
				const at = performance.now(), date = Date.now();
				if (this.waiter)
					this.waiter.resolve({ at, date, data: ev.data });
				else if (this.queue.length < 4)
					this.queue.push({ at, date, data: ev.data });
			};
			ws.onclose = (ev) => {
				clearTimeout(timer);
				const why = "the connection closed (code " +
				    `${ev.code}${ev.reason ? ", " +
				    JSON.stringify(ev.reason.slice(0, 123)) : ""})`;
				this.closed = why;
				reject(new Error(why + " before it opened"));
				if (this.waiter)
					this.waiter.reject(new Error(why +
					    " before an answer"));
			};
		});
	}

	/* Send text; the next message: {at (performance.now()), data}. */
	ask(text, timeout) {
		this.queue = [];	/* a late answer to an earlier message */
		if (this.closed)
			return Promise.reject(new Error(this.closed));
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiter = null;
				reject(new Error(`no answer within ${timeout} ms`));
			}, timeout);
			this.waiter = {
				resolve: (m) => {
					clearTimeout(timer);
					this.waiter = null;
					resolve(m);
				},
				reject: (e) => {
					clearTimeout(timer);
					this.waiter = null;
					reject(e);
				},
			};
			this.sent = performance.now();
			this.ws.send(text);
		});
	}

	close() {
		if (this.ws && this.ws.readyState <= 1)
			this.ws.close(1000);
	}
}

async function wsExchange(sock, timeout) {
	const it = stamp(mono());
	const dateStart = Date.now();
	const start = performance.now();
	const m = await sock.ask(it, timeout);
	if (typeof m.data !== "string")
		throw new Error("not a WebNTP answer: a binary message");
	return { start, end: m.at, dateStart, dateEnd: m.date,
	    ...parseAnswer(m.data, it) };
}

function pickTransport(url, t) {
	const scheme = url.protocol;
	if (t === undefined)
		return scheme === "ws:" || scheme === "wss:" ? "ws" : "fetch";
	if (t !== "ws" && t !== "fetch" && t !== "head")
		throw new Error(`unknown transport "${t}" (ws, fetch or head)`);
	return t;
}

/* The URL for the transport: ws: for "ws", http: for the others. */
function transportURL(url, t) {
	const u = new URL(url.href);
	if (t === "ws") {
		if (u.protocol === "http:")
			u.protocol = "ws:";
		else if (u.protocol === "https:")
			u.protocol = "wss:";
	} else if (u.protocol === "ws:")
		u.protocol = "http:";
	else if (u.protocol === "wss:")
		u.protocol = "https:";
	return u;
}

/* sample_combine of src/lib/sample.c, and the bound (see the NOTES). */
function combine(samples, res, linkErr) {
	let min = Infinity;
	for (const s of samples)
		min = Math.min(min, s.delay);
	const kept = samples.filter((s) => s.delay === min ||
	    s.delay - min < min);
	for (const s of samples)
		s.kept = kept.includes(s);
	const offset = kept.reduce((a, s) => a + s.offset, 0) / kept.length;
	const delay = kept.reduce((a, s) => a + s.delay, 0) / kept.length;
	/* res twice: start and end are read apart; 0.0005 ms: the answer's
	 * microseconds, rounded half up. */
	let bound = Infinity;
	for (const s of kept)
		bound = Math.min(bound, Math.abs(offset - s.offset) +
		    s.delay / 2 + 2 * res + 0.0005);
	return { offset, delay, bound: bound + linkErr };
}

/**
 * One measurement of the server at url: samples (1..8, default 4)
 * exchanges, a random pause in [0, pause) ms between them (default 1000,
 * as the command-line client), each bounded by timeout ms (default 10000).
 * Resolves to {offset, delay, bound, leap, next, step, transport, url,
 * samples, at}: seconds, offset = true time - Date.now()'s clock; each of
 * samples has its offset, delay, whether the filter kept it, and the same
 * exchange timed with Date.now() alone (dateOffset, dateDelay: what
 * libraries that time with it see). Rejects with a WebNTPError naming the
 * server and why.
 */
export async function sync(url, options = {}) {
	const name = String(url);
	let u, t;
	try {
		u = new URL(name, globalThis.location?.href);
		t = pickTransport(u, options.transport);
	} catch (e) {
		throw new WebNTPError(name, e.message);
	}
	const samples = options.samples ?? 4;
	const timeout = options.timeout ?? TIMEOUT;
	const pause = options.pause ?? PAUSE;
	if (!Number.isInteger(samples) || samples < 1 || samples > SAMPLES_MAX)
		throw new WebNTPError(name, `samples ${samples}: not 1 to ` +
		    SAMPLES_MAX);
	if (!(timeout > 0))
		throw new WebNTPError(name, `timeout ${timeout}: not > 0 ms`);
	u = transportURL(u, t);
	const res = resolution();
	const got = [];
	let sock = null, last = null;
	try {
		if (t === "ws") {
			sock = new Socket(u.href);
			await sock.open(timeout);
		} else {
			/* An untimed first request opens the connection (its
			 * failure is the timed one's to tell). */
			const ctl = new AbortController();
			const timer = setTimeout(() => ctl.abort(), timeout);
			await fetch(u.href, { method: "HEAD", cache: "no-store",
			    credentials: "omit", signal: ctl.signal })
			    .catch(() => {});
			clearTimeout(timer);
			if (ctl.signal.aborted)
				throw new Error(`no answer within ${timeout} ms`);
		}
		for (let i = 0; i < samples; i++) {
			if (i > 0 && pause > 0)
				await sleep(Math.random() * pause);
			const x = t === "ws" ? await wsExchange(sock, timeout) :
			    await httpExchange(u.href, t === "head", timeout);
			checkTime(x.st);
			const delay = x.end - x.start;
			if (delay < 0)
				throw new Error("the answer arrived before the " +
				    "request was sent");
			const end = performance.timeOrigin + x.end;
			got.push({ at: end, offset: x.st * 1000 - end +
			    delay / 2, delay, dateOffset: x.st * 1000 -
			    (x.dateStart + x.dateEnd) / 2,
			    dateDelay: x.dateEnd - x.dateStart });
			last = x;
		}
	} catch (e) {
		throw new WebNTPError(name, e.message);
	} finally {
		if (sock)
			sock.close();
	}
	const l = link();
	const c = combine(got, res, l.err);
	return {
		url: name,
		transport: t,
		/* true - Date.now()'s clock = true - mono() - (Date - mono) */
		offset: (c.offset - l.link) / 1000,
		delay: c.delay / 1000,
		bound: c.bound / 1000,
		leap: last.leap,
		next: last.next,
		step: last.step,
		at: Date.now(),
		/* Against mono(): what clock().now() adds. */
		monoOffset: c.offset / 1000,
		link: l.link / 1000,
		resolution: res / 1000,
		samples: got.map((s) => ({ at: s.at, offset: (s.offset - l.link) /
		    1000, delay: s.delay / 1000, kept: s.kept,
		    dateOffset: s.dateOffset / 1000,
		    dateDelay: s.dateDelay / 1000 })),
	};
}

/**
 * A clock kept in sync with the server at url: a round of sync(url,
 * options) at once, then every options.interval ms (default 5 minutes,
 * spread by +-10 %), after a failure sooner (5 s, doubling), and at once
 * when the page becomes visible again or when Date.now() and
 * performance.now() drift apart (the machine slept, the system clock was
 * stepped). Events: "change" (detail: the sync result), "error" (detail:
 * the WebNTPError). now(): the true time in ms (NaN before the first
 * sync); offset, bound, delay, leap, next, step: the last result's.
 */
export function clock(url, options = {}) {
	return new Clock(url, options);
}

class Clock extends EventTarget {
	constructor(url, options) {
		super();
		this.url = url;
		this.options = options;
		this.interval = options.interval ?? 300000;
		this.result = null;
		this.error = null;
		this.monoOffset = NaN;
		this.linkAt = NaN;
		this.running = false;
		this.stopped = false;
		this.failures = 0;
		this.timer = null;
		this.ready = new Promise((resolve) => {
			this.readyResolve = resolve;
		});
		this.onVisible = () => {
			if (document.visibilityState === "visible")
				this.check(true);
		};
		globalThis.document?.addEventListener("visibilitychange",
		    this.onVisible);
		this.watch = setInterval(() => this.check(false), 1000);
		this.round();
	}

	get offset() { return this.result ? this.result.offset : NaN; }
	get bound() { return this.result ? this.result.bound : NaN; }
	get delay() { return this.result ? this.result.delay : NaN; }
	get leap() { return this.result ? this.result.leap : 0; }
	get next() { return this.result ? this.result.next : 0; }
	get step() { return this.result ? this.result.step : 0; }

	now() {
		return mono() + this.monoOffset * 1000;
	}

	/* Date.now() against mono() moved (sleep, a stepped clock): follow
	 * Date.now() until the next round, which starts at once. */
	check(visible) {
		if (this.stopped || !this.result)
			return;
		const d = Date.now() - mono();
		const moved = Math.abs(d - this.linkAt) > 5;
		if (moved) {
			this.monoOffset += (d - this.linkAt) / 1000;
			this.linkAt = d;
		}
		if (moved || visible)
			this.soon(0);
	}

	soon(ms) {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.round(), ms);
	}

	async round() {
		if (this.running || this.stopped)
			return;
		this.running = true;
		try {
			const r = await sync(this.url, this.options);
			if (this.stopped)
				return;
			this.result = r;
			this.monoOffset = r.monoOffset;
			this.linkAt = r.link * 1000;
			this.failures = 0;
			this.error = null;
			this.soon(this.interval * (0.9 + 0.2 * Math.random()));
			this.readyResolve(r);
			this.dispatchEvent(new CustomEvent("change", { detail: r }));
		} catch (e) {
			if (this.stopped)
				return;
			this.error = e;
			this.failures++;
			this.soon(Math.min(this.interval,
			    5000 * 2 ** (this.failures - 1)));
			this.dispatchEvent(new CustomEvent("error", { detail: e }));
		} finally {
			this.running = false;
		}
	}

	stop() {
		this.stopped = true;
		clearTimeout(this.timer);
		clearInterval(this.watch);
		globalThis.document?.removeEventListener("visibilitychange",
		    this.onVisible);
	}
}
