// browser-helpers.js: evaluated in a tab by browser-cdp.js (a "script"
// step) for the browser-*.test scripts: window.T runs webntp.js, imported
// from T.module, and returns plain values for the test to judge.
window.T = {
	module: location.protocol.startsWith('http') ?
	    new URL('/webntp.js', location.href).href : null,
	async load() {
		return import(this.module);
	},
	// N rounds of sync(url, opts): what each gave, or its error.
	async syncs(url, opts, n) {
		const m = await this.load();
		const out = [];
		for (let i = 0; i < n; i++) {
			try {
				const r = await m.sync(url, opts);
				out.push({ offset: r.offset, delay: r.delay,
					bound: r.bound, transport: r.transport,
					leap: r.leap, next: r.next, step: r.step,
					kept: r.samples.filter((s) => s.kept).length,
					samples: r.samples.length,
					resolution: r.resolution, link: r.link,
					dateOffset: this.dateCombine(r.samples) });
			} catch (e) {
				out.push({ error: e.message });
			}
		}
		return out;
	},
	// The same exchanges timed with Date.now() alone, combined by the
	// same filter on their (whole-millisecond) delays.
	dateCombine(samples) {
		const min = Math.min(...samples.map((s) => s.dateDelay));
		const kept = samples.filter((s) => s.dateDelay === min ||
			s.dateDelay - min < min);
		return kept.reduce((a, s) => a + s.dateOffset, 0) / kept.length;
	},
	// How sync(url, opts) failed: the error's fields, or "resolved".
	async fails(url, opts) {
		const m = await this.load();
		const t0 = performance.now();
		try {
			await m.sync(url, opts);
			return { resolved: true };
		} catch (e) {
			return { name: e.name, message: e.message, url: e.url,
				reason: e.reason, isWebNTPError:
				e instanceof m.WebNTPError,
				ms: performance.now() - t0 };
		}
	},
};
'done';
