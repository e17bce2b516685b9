/*
 * clock.js: the /clock/ page: the true time from the server that serves
 * it (webntp.js clock(), over WebSocket unless ?transport=fetch or head),
 * the local clock's offset with its bound, the next leap second and a
 * plot of every sample's offset and round trip. No inline script: the
 * page's Content-Security-Policy allows scripts from this origin only.
 */
import { clock } from "../webntp.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const transport = params.get("transport") || "ws";
const url = new URL("/", location.href);
url.protocol = transport === "ws" ?
    (location.protocol === "https:" ? "wss:" : "ws:") : location.protocol;

const c = clock(url.href, { transport,
    samples: Number(params.get("samples")) || 4 });
const history = [];	/* samples of the last rounds, for the plot */
const HISTORY_MAX = 400;

const pad = (n, w = 2) => String(n).padStart(w, "0");

function ms(s) {
	const v = s * 1000;
	return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ?
	    v.toFixed(1) : v.toFixed(2);
}

function utc(sec) {
	return new Date(sec * 1000).toISOString().replace("T", " ")
	    .replace(/\.\d+Z$/, " UTC");
}

function tick() {
	const t = c.now();
	if (Number.isFinite(t)) {
		const d = new Date(t);
		$("time").textContent = `${pad(d.getHours())}:` +
		    `${pad(d.getMinutes())}:${pad(d.getSeconds())}.` +
		    `${Math.floor(d.getMilliseconds() / 100)}`;
		$("date").textContent = d.toLocaleDateString(undefined,
		    { weekday: "long", year: "numeric", month: "long",
		    day: "numeric" }) + " · " + d.toISOString().slice(11, 19) +
		    " UTC";
	}
	requestAnimationFrame(tick);
}

function leapText(r) {
	const nowSec = c.now() / 1000;
	if (r.next === 0)
		return "the server has no leap-second table";
	if (r.next > nowSec)
		return `${r.step > 0 ? "inserted" : "deleted"} at the end of ` +
		    `${utc(r.next - 1).slice(0, 10)} (TAI − UTC ${r.leap} s, ` +
		    `then ${r.leap + r.step} s)`;
	return `none scheduled; the last one ended ${utc(r.next)
	    .slice(0, 10)}, TAI − UTC = ${r.leap + r.step} s`;
}

function show(r) {
	const ahead = r.offset < 0;
	$("offset").textContent = `${ms(Math.abs(r.offset))} ms ` +
	    `${ahead ? "ahead" : "behind"} (±\u00a0${ms(r.bound)} ms)`;
	$("delay").textContent = `${ms(r.delay)} ms (mean of the ` +
	    `${r.samples.filter((s) => s.kept).length} kept of ` +
	    `${r.samples.length} samples)`;
	$("leap").textContent = leapText(r);
	$("server").textContent = `${r.url} (${r.transport})`;
	$("timer").textContent = `performance.now() resolution ` +
	    `${(r.resolution * 1e6).toFixed(0)} µs, cross-origin ` +
	    `isolation ${crossOriginIsolated ? "on" : "off"}`;
	$("status").textContent = `synchronised at ` +
	    `${new Date(r.at).toLocaleTimeString()}`;
	$("status").classList.remove("error");
	history.push(...r.samples);
	history.splice(0, Math.max(0, history.length - HISTORY_MAX));
	plot();
}

function plot() {
	const cv = $("plot");
	const dpr = window.devicePixelRatio || 1;
	const w = Math.max(1, Math.round(cv.clientWidth * dpr));
	const h = Math.max(1, Math.round(cv.clientHeight * dpr));
	if (cv.width !== w || cv.height !== h) {
		cv.width = w;
		cv.height = h;
	}
	const g = cv.getContext("2d");
	const css = getComputedStyle(document.documentElement);
	const col = (v) => css.getPropertyValue(v).trim();
	g.clearRect(0, 0, w, h);
	cv.dataset.samples = history.length;
	g.font = `${11 * dpr}px system-ui, sans-serif`;
	g.fillStyle = col("--dim");
	if (history.length === 0) {
		g.fillText("waiting for the first samples", 8 * dpr, 16 * dpr);
		return;
	}
	const t0 = history[0].at, t1 = Math.max(history.at(-1).at, t0 + 1);
	let lo = 0, hi = 0;
	for (const s of history) {
		lo = Math.min(lo, s.offset * 1000, s.delay * 1000);
		hi = Math.max(hi, s.offset * 1000, s.delay * 1000);
	}
	if (hi - lo < 0.01)
		hi = lo + 0.01;
	/* Labels in a left margin, points right of it. */
	const m = 14 * dpr, left = 64 * dpr;
	const x = (t) => left + (t - t0) / (t1 - t0) * (w - left - m);
	const y = (v) => h - m - (v - lo) / (hi - lo) * (h - 2 * m);
	g.strokeStyle = col("--dim");
	g.lineWidth = dpr;
	g.beginPath();
	g.moveTo(left, y(0));
	g.lineTo(w - m, y(0));
	g.stroke();
	g.textAlign = "right";
	g.textBaseline = "middle";
	g.fillText(`${hi.toFixed(2)} ms`, left - 8 * dpr, y(hi));
	if (y(0) - y(hi) > 14 * dpr && y(lo) - y(0) > 14 * dpr)
		g.fillText("0", left - 8 * dpr, y(0));
	if (hi !== 0 && lo !== 0)
		g.fillText(`${lo.toFixed(2)} ms`, left - 8 * dpr, y(lo));
	else if (lo === 0)
		g.fillText("0", left - 8 * dpr, y(0));
	for (const [key, color] of [["delay", "--del"], ["offset", "--off"]]) {
		g.fillStyle = g.strokeStyle = col(color);
		for (const s of history) {
			g.beginPath();
			g.arc(x(s.at), y(s[key] * 1000), 3 * dpr, 0, 2 * Math.PI);
			if (s.kept)
				g.fill();
			else
				g.stroke();
		}
	}
}

c.addEventListener("change", (ev) => show(ev.detail));
c.addEventListener("error", (ev) => {
	$("status").textContent = `${ev.detail.message}; trying again`;
	$("status").classList.add("error");
	if (!c.result)
		$("offset").textContent = "no answer yet";
});
window.addEventListener("resize", plot);
plot();
requestAnimationFrame(tick);
/* For pages and tests that embed this one. */
window.webntpClock = c;
