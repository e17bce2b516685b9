// browser-cdp.js: drives one headless Chromium for the browser-*.test
// scripts over the DevTools protocol on a pipe (--remote-debugging-pipe:
// JSON messages ended by NUL on descriptors 3 and 4), so it needs no npm
// package and no port. One browser runs every step of a plan, in tabs:
//   node browser-cdp.js PLAN.json
// PLAN: {"chromium": PATH, "profile": DIR, "timeout": MS, "steps": [
//   {"tab": T, "open": URL, "width": W, "height": H, "scale": S}
//       a new tab (or the same, navigated) at that viewport, after its
//       load event
//   {"tab": T, "eval": EXPR, "as": NAME}   the value of EXPR (promises
//       awaited), in the page (Runtime.evaluate: the page's CSP does not
//       apply to EXPR itself, only to what it loads or connects to)
//   {"tab": T, "script": FILE}             evaluate FILE's text there
//   {"tab": T, "wait": EXPR, "as": NAME}   poll EXPR until truthy
//   {"tab": T, "shot": FILE}               a PNG of the viewport
// ]}. Prints one JSON object: each NAME's value (or {"error": ...}),
// "console": every console message, exception and log entry of the tabs,
// "version": the browser's. Exit status 0 when every step ran.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const timeout = plan.timeout || 120000;
const out = { console: [] };
const args = [
	'--headless=new', '--no-sandbox', '--remote-debugging-pipe',
	`--user-data-dir=${plan.profile}`, '--no-first-run',
	'--no-default-browser-check', '--disable-extensions',
	'--disable-background-networking', '--disable-component-update',
	'--disable-sync', '--disable-default-apps', '--disable-breakpad',
	'--disable-dev-shm-usage', '--disable-gpu', '--mute-audio',
	'--hide-scrollbars', '--password-store=basic',
	// Timers and frames of a tab in the background run at full speed.
	'--disable-background-timer-throttling',
	'--disable-renderer-backgrounding',
	'--disable-backgrounding-occluded-windows',
	'about:blank',
];
const chrome = spawn(plan.chromium, args, {
	stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
});
let stderr = '';
chrome.stderr.on('data', (d) => {
	if (stderr.length < 20000)
		stderr += d;
});
const pipeOut = chrome.stdio[3], pipeIn = chrome.stdio[4];
let nextId = 0, buf = '';
const pending = new Map(), waiters = [];

pipeIn.on('data', (d) => {
	buf += d;
	let i;
	while ((i = buf.indexOf('\0')) >= 0) {
		const m = JSON.parse(buf.slice(0, i));
		buf = buf.slice(i + 1);
		if (m.id !== undefined && pending.has(m.id)) {
			const p = pending.get(m.id);
			pending.delete(m.id);
			if (m.error)
				p.reject(new Error(`${p.method}: ${m.error.message}`));
			else
				p.resolve(m.result);
		} else if (m.method)
			event(m);
	}
});

function send(method, params = {}, sessionId) {
	const id = ++nextId;
	pipeOut.write(JSON.stringify({ id, method, params, sessionId }) + '\0');
	return new Promise((resolve, reject) =>
		pending.set(id, { resolve, reject, method }));
}

const tabOf = new Map();	// sessionId -> tab name
function event(m) {
	const tab = tabOf.get(m.sessionId) || '?';
	const p = m.params || {};
	if (m.method === 'Runtime.consoleAPICalled')
		out.console.push({ tab, type: p.type, text: p.args.map((a) =>
			a.value !== undefined ? String(a.value) :
			a.description || a.type).join(' ') });
	else if (m.method === 'Runtime.exceptionThrown')
		out.console.push({ tab, type: 'exception', text:
			p.exceptionDetails.exception?.description ||
			p.exceptionDetails.text });
	else if (m.method === 'Log.entryAdded')
		out.console.push({ tab, type: `log-${p.entry.level}`,
			text: p.entry.text });
	for (let i = 0; i < waiters.length; i++) {
		if (waiters[i].match(m)) {
			waiters[i].resolve(m);
			waiters.splice(i, 1);
			i--;
		}
	}
}

