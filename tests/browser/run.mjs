// The browser tests' driver. tests/e2e/browser.bats starts it once per run
//
//   node run.mjs serve SOCKET
//
// and asks for one step at a time over the unix socket SOCKET:
// POST /step/NAME with a JSON object of parameters answers 200 "ok", or
// 500 with what failed; POST /quit closes the browser and exits. One
// Chromium serves every step, and the admin and the reviewer sign in once;
// each citizen gets a context (cookies) of its own. A step may keep pages
// for a later one (a test that stops the database between two steps, or
// runs a draw); every other page a step opened is closed when it ends.
// After every step, each page still open (and each it closed) must have
// seen no CSP violation, page error or missing string.
//
//   node run.mjs NAME [JSON]
//
// runs one step alone, for a look at it by hand.
import { createServer } from 'node:http';
import { rmSync } from 'node:fs';
import assert from 'node:assert/strict';
import { launch, newPage, assertClean, signIn, DESKTOP } from './lib.mjs';
import citizen from './citizen.mjs';
import draw from './draw.mjs';
import service from './service.mjs';
import backoffice from './backoffice.mjs';
import pages from './pages.mjs';

const steps = { ...citizen, ...draw, ...service, ...backoffice, ...pages };

// The pages among the values of object V.
function pagesOf(v) {
	return Object.values(v).filter((p) => p && typeof p.isClosed === 'function');
}

// What the steps share: the browser, the staff's signed-in pages, and
// what one step keeps for another.
class Shared {
	constructor(browser) {
		this.browser = browser;
		this.fresh = [];
		this.kept = new Map();
		this.staff = new Map();
	}

	// A new page of a context of its own, closed when the step ends unless kept.
	async page(viewport = DESKTOP) {
		const p = await newPage(this.browser, viewport);
		this.fresh.push(p);
		return p;
	}

	async signedIn(who, email) {
		if (!this.staff.has(who)) {
			const p = await newPage(this.browser);
			await signIn(p, email);
			this.staff.set(who, p);
		}
		return this.staff.get(who);
	}

	admin() { return this.signedIn('admin', process.env.PERMIT_ADMIN); }

	reviewer() { return this.signedIn('reviewer', process.env.PERMIT_REVIEWER); }

	// VALUE (its pages left open) for a later step, under KEY.
	keep(key, value) { this.kept.set(key, value); }

	// What was kept under KEY; its pages close when this step ends, unless
	// kept again.
	take(key) {
		assert.ok(this.kept.has(key), `nothing kept as ${key}: its first step did not pass`);
		const v = this.kept.get(key);
		this.kept.delete(key);
		this.fresh.push(...pagesOf(v));
		return v;
	}

	keptPages() {
		return [...this.kept.values()].flatMap(pagesOf);
	}

	async run(name, params) {
		assert.ok(steps[name], `no step ${name}`);
		let failed = null;
		try {
			await steps[name](this, params);
		} catch (err) {
			failed = err;
		}
		const open = new Set([...this.staff.values(), ...this.keptPages()]);
		const touched = [...this.fresh, ...open];
		const closing = this.fresh.filter((p) => !open.has(p));
		this.fresh = [];
		try {
			if (!failed) for (const p of touched) await assertClean(p);
		} finally {
			for (const p of closing) await p.context().close();
			if (failed) for (const p of open) await assertClean(p).catch(() => {});
		}
		if (failed) throw failed;
	}
}

function readBody(req) {
	return new Promise((resolve) => {
		let data = '';
		req.on('data', (c) => { data += c; });
		req.on('end', () => resolve(data));
	});
}

async function serve(socket) {
	const browser = await launch();
	browser.on('disconnected', () => console.log('chromium has gone'));
	const shared = new Shared(browser);
	let queue = Promise.resolve();
	rmSync(socket, { force: true });
	const server = createServer(async (req, res) => {
		const body = await readBody(req);
		if (req.url === '/quit') {
			res.end('bye\n');
			server.close();
			await browser.close();
			return;
		}
		const name = decodeURIComponent(req.url.replace(/^\/step\//, ''));
		// One step at a time, in the order asked.
		queue = queue.then(async () => {
			const started = Date.now();
			try {
				await shared.run(name, body ? JSON.parse(body) : {});
				res.end('ok\n');
				console.log(`${name}: ok in ${Date.now() - started} ms`);
			} catch (err) {
				res.statusCode = 500;
				res.end(`${err.stack || err}\n`);
				console.log(`${name}: failed in ${Date.now() - started} ms\n${err.stack || err}`);
			}
		});
	});
	server.listen(socket);
}

if (process.argv[2] === 'serve') {
	await serve(process.argv[3]);
} else {
	const browser = await launch();
	try {
		await new Shared(browser).run(process.argv[2], JSON.parse(process.argv[3] || '{}'));
	} catch (err) {
		console.error(err);
		process.exitCode = 1;
	} finally {
		await browser.close();
	}
}
