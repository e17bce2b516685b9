// ws-client.js: the WebSocket client of the ws-*.test integration tests,
// node's `ws` package (not written here). One JSON line on stdout says what
// happened:
//   node ws-client.js URL [--protocol P] [--origin O] [--send MSG]...
//        [--send-repeat N:CHAR] [--fragments N] [--ping] [--wait-close]
//        [--connections N] [--timeout MS] [--binary] [--ready FILE]
//        [--flood N]
// --flood N: stop reading, send N timestamps at once, touch --ready FILE
// 2 s later, read again 2 s after that, and count the answers.
// Each --send is sent after the previous answer; the result lists the
// answers, the negotiated subprotocol, the close code and reason, or the
// HTTP status of a refused upgrade.
'use strict';
const path = require('path');
const WebSocket = require(path.join(process.env.WS_NODE_MODULES || '', 'ws'));

const a = process.argv.slice(2);
const url = a.shift();
const opt = { protocols: [], origin: undefined, sends: [], ping: false,
	waitClose: false, connections: 1, timeout: 10000, fragments: 0,
	binary: false, ready: null, flood: 0 };
let answered = 0;
while (a.length > 0) {
	const k = a.shift();
	if (k === '--protocol') opt.protocols.push(a.shift());
	else if (k === '--origin') opt.origin = a.shift();
	else if (k === '--send') opt.sends.push(a.shift());
	else if (k === '--send-repeat') {
		const [n, ch] = a.shift().split(':');
		opt.sends.push(ch.repeat(Number(n)));
	} else if (k === '--fragments') opt.fragments = Number(a.shift());
	else if (k === '--ping') opt.ping = true;
	else if (k === '--wait-close') opt.waitClose = true;
	else if (k === '--connections') opt.connections = Number(a.shift());
	else if (k === '--timeout') opt.timeout = Number(a.shift());
	else if (k === '--binary') opt.binary = true;
	else if (k === '--ready') opt.ready = a.shift();
	else if (k === '--flood') opt.flood = Number(a.shift());
	else { console.error('unknown argument ' + k); process.exit(2); }
}

function one() {
	return new Promise((resolve) => {
		const r = { answers: [], protocol: null, close: null, reason: null,
			status: null, error: null, pong: false, flooded: 0 };
		const o = {};
		if (opt.origin !== undefined) o.origin = opt.origin;
		const ws = new WebSocket(url, opt.protocols, o);
		let i = 0;
		const timer = setTimeout(() => { r.error = 'timeout'; ws.terminate(); }, opt.timeout);
		const next = () => {
			if (i < opt.sends.length) {
				const m = opt.binary ? Buffer.from(opt.sends[i++]) : opt.sends[i++];
				if (opt.fragments > 1) {
					const step = Math.ceil(m.length / opt.fragments);
					for (let k = 0; k < m.length; k += step)
						ws.send(m.slice(k, k + step), { fin: k + step >= m.length });
				} else {
					ws.send(m);
				}
			} else if (opt.ping) {
				ws.ping('p');
			} else if (!opt.waitClose) {
				ws.close(1000);
			}
		};
		ws.on('unexpected-response', (req, res) => {
			r.status = res.statusCode;
			clearTimeout(timer);
			res.resume();
			resolve(r);
		});
		ws.on('open', () => {
			r.protocol = ws.protocol;
			if (opt.flood > 0) {
				ws.pause();
				for (let k = 0; k < opt.flood; k++)
					ws.send('1558915619.944235');
				setTimeout(() => {
					require('fs').writeFileSync(opt.ready, 'ready\n');
					setTimeout(() => ws.resume(), 2000);
				}, 2000);
				return;
			}
			next();
		});
		ws.on('message', (d, binary) => {
			if (opt.flood > 0) {
				if (++r.flooded === opt.flood) ws.close(1000);
				return;
			}
			r.answers.push((binary ? 'BINARY:' : '') + d.toString());
			// --ready: every connection has its first answer.
			if (r.answers.length === 1 && ++answered === opt.connections &&
			    opt.ready !== null)
				require('fs').writeFileSync(opt.ready, 'ready\n');
			next();
		});
		ws.on('pong', () => { r.pong = true; opt.ping = false; next(); });
		ws.on('error', (e) => { if (r.error === null) r.error = e.message; });
		ws.on('close', (code, reason) => {
			r.close = code;
			r.reason = reason.toString();
			clearTimeout(timer);
			resolve(r);
		});
	});
}

(async () => {
	if (opt.connections === 1) {
		console.log(JSON.stringify(await one()));
		return;
	}
	const all = await Promise.all(Array.from({ length: opt.connections }, one));
	const bad = all.filter((r) => r.error !== null || r.answers.length !== opt.sends.length);
	const closes = {};
	for (const r of all) closes[r.close] = (closes[r.close] || 0) + 1;
	console.log(JSON.stringify({ connections: all.length, bad: bad.length,
		closes: closes, first_bad: bad[0] || null, sample: all[0] }));
})();