function waitEvent(match, ms) {
	return new Promise((resolve, reject) => {
		const w = { match, resolve };
		waiters.push(w);
		setTimeout(() => {
			const i = waiters.indexOf(w);
			if (i >= 0) {
				waiters.splice(i, 1);
				reject(new Error('timed out waiting for an event'));
			}
		}, ms);
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tabs = new Map();	// name -> sessionId

async function open(step) {
	let sid = tabs.get(step.tab);
	if (sid === undefined) {
		const { targetId } = await send('Target.createTarget',
			{ url: 'about:blank' });
		({ sessionId: sid } = await send('Target.attachToTarget',
			{ targetId, flatten: true }));
		tabs.set(step.tab, sid);
		tabOf.set(sid, step.tab);
		await send('Page.enable', {}, sid);
		await send('Runtime.enable', {}, sid);
		await send('Log.enable', {}, sid);
	}
	await send('Emulation.setDeviceMetricsOverride', {
		width: step.width || 1280, height: step.height || 900,
		deviceScaleFactor: step.scale || 1, mobile: !!step.mobile,
	}, sid);
	const loaded = waitEvent((m) => m.sessionId === sid &&
		m.method === 'Page.loadEventFired', timeout);
	const nav = await send('Page.navigate', { url: step.open }, sid);
	if (nav.errorText)
		throw new Error(`${step.open}: ${nav.errorText}`);
	await loaded;
}

async function evaluate(sid, expr) {
	const r = await send('Runtime.evaluate', { expression: expr,
		awaitPromise: true, returnByValue: true, timeout }, sid);
	if (r.exceptionDetails)
		throw new Error(r.exceptionDetails.exception?.description ||
			r.exceptionDetails.text);
	return r.result.value;
}

async function run() {
	out.version = (await send('Browser.getVersion')).product;
	for (const step of plan.steps) {
		try {
			if (step.open !== undefined) {
				await open(step);
				continue;
			}
			const sid = tabs.get(step.tab);
			if (step.script !== undefined) {
				await evaluate(sid, fs.readFileSync(step.script,
					'utf8'));
			} else if (step.eval !== undefined) {
				out[step.as] = await evaluate(sid, step.eval);
			} else if (step.wait !== undefined) {
				const end = Date.now() + (step.timeout || timeout);
				let v;
				while (!(v = await evaluate(sid, step.wait)) &&
				    Date.now() < end)
					await sleep(100);
				out[step.as] = v;
			} else if (step.shot !== undefined) {
				const { data } = await send('Page.captureScreenshot',
					{ format: 'png' }, sid);
				fs.writeFileSync(step.shot, Buffer.from(data, 'base64'));
			}
		} catch (e) {
			if (step.as)
				out[step.as] = { error: e.message };
			else
				throw e;
		}
	}
}

const watchdog = setTimeout(() => {
	out.fatal = `browser-cdp.js: the plan took more than ${timeout * 2} ms`;
	finish(1);
}, timeout * 2);

let finished = false;
async function finish(rc) {
	if (finished)
		return;
	finished = true;
	clearTimeout(watchdog);
	if (rc !== 0)
		out.stderr = stderr.slice(-4000);
	process.stdout.write(JSON.stringify(out) + '\n');
	// Browser.close ends every process of the browser; SIGKILL only a
	// browser that does not exit within 10 s.
	const exited = new Promise((r) => chrome.exitCode !== null ||
	    chrome.signalCode !== null ? r() : chrome.once('exit', r));
	send('Browser.close').catch(() => {});
	await Promise.race([exited, sleep(10000)]);
	if (chrome.exitCode === null && chrome.signalCode === null)
		chrome.kill('SIGKILL');
	process.exit(rc);
}

chrome.on('exit', (code, sig) => {
	if (!finished) {
		out.fatal = `chromium exited (${code ?? sig}) before the plan ended`;
		finish(1);
	}
});
run().then(() => finish(0), (e) => {
	out.fatal = e.message;
	finish(1);
});
