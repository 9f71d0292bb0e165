// The opening draw's fairness simulation (scripts/bench.sh, section
// `fairness`): genuine citizens and one broker race for one office day
// through nginx, every client from an address of its own on the loopback
// network (127.0.0.0/8 is all local on Linux: a socket bound to
// 127.N.x.y reaches nginx on 127.0.0.1, which passes that address to
// permitd as REMOTE_ADDR), so the per-address limits see what they would
// see in the field.
//
// One run, configured by the environment (all required; bench.sh sets
// them):
//   FAIR_URL        nginx, http://127.0.0.1:PORT
//   FAIR_DSN        a superuser's conninfo (psql): the day is opened and
//                   the outcome counted in SQL
//   FAIR_OFFICE, FAIR_DAY, FAIR_CAPACITY
//   FAIR_MODE       draw | first-come (permitd's draw_minutes must agree)
//   FAIR_GENUINE    citizens, one account and one application each
//   FAIR_BROKER     the broker's accounts, one application each
//   FAIR_PAYS       the share of its holds the broker pays for (0 to 1)
//   FAIR_NET        second octet of this run's addresses (citizens on
//                   127.NET, the broker on 127.NET+1), fresh per run
//   FAIR_SERIES     two digits making this run's NIKs its own
//   FAIR_WINDOW_S   the draw window (draw mode), set in SQL
//   FAIR_HOLD_S     the hold, shortened in SQL (see bench.sh)
//   FAIR_END_S      the race ends this long after the opening at most
//   FAIR_POLL_MS    how often a person looks (jittered ±30 %)
//   FAIR_SPEEDUP    how much faster the broker's script looks and acts
//   FAIR_PAY_KEY    the keyring's payment key, base64 (the simulation is
//                   the gateway too)
//   FAIR_FEE        the fee a hold asks, whole rupiah
//
// People: each arrives at a random moment in the first half of the window
// (first-come: the same moments after the opening). In the window a
// person's booking request is an entry; after it, or first-come, a person
// looks at the day every poll and books when a place shows free. A person
// who holds a slot pays a moment later. The broker: at the opening it
// enters every account (draw) or, watching the day SPEEDUP times as often
// as a person, books a free place from an idle account the moment it shows
// (first-come, and after the draw); it pays for FAIR_PAYS of the holds it
// gets, at once, and lets the rest lapse. Each account books again once
// its hold has lapsed, until it is flagged or rate-limited.
//
// Prints one line `FAIR key=value ...` with the outcome.

import http from 'node:http';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';

const env = (k) => {
	const v = process.env[k];
	if (v === undefined || v === '')
		throw new Error(`fairness: ${k} is not set`);
	return v;
};
const num = (k) => Number(env(k));

const C = {
	url: new URL(env('FAIR_URL')), dsn: env('FAIR_DSN'),
	office: env('FAIR_OFFICE'), day: env('FAIR_DAY'),
	capacity: num('FAIR_CAPACITY'), mode: env('FAIR_MODE'),
	genuine: num('FAIR_GENUINE'), broker: num('FAIR_BROKER'),
	pays: num('FAIR_PAYS'), net: num('FAIR_NET'), series: env('FAIR_SERIES'),
	windowS: num('FAIR_WINDOW_S'), holdS: num('FAIR_HOLD_S'),
	endS: num('FAIR_END_S'), pollMs: num('FAIR_POLL_MS'),
	speedup: num('FAIR_SPEEDUP'),
	payKey: Buffer.from(env('FAIR_PAY_KEY'), 'base64'), fee: num('FAIR_FEE'),
};
const DRAW = C.mode === 'draw';
const BROKER_IN_FLIGHT = 64;      // the broker script's connections
const SETUP_IN_FLIGHT = 16;

const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const jitter = (ms) => ms * (0.7 + 0.6 * Math.random());
let stop = false;

// ---------------------------------------------------------------- HTTP

