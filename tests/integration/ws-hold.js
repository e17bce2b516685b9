// ws-hold.js: hold many WebSocket connections open at once, for the
// capacity tests (node's `ws` package, not written here):
//   node ws-hold.js URL --connections N --ready FILE [--batch B]
//        [--stall MS] [--timeout MS]
// Opens N connections, at most B (default 200) handshakes in flight, each
// sending one timestamp and waiting for its answer; a connection that has
// its answer is held. Opening stops when no handshake has ended for
// --stall MS (default 10000: the server stopped accepting) or after
// --timeout MS in all (default 120000); what is not held then has failed
// ("timeout" for those in flight, "not tried" for those never started).
// While opening, every held connection sends a timestamp every 20 s, so
// that a slow machine does not turn the opening into an idle timeout. Then
// it writes one JSON line {held, failed, errors} to FILE (atomically) and
// sends nothing more. On SIGUSR2 (node keeps SIGUSR1 for its debugger) it
// sends one more timestamp on every held connection, waits for the answers
// (--stall MS), closes them all with 1000 and prints {held, failed, errors,
// answered, closes} on stdout: `answered` counts the held connections that
// still answered, `closes` their close codes ("gone": closed by the server
// while held).
'use strict';
const fs = require('fs');
const path = require('path');
const WebSocket = require(path.join(process.env.WS_NODE_MODULES || '', 'ws'));

const a = process.argv.slice(2);
const url = a.shift();
const opt = { connections: 1, batch: 200, stall: 10000, timeout: 120000,
	ready: null };
while (a.length > 0) {
	const k = a.shift();
	if (k === '--connections') opt.connections = Number(a.shift());
	else if (k === '--batch') opt.batch = Number(a.shift());
	else if (k === '--stall') opt.stall = Number(a.shift());
	else if (k === '--timeout') opt.timeout = Number(a.shift());
	else if (k === '--ready') opt.ready = a.shift();
	else { console.error('unknown argument ' + k); process.exit(2); }
}
if (opt.ready === null) {
	console.error('--ready FILE is required');
	process.exit(2);
}

const held = [];
const pending = new Set();	// settle functions of handshakes in flight
const errors = {};
let failed = 0;
let stopped = false;
let progress = Date.now();

function fail(why) {
	failed++;
	errors[why] = (errors[why] || 0) + 1;
}

// One connection: resolves once it is held (answered) or has failed.
function open() {
	return new Promise((resolve) => {
		const ws = new WebSocket(url, ['webntp.shogo82148.com']);
		let done = false;
		const settle = (why) => {
			if (done)
				return;
			done = true;
			pending.delete(settle);
			progress = Date.now();
			if (why === null)
				held.push(ws);
			else {
				fail(why);
				ws.terminate();
			}
			resolve();
		};
		pending.add(settle);
		ws.on('open', () => ws.send(String(Date.now() / 1000)));
		ws.once('message', (d) =>
		    settle(/"st":/.test(d.toString()) ? null : 'bad answer'));
		ws.on('unexpected-response', (req, res) => {
			res.resume();
			settle('status ' + res.statusCode);
		});
		ws.on('error', (e) => settle(e.code || e.message));
		ws.on('close', (code) => settle('closed ' + code));
	});
}

async function openAll() {
	const start = Date.now();
	let next = 0;
	const watch = setInterval(() => {
		const now = Date.now();
		if (now - progress > opt.stall || now - start > opt.timeout) {
			stopped = true;
			for (const settle of [...pending])
				settle('timeout');
		}
	}, 250);
	const keep = setInterval(() => {
		for (const ws of held)
			if (ws.readyState === WebSocket.OPEN)
				ws.send(String(Date.now() / 1000));
	}, 20000);
	const worker = async () => {
		while (next < opt.connections) {
			next++;
			if (stopped)
				fail('not tried');
			else
				await open();
		}
	};
	await Promise.all(Array.from({ length: Math.min(opt.batch,
	    opt.connections) }, worker));
	clearInterval(watch);
	clearInterval(keep);
}

// Every held connection answers one more timestamp, then all are closed.
function finish() {
	let answered = 0;
	const closes = {};
	return Promise.all(held.map((ws) => new Promise((resolve) => {
		let got = false;
		if (ws.readyState !== WebSocket.OPEN) {
			// Closed by the server while held.
			closes.gone = (closes.gone || 0) + 1;
			resolve();
			return;
		}
		const timer = setTimeout(() => ws.terminate(), opt.stall);
		ws.removeAllListeners('message');
		ws.removeAllListeners('close');
		ws.on('message', () => {
			if (!got) {
				got = true;
				answered++;
				ws.close(1000);
			}
		});
		ws.on('close', (code) => {
			clearTimeout(timer);
			closes[code] = (closes[code] || 0) + 1;
			resolve();
		});
		ws.send(String(Date.now() / 1000));
	}))).then(() => ({ answered, closes }));
}

let opened = null;
process.on('SIGUSR2', async () => {
	const state = await opened;
	const f = await finish();
	console.log(JSON.stringify(Object.assign(state, f)));
	process.exit(0);
});
opened = openAll().then(() => {
	const state = { held: held.length, failed, errors };
	fs.writeFileSync(opt.ready + '.tmp', JSON.stringify(state) + '\n');
	fs.renameSync(opt.ready + '.tmp', opt.ready);
	return state;
});
// Held connections keep the process alive until SIGUSR2 (or SIGTERM).
setInterval(() => {}, 1 << 30);
