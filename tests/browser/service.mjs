// What a citizen is told when the service cannot serve: the maintenance
// banner and message, 429 with when to try again, and 503 unavailable while
// the database is down (browser.bats stops and starts it between steps).
import assert from 'node:assert/strict';
import { go, submit, register, nextPerson, fillPassport, citizenWithApplication, book, button, application,
	check, text, waitPage, DAYS } from './lib.mjs';

// The clock time SECONDS from now where the tests' browser is (Asia/Jakarta),
// as the pages write it in Indonesian: HH.MM.
function clockIn(seconds) {
	return new Intl.DateTimeFormat('id-ID', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Jakarta' })
		.format(new Date(Date.now() + seconds * 1000));
}

// Whether the clock time AT is SECONDS from now, give or take a minute.
function isAbout(at, seconds) {
	return [-60, 0, 60].some((d) => clockIn(seconds + d) === at);
}

export default {
	// read_only with a message: the banner, reads work, a submit is refused
	// with the message; normal again, the banner goes.
	async maintenance(s) {
		const c = await citizenWithApplication(s);
		const adm = await s.admin();
		await go(adm, '#/admin', 'admin.maintenance_title');
		const message = 'Kembali pukul 14.00 WIB.';
		await adm.selectOption('[name="mode"]', 'read_only');
		await adm.fill('[name="message"]', message);
		await submit(adm);
		await adm.waitForSelector('main .ok');
		await check(adm, 'admin-maintenance');

		await go(c.page, '#/applications', 'mine.title');
		await c.page.waitForSelector('#banner:not([hidden])');
		assert.match(await text(c.page, '#banner'), /Kembali pukul 14\.00 WIB\./);
		assert.equal(await c.page.locator('main tbody tr').count(), 1);
		await fillPassport(c.page, nextPerson());
		await submit(c.page);
		await c.page.waitForSelector('main .alert');
		assert.match(await text(c.page, 'main .alert'), /pemeliharaan.*Kembali pukul 14\.00 WIB\./);
		await check(c.page, 'citizen-maintenance');

		await go(adm, '#/admin', 'admin.maintenance_title');
		await adm.selectOption('[name="mode"]', 'normal');
		await adm.fill('[name="message"]', '');
		await submit(adm);
		await adm.waitForSelector('main .ok');
		await go(c.page, '#/applications', 'mine.title');
		await c.page.waitForFunction(() => document.getElementById('banner').hidden);
	},

	// Over limit_bookings (2 an hour in browser.bats): booked, given back,
	// and the third try is told in how many minutes, and at what time, it
	// may try again, as Retry-After says; nothing is booked.
	async rate_limited(s) {
		const { page, id } = await citizenWithApplication(s);
		assert.equal((await book(page, DAYS.free)).status(), 201);
		await button(page, 'Lepaskan hari ini').click();
		await button(page, 'Ya, lepaskan').click();
		await page.waitForSelector('#book-h');

		const r = await book(page, DAYS.free);
		assert.equal(r.status(), 429);
		const retry = Number(r.headers()['retry-after']);
		const said = await text(page, 'main .slot .alert');
		const m = said.match(/^Terlalu banyak percobaan\. Anda dapat mencoba lagi dalam (\d+) menit \(pukul (\d\d\.\d\d)\)\.$/);
		assert.ok(m, said);
		assert.equal(Number(m[1]), Math.ceil(retry / 60), `Retry-After ${retry} s`);
		assert.ok(isAbout(m[2], retry), `${m[2]} is not ${retry} s from now`);
		assert.ok(await page.evaluate(() => document.activeElement.classList.contains('slot')), 'focus on the message');
		assert.equal((await application(page, id)).booking, null);
		await check(page, 'citizen-rate-limited');
	},

	// A citizen's form filled in, before the database stops.
	async unavailable_ready(s) {
		const page = await s.page();
		await register(page);
		const p = nextPerson();
		await fillPassport(page, p);
		s.keep('unavailable', { page, nik: p.nik });
	},

	// The database stopped: the submit is told the service is unavailable
	// and when to try again (Retry-After), the banner says so, and the form
	// keeps what was typed.
	async unavailable_refused(s) {
		const kept = s.take('unavailable');
		const { page } = kept;
		const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/applications') && r.request().method() === 'POST');
		await submit(page);
		const r = await answer;
		assert.equal(r.status(), 503);
		assert.equal((await r.json()).error.code, 'unavailable');
		const retry = Number(r.headers()['retry-after']);
		await page.waitForSelector('main .slot .alert');
		const said = await text(page, 'main .slot .alert');
		const m = said.match(/^Layanan sementara tidak tersedia\. Silakan coba lagi dalam (\d+) detik \(pukul (\d\d\.\d\d)\)\.$/);
		assert.ok(m, said);
		assert.equal(Number(m[1]), retry);
		assert.ok(isAbout(m[2], retry));
		await page.waitForSelector('#banner:not([hidden])');
		assert.equal(await text(page, '#banner'), 'Layanan tidak dapat dihubungi saat ini.');
		assert.equal(await page.inputValue('[name="applicant.nik"]'), kept.nik);
		await check(page, 'citizen-unavailable');
		s.keep('unavailable', kept);
	},

	// The database back: the same form goes through, and the banner goes.
	async unavailable_back(s) {
		const { page } = s.take('unavailable');
		await submit(page);
		await waitPage(page, 'app.title');
		await page.waitForFunction(() => document.getElementById('banner').hidden);
		assert.equal(await text(page, '[data-status]'), 'Terkirim');
	},
};
