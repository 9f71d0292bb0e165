// Every main page not already photographed by another step, checked as it
// is (axe-core, the phone's width, screenshots), the pages' CSP header,
// and the dictionaries: both languages have the same keys, and every key
// the code or index.html names literally is in them.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { go, register, nextPerson, applyPassport, check, BASE, PHONE } from './lib.mjs';

const WEB = new URL('../../web/', import.meta.url).pathname;

function sources(dir) {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name))
		: e.name.endsWith('.js') || e.name.endsWith('.html') ? [join(dir, e.name)] : []));
}

export default {
	async pages(s) {
		for (const path of ['/', '/js/app.js', '/css/app.css']) {
			const res = await fetch(`${BASE}${path}`);
			assert.equal(res.status, 200, path);
			const csp = res.headers.get('content-security-policy');
			assert.equal(csp, "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'", path);
			assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
		}
		const anon = await s.page(PHONE);
		for (const [hash, key, name] of [['#/', 'home.title', 'home'], ['#/signin', 'auth.signin_title', 'signin'],
			['#/register', 'auth.register_title', 'register'], ['#/offices', 'offices.title', 'offices'],
			['#/nowhere', 'page.not_found', 'not-found']]) {
			await go(anon, hash, key);
			await check(anon, name);
		}
		const c = await s.page();
		await register(c);
		await check(c, 'my-applications-none');
		for (const [hash, key, name] of [['#/applications/new/passport', 'apply.passport_title', 'passport-form'],
			['#/applications/new/travel', 'apply.travel_title', 'travel-form']]) {
			await go(c, hash, key);
			await check(c, name);
		}
		await applyPassport(c, nextPerson());
		await check(c, 'application');
		await go(c, '#/applications', 'mine.title');
		await check(c, 'my-applications');
		await c.click('#lang');
		await c.waitForFunction(() => document.documentElement.lang === 'en');
		await check(c, 'my-applications-en');

		const adm = await s.admin();
		await go(adm, '#/admin/flags', 'admin.flags_title');
		await check(adm, 'admin-flags');
		await go(adm, '#/admin/audit', 'admin.audit_title');
		await check(adm, 'admin-audit-form');
	},

	async dictionaries() {
		const id = (await import(`${WEB}js/lang/id.js`)).default;
		const en = (await import(`${WEB}js/lang/en.js`)).default;
		assert.deepEqual(Object.keys(en).sort(), Object.keys(id).sort(), 'the same keys in id.js and en.js');
		const named = new Set();
		for (const file of sources(WEB)) {
			const src = readFileSync(file, 'utf8');
			for (const m of src.matchAll(/\bt\('([^']+)'|data-i18n(?:-label)?="([^"]+)"/g)) named.add(m[1] || m[2]);
		}
		assert.ok(named.size > 100, `only ${named.size} keys found in the code`);
		assert.deepEqual([...named].filter((k) => !(k in id)), [], 'keys the code names that id.js lacks');
	},
};