// One request from ADDR, a connection of its own: {status, body, retry}.
function request(addr, method, path, { body, cookie, csrf, headers } = {}) {
	const data = body === undefined ? undefined :
	    (typeof body === 'string' ? body : JSON.stringify(body));
	const h = { Connection: 'close', ...headers };
	if (data !== undefined) {
		h['Content-Type'] = 'application/json';
		h['Content-Length'] = Buffer.byteLength(data);
	}
	if (cookie) h.Cookie = `permit_session=${cookie}`;
	if (csrf) h['X-CSRF-Token'] = csrf;
	return new Promise((resolve) => {
		const req = http.request({
			host: C.url.hostname, port: C.url.port, method, path,
			localAddress: addr, headers: h, agent: false, timeout: 15000,
		}, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				let json = null;
				try { json = JSON.parse(Buffer.concat(chunks)); } catch { /* none */ }
				resolve({ status: res.statusCode, body: json, headers: res.headers,
				    retry: Number(res.headers['retry-after'] || 0) });
			});
		});
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', () => resolve({ status: 0, body: null, headers: {}, retry: 0 }));
		if (data !== undefined) req.write(data);
		req.end();
	});
}

// Runs FN over ITEMS with at most N at once.
async function pool(items, n, fn) {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await fn(items[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

// A counting semaphore: the broker's connections.
function semaphore(n) {
	let free = n;
	const waiting = [];
	return {
		async take() {
			if (free > 0) { free--; return; }
			await new Promise((r) => waiting.push(r));
		},
		give() {
			const w = waiting.shift();
			if (w) w(); else free++;
		},
	};
}

// ---------------------------------------------------------------- actors

const pad = (n, w) => String(n).padStart(w, '0');

// Actor I of KIND ('c' citizen, 'b' broker): address, e-mail, applicant.
function actor(kind, i) {
	const octet = C.net + (kind === 'b' ? 1 : 0);
	const serial = pad((kind === 'b' ? 5000 : 1) + i, 4);
	return {
		kind, i,
		addr: `127.${octet}.${Math.floor(i / 250)}.${(i % 250) + 1}`,
		email: `fair.${C.series}.${kind}${i}.${C.net}@example.test`,
		// NIK 31 74 SS DDMMYY SSSS: Jakarta Selatan, district SERIES,
		// born 14 March 1985, a serial of its own.
		applicant: {
			full_name: `Warga ${kind === 'b' ? 'Calo' : 'Asli'} ${serial}`,
			nik: `3174${C.series}140385${serial}`,
			kk_number: `3174${C.series}01${pad(i, 8)}`,
			birth_date: '1985-03-14', birth_place: 'Jakarta', sex: 'M',
			phone: `0812${C.series}${pad(i, 6)}`,
			address: `Jalan Simulasi No. ${i + 1}`, mother_name: 'Ibu Simulasi',
		},
		requests: 0, state: 'new', limited: 0, refusedByLimit: false,
		lapses: 0, holds: 0,
	};
}

async function call(a, method, path, opts = {}) {
	a.requests++;
	return request(a.addr, method, path, { cookie: a.cookie, csrf: a.csrf, ...opts });
}

// Registers, signs in and files the actor's passport application.
async function setup(a) {
	const cred = { email: a.email, password: 'fairness simulation' };
	let r = await request(a.addr, 'POST', '/api/v1/accounts', { body: cred });
	if (r.status !== 201) throw new Error(`register ${a.email}: ${r.status} ${JSON.stringify(r.body)}`);
	r = await request(a.addr, 'POST', '/api/v1/sessions', { body: cred });
	const m = /permit_session=([^;]+)/.exec([].concat(r.headers['set-cookie'] || []).join(';'));
	if (r.status !== 201 || !m) throw new Error(`sign in ${a.email}: ${r.status}`);
	a.cookie = m[1];
	a.csrf = r.body.csrf_token;
	a.account = r.body.account.id;
	r = await request(a.addr, 'POST', '/api/v1/applications', {
		cookie: a.cookie, csrf: a.csrf,
		body: { kind: 'passport', office: C.office, applicant: a.applicant,
		    passport: { type: 'new' } },
	});
	if (r.status !== 201) throw new Error(`apply ${a.email}: ${r.status} ${JSON.stringify(r.body)}`);
	a.app = r.body.application.id;
}

// ---------------------------------------------------------------- the gateway

// The gateway's notification that BOOKING was paid: 200 confirmed, or 409
// when it had lapsed.
async function pay(a, booking) {
	const body = JSON.stringify({
		notification_id: crypto.randomUUID(), billing_code: booking.billing_code,
		amount: booking.amount, paid_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
	});
	const ts = String(Math.floor(Date.now() / 1000));
	const sig = crypto.createHmac('sha256', C.payKey).update(`${ts}.${body}`).digest('hex');
	a.requests++;
	const r = await request(a.addr, 'POST', '/api/v1/payments/notifications', {
		body, headers: { 'X-Permit-Timestamp': ts, 'X-Permit-Signature': `v1=${sig}` },
	});
	return r.status;
}

// ---------------------------------------------------------------- the race

const dayPath = `/api/v1/offices/${C.office}/days?from=${C.day}&to=${C.day}`;
let t0 = 0;            // the opening, ms since the epoch
let drawAt = 0;        // its window's end (draw mode)

async function freeNow(a) {
	const r = await call(a, 'GET', dayPath);
	return r.status === 200 && r.body.days.length === 1 ? r.body.days[0].remaining : 0;
}

async function book(a) {
	const r = await call(a, 'POST', `/api/v1/applications/${a.app}/booking`,
	    { body: { date: C.day } });
	if (r.status === 429) {
		a.limited++;
		if (a.kind === 'c') a.refusedByLimit = true;
		a.until = Date.now() + 1000 * (r.retry || 1);
	} else if (r.status === 409 && r.body?.error?.code === 'conflict' &&
	    /review/.test(r.body.error.message || '')) {
		a.state = 'flagged';
	}
	return r;
}

async function readBooking(a) {
	const r = await call(a, 'GET', `/api/v1/applications/${a.app}`);
	return r.status === 200 ? r.body.application : null;
}

// A citizen: arrives, enters or books, watches, pays.
async function citizen(a) {
	await sleep(t0 + a.arrive - Date.now());
	while (!stop && a.state !== 'confirmed') {
		if (a.state === 'new' && !(a.until > Date.now())) {
			if (DRAW && Date.now() < drawAt) {
				const r = await book(a);
				if (r.status === 202) a.state = 'entered';
				else if (r.status === 201) a.state = 'held';
			} else if ((await freeNow(a)) > 0) {
				const r = await book(a);
				if (r.status === 201) a.state = 'held';
			}
		} else if (a.state === 'entered' || a.state === 'held') {
			const app = await readBooking(a);
			if (app?.booking?.state === 'held') {
				await sleep(jitter(C.pollMs / 2));
				const s = await pay(a, app.booking);
				a.state = s === 200 ? 'confirmed' : 'new';
				continue;
			}
			if (app?.booking?.state === 'confirmed') a.state = 'confirmed';
			else if (app && !app.booking && !app.entry) a.state = 'new';
		}
		await sleep(jitter(C.pollMs));
	}
}

// The broker: one script, many accounts.
function broker(accounts) {
	const conn = semaphore(BROKER_IN_FLIGHT);
	let paidFor = 0;
	const idle = (a) => a.state === 'new' && !(a.until > Date.now()) &&
	    !(a.payBy > Date.now()) && !a.busy;
	const withConn = async (fn) => {
		await conn.take();
		try { return await fn(); } finally { conn.give(); }
	};
	// Pays for every (1/pays)th hold it gets, at once.
	const got = async (a, booking) => {
		a.holds++;
		const total = accounts.reduce((n, b) => n + b.holds, 0);
		if (C.pays > 0 && paidFor < Math.floor(total * C.pays + 1e-9)) {
			paidFor++;
			if ((await withConn(() => pay(a, booking))) === 200) {
				a.state = 'confirmed';
				return;
			}
		}
		a.state = 'new';      // bookable again once the hold has lapsed
		a.payBy = Date.parse(booking.pay_by) + 1000;
	};
	const grab = async (a) => {
		a.busy = true;
		const r = await withConn(() => book(a));
		if (r.status === 201) await got(a, r.body.application.booking);
		a.busy = false;
	};
	const enterAll = () => pool(accounts, BROKER_IN_FLIGHT, async (a) => {
		const r = await book(a);
		if (r.status === 202) a.state = 'entered';
	});
	// In draw mode the broker watches its entries for holds: it pays for
	// some, and an account whose hold lapsed books again first-come.
	const watchEntries = async () => {
		while (!stop) {
			const mine = accounts.filter((a) => a.state === 'entered');
			await pool(mine, BROKER_IN_FLIGHT, async (a) => {
				const app = await readBooking(a);
				if (app?.booking?.state === 'held') {
					a.state = 'held';
					await got(a, app.booking);
				} else if (app && !app.booking && !app.entry) {
					a.state = 'new';
				}
			});
			await sleep(C.pollMs);
		}
	};
	const watchDay = async () => {
		const eye = accounts[0];
		while (!stop) {
			if (!DRAW || Date.now() >= drawAt) {
				// Its own connection: a booking in flight never
				// slows the watch.
				const free = await freeNow(eye);
				const ready = accounts.filter(idle).slice(0, Math.max(0, free));
				for (const a of ready) grab(a);
			}
			await sleep(C.pollMs / C.speedup);
		}
	};
	return (async () => {
		await sleep(t0 - Date.now());
		const jobs = [watchDay()];
		if (DRAW) {
			await enterAll();
			jobs.push(watchEntries());
		}
		await Promise.all(jobs);
	})();
}

// ---------------------------------------------------------------- SQL

function sql(q) {
	return execFileSync('psql', ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1',
	    C.dsn, '-c', q], { encoding: 'utf8' }).trim();
}

// Opens the day OPEN_IN_S from now at capacity C.capacity; in draw mode
// waits for its seed and shortens its window to C.windowS. Returns the
// opening and the draw's time, ms since the epoch.
async function openDay() {
	const openInS = 4;
	sql(`INSERT INTO office_days (office, day, capacity, opens_at)
	    VALUES ('${C.office}', '${C.day}', ${C.capacity},
	        now() + interval '${openInS} seconds')
	    ON CONFLICT (office, day) DO UPDATE SET capacity = EXCLUDED.capacity,
	        opens_at = EXCLUDED.opens_at`);
	const at = (col) => Number(sql(`SELECT round(extract(epoch FROM ${col}) * 1000)
	    FROM ${col.startsWith('d.') ? 'office_days d' : 'draws w'}
	    WHERE office = '${C.office}' AND day = '${C.day}'`));
	const open = at('d.opens_at');
	if (!DRAW)
		return [open, open];
	for (let i = 0; i < 30 && sql(`SELECT count(*) FROM draws WHERE
	    office = '${C.office}' AND day = '${C.day}'`) !== '1'; i++)
		await sleep(100);
	sql(`UPDATE draws SET draw_at = opens_at + interval '${C.windowS} seconds'
	    WHERE office = '${C.office}' AND day = '${C.day}' AND opens_at > now()`);
	return [open, at('w.draw_at')];
}

// The day's confirmed places.
function confirmedCount() {
	return Number(sql(`SELECT count(*) FROM bookings WHERE office = '${C.office}'
	    AND day = '${C.day}' AND state = 'confirmed'`));
}

// The day's live bookings: account id -> state.
function dayBookings() {
	const out = new Map();
	const rows = sql(`SELECT account_id, state FROM bookings
	    WHERE office = '${C.office}' AND day = '${C.day}'
	        AND (state = 'confirmed' OR (state = 'held' AND pay_by > now()))`);
	for (const line of rows.split('\n').filter(Boolean)) {
		const [acc, st] = line.split('|');
		out.set(acc, st);
	}
	return out;
}

// ---------------------------------------------------------------- main

async function main() {
	const people = Array.from({ length: C.genuine }, (_, i) => actor('c', i));
	const fakes = Array.from({ length: C.broker }, (_, i) => actor('b', i));
	const setupStart = Date.now();
	await pool([...people, ...fakes], SETUP_IN_FLIGHT, setup);
	const setupS = (Date.now() - setupStart) / 1000;
	for (const a of [...people, ...fakes]) a.requests = 0;
	const arriveMs = 1000 * C.windowS / 2;
	for (const a of people) a.arrive = Math.random() * arriveMs;

	[t0, drawAt] = await openDay();
	const genuineIds = new Set(people.map((a) => a.account));
	const everyone = [...people.map(citizen), broker(fakes)];

	// Ends once nothing more can change: every citizen's place confirmed,
	// or every place of the day confirmed; else at FAIR_END_S.
	let unusedAtEnd = 0, settledS = '-';
	const end = t0 + 1000 * C.endS;
	while (Date.now() < end) {
		await sleep(1000);
		if (people.every((a) => a.state === 'confirmed') ||
		    confirmedCount() >= C.capacity) {
			settledS = ((Date.now() - t0) / 1000).toFixed(1);
			break;
		}
	}
	stop = true;
	await Promise.race([Promise.all(everyone), sleep(20000)]);

	const live = dayBookings();
	let genuineConfirmed = 0, brokerConfirmed = 0, held = 0;
	for (const [acc, st] of live) {
		if (st !== 'confirmed') { held++; continue; }
		if (genuineIds.has(acc)) genuineConfirmed++; else brokerConfirmed++;
	}
	const waiting = people.filter((a) => a.state !== 'confirmed').length;
	if (waiting > 0)
		unusedAtEnd = C.capacity - genuineConfirmed - brokerConfirmed;
	const entries = DRAW ? sql(`SELECT count(*) FROM draw_entries
	    WHERE office = '${C.office}' AND day = '${C.day}'`) : '0';
	const lapses = sql(`SELECT count(*) FROM bookings WHERE office = '${C.office}'
	    AND day = '${C.day}' AND state = 'lapsed'`);
	const flagged = fakes.filter((a) => a.state === 'flagged').length;
	const fair = 100 * C.genuine / (C.genuine + brokerConfirmed);
	const out = {
		mode: C.mode, pays: C.pays, capacity: C.capacity,
		genuine_confirmed: genuineConfirmed, broker_confirmed: brokerConfirmed,
		held_unpaid: held,
		genuine_share: (100 * genuineConfirmed / C.capacity).toFixed(1),
		fair_share: fair.toFixed(1),
		citizens_without: waiting, unused_while_waiting: unusedAtEnd,
		genuine_rate_limited: people.filter((a) => a.refusedByLimit).length,
		genuine_requests: people.reduce((n, a) => n + a.requests, 0),
		broker_requests: fakes.reduce((n, a) => n + a.requests, 0),
		broker_rate_limited: fakes.reduce((n, a) => n + a.limited, 0),
		broker_flagged: flagged, entries, lapses,
		settled_s: settledS, setup_s: setupS.toFixed(1),
	};
	console.log('FAIR ' + Object.entries(out).map(([k, v]) => `${k}=${v}`).join(' '));
}

main().catch((e) => {
	console.error(e.message);
	process.exit(1);
});
