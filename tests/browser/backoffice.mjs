// The back office in Chromium: a reviewer's queue, opening and deciding;
// the admin's block and unblock (each asked first), an office's quota, a
// day's capacity, closure and opening, a new staff account, and an
// application's audit trail. The admin and the reviewer are signed in once
// for every step (run.mjs).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { go, waitPage, submit, nextPerson, applyTravel, citizenWithApplication, register, button, application,
	officeDay, announced, check, mainText, text, reload, DAYS, BASE, PASSWORD } from './lib.mjs';

// The admin's page of quotas and days, BDG chosen.
async function officesPage(s) {
	const adm = await s.admin();
	await go(adm, '#/admin/offices', 'admin.offices_title');
	await adm.selectOption('main [name="office"]', 'BDG');
	await adm.waitForSelector('.office-calendar .calendar');
	return adm;
}

// The short state of DATE in the admin's calendar, once it reads WANT.
async function cellReads(adm, date, want) {
	const sel = `.office-calendar [data-date="${date}"] .cal-state`;
	await adm.waitForFunction(([q, w]) => document.querySelector(q)?.textContent === w, [sel, want]);
}

// Saves the day form for DATE with the selects and inputs of SET.
async function saveDay(adm, date, set) {
	await adm.fill('[name="date"]', date);
	for (const [name, v] of Object.entries(set)) {
		if (name.endsWith('_choice') || name === 'closed') await adm.selectOption(`[name="${name}"]`, v);
		else await adm.fill(`[name="${name}"]`, v);
	}
	await button(adm, 'Simpan hari').click();
}

// The saved day's sentence in the day form.
async function daySaid(adm) {
	await adm.waitForSelector('section[aria-labelledby="day-h"] .ok');
	return text(adm, 'section[aria-labelledby="day-h"] .ok');
}

// A 'YYYY-MM-DDTHH:MM' of datetime-local, DAYS_AHEAD days from now at
// 08:00 in the browser's zone (Asia/Jakarta).
function localMorning(daysAhead) {
	const d = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(Date.now() + daysAhead * 86400000));
	return `${d}T08:00`;
}

// Does ACTION on the reviewer's queue and returns the ids of the
// applications it shows once the page has rendered anew (its heading
// replaced), checking that the caption names page PAGE.
async function queueAfter(r, page, action) {
	const heading = await r.$('main h1');
	await action();
	await r.waitForFunction((h) => !h.isConnected, heading);
	assert.match(await text(r, 'main .caption'), new RegExp(`halaman ${page}$`));
	return r.locator('main tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href').split('/').pop()));
}

// The flags' row of ACCOUNT (its one open flag).
function flagRow(adm, account) {
	return adm.locator('main tbody tr', { has: adm.locator(`button[data-account="${account}"]`) });
}

export default {
	// A reviewer opens and approves; the citizen reads it in both languages.
	async review(s) {
		const c = await s.page();
		await register(c);
		const p = nextPerson();
		const id = await applyTravel(c, p);
		const r = await s.reviewer();
		await go(r, '#/review', 'review.title');
		await r.selectOption('[name="status"]', 'submitted');
		let shown = await queueAfter(r, 1, () => submit(r));
		for (let page = 2; !shown.includes(id); page += 1) {
			assert.ok(page <= 50 && !(await button(r, 'Halaman berikutnya').isDisabled()), 'the application is in the queue');
			shown = await queueAfter(r, page, () => button(r, 'Halaman berikutnya').click());
		}
		await check(r, 'review-queue');
		await r.click(`a[href="#/review/${id}"]`);
		await waitPage(r, 'review.detail_title');
		assert.match(await mainText(r), /dicatat dalam jejak audit/);
		assert.ok(!(await mainText(r)).includes(p.nik), 'identity data only once opened');
		await r.click('main button.primary');
		await r.waitForSelector('.identity');
		assert.ok((await mainText(r)).includes(p.nik));
		await r.selectOption('[name="outcome"]', 'approved');
		await r.fill('[name="reason"]', 'Dokumen lengkap');
		await check(r, 'review-detail');
		await submit(r);
		await r.waitForSelector('main .ok');

		await reload(c, 'app.title');
		assert.equal(await c.textContent('[data-status]'), 'Disetujui');
		await c.click('#lang');
		await c.waitForFunction(() => document.documentElement.lang === 'en');
		await c.waitForFunction(() => document.querySelector('[data-status]')?.textContent === 'Approved');
		assert.match(await mainText(c), /Dokumen lengkap/);
	},

	// The queue filtered by status, 20 a page: the next page holds others,
	// the previous one the same again; filtered by day, only that day's
	// appointment (browser.bats booked one, and filed 21 more applications).
	async queue(s) {
		const r = await s.reviewer();
		await go(r, '#/review', 'review.title');
		await r.selectOption('[name="status"]', 'submitted');
		const first = await queueAfter(r, 1, () => submit(r));
		assert.equal(first.length, 20);
		assert.equal(await button(r, 'Halaman sebelumnya').isDisabled(), true);
		for (const status of await r.locator('main tbody td:nth-child(2)').allTextContents()) assert.equal(status, 'Terkirim');
		const second = await queueAfter(r, 2, () => button(r, 'Halaman berikutnya').click());
		assert.ok(second.length >= 1);
		assert.deepEqual(second.filter((id) => first.includes(id)), []);
		assert.deepEqual(await queueAfter(r, 1, () => button(r, 'Halaman sebelumnya').click()), first);

		await r.selectOption('[name="status"]', '');
		await r.fill('[name="date"]', DAYS.queue);
		assert.equal((await queueAfter(r, 1, () => submit(r))).length, 1);
		const row = await r.locator('main tbody tr td').allTextContents();
		assert.equal(row[2], new Intl.DateTimeFormat('id-ID', { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.parse(DAYS.queue)));
		assert.equal(await button(r, 'Halaman berikutnya').isDisabled(), true);
		await check(r, 'review-queue-day');
	},

	// Block asked first, from the flag's row: going back blocks nothing
	// (browser.bats checks the account's session afterwards) and gives
	// focus back to the row's button.
	async block_back(s, { account }) {
		const adm = await s.admin();
		await go(adm, '#/admin/flags', 'admin.flags_title');
		await adm.click(`button[data-verb="block"][data-account="${account}"]`);
		const question = adm.getByRole('group', { name: `Blokir akun ${account}? Sesinya berakhir, pemesanannya dilepas, dan permohonan aktifnya dibatalkan.` });
		await question.waitFor();
		assert.equal(await adm.evaluate(() => document.activeElement.name), 'reason');
		await check(adm, 'admin-block-question');
		await button(adm, 'Kembali').click();
		await question.waitFor({ state: 'detached' });
		assert.deepEqual(await adm.evaluate(() => [document.activeElement.dataset.verb, document.activeElement.dataset.account]),
			['block', account]);
	},

	// Block, confirmed: a reason is required (shown beside its field), then
	// the account is blocked, the page says what that released, and the
	// flag's row shows the block (since when, by ADMIN, why) and offers
	// unblock instead of block.
	async block(s, { account, admin }) {
		const adm = await s.admin();
		await go(adm, '#/admin/flags', 'admin.flags_title');
		await adm.click(`button[data-verb="block"][data-account="${account}"]`);
		await button(adm, 'Ya, blokir').click();
		await adm.waitForSelector('[name="reason"][aria-invalid="true"]');
		const described = (await adm.getAttribute('[name="reason"]', 'aria-describedby')).split(' ');
		assert.equal(await text(adm, `#${described[0]}`), 'Wajib diisi.');
		assert.equal(await adm.evaluate(() => document.activeElement.name), 'reason');
		await adm.fill('[name="reason"]', 'Pemesanan berulang tanpa pembayaran');
		await button(adm, 'Ya, blokir').click();
		const said = 'Diblokir: 1 pemesanan dilepas, 1 sesi diakhiri, 1 permohonan dibatalkan.';
		await adm.waitForSelector('main .slot .ok');
		assert.equal(await text(adm, 'main .slot .ok'), said);
		await announced(adm, said);
		const row = flagRow(adm, account);
		assert.match(await row.locator('.block-state strong').textContent(), /^Diblokir sejak \S/);
		assert.equal(await row.locator('.block-state code').textContent(), admin);
		assert.equal(await row.locator('.block-state .block-reason').textContent(), 'Pemesanan berulang tanpa pembayaran');
		assert.deepEqual(await row.locator('button').evaluateAll((bs) => bs.map((b) => b.dataset.verb)), ['unblock']);
		await check(adm, 'admin-blocked');
	},

	// Unblock by the account's id, asked first and confirmed: the flag's row
	// says it is not blocked and offers block again.
	async unblock(s, { account }) {
		const adm = await s.admin();
		await go(adm, '#/admin/flags', 'admin.flags_title');
		await adm.fill('[name="account"]', account);
		await adm.click('main .form button[data-verb="unblock"]');
		await adm.getByRole('group', { name: `Buka blokir akun ${account}? Akun dapat masuk lagi.` }).waitFor();
		await adm.fill('[name="reason"]', 'Sudah diperiksa di kantor');
		await button(adm, 'Ya, buka blokir').click();
		await adm.waitForSelector('main .slot .ok');
		assert.equal(await text(adm, 'main .slot .ok'), 'Blokir dibuka: akun dapat masuk lagi.');
		const row = flagRow(adm, account);
		assert.equal(await row.locator('.block-state').count(), 0);
		assert.match(await row.textContent(), /Tidak diblokir/);
		assert.deepEqual(await row.locator('button').evaluateAll((bs) => bs.map((b) => b.dataset.verb)), ['block']);
	},

	// BDG's daily quota saved: the days without their own capacity follow,
	// and the field keeps the new value; then put back.
	async quota(s) {
		const adm = await officesPage(s);
		const day = DAYS.quota;
		assert.equal(await adm.inputValue('[name="daily_quota"]'), '200');
		await cellReads(adm, day, 'sisa 200 dari 200');
		for (const n of [150, 200]) {
			await adm.fill('[name="daily_quota"]', String(n));
			await button(adm, 'Simpan kuota').click();
			await adm.waitForFunction((w) => document.querySelector('section[aria-labelledby="quota-h"] .ok')?.textContent === w,
				`Kuota harian sekarang ${n}.`);
			await cellReads(adm, day, `sisa ${n} dari ${n}`);
			assert.equal(await adm.inputValue('[name="daily_quota"]'), String(n));
			assert.equal((await officeDay(day)).capacity, n);
			if (n === 150) await check(adm, 'admin-offices');
		}
	},

	// A day's own capacity saved; "set" without a number is refused beside
	// the field before anything is sent.
	async day_capacity(s) {
		const adm = await officesPage(s);
		const day = DAYS.capacity;
		await saveDay(adm, day, { capacity_choice: 'set' });
		await adm.waitForSelector('[name="capacity"][aria-invalid="true"]');
		assert.equal(await adm.evaluate(() => document.activeElement.name), 'capacity');
		assert.equal((await officeDay(day)).capacity, 200);
		await adm.fill('[name="capacity"]', '7');
		await button(adm, 'Simpan hari').click();
		assert.match(await daySaid(adm), /: kapasitas 7, sisa 7\.$/);
		await cellReads(adm, day, 'sisa 7 dari 7');
		assert.equal((await officeDay(day)).capacity, 7);
	},

	// A day closed: the calendar says so.
	async day_closed(s) {
		const adm = await officesPage(s);
		const day = DAYS.closed;
		await saveDay(adm, day, { closed: 'true' });
		assert.match(await daySaid(adm), /: kapasitas \d+, sisa \d+\. Kantor tutup pada hari itu\.$/);
		await cellReads(adm, day, 'Tutup');
		assert.equal((await officeDay(day)).closed, true);
	},

	// A day's opening set ten days ahead: the calendar marks it not open
	// yet, and a citizen who had chosen it is told when it opens.
	async day_opening(s) {
		const day = DAYS.opening;
		const c = await citizenWithApplication(s);
		await c.page.click(`button[data-date="${day}"]`);
		const adm = await officesPage(s);
		await saveDay(adm, day, { opens_at_choice: 'set', opens_at: localMorning(10) });
		const said = await daySaid(adm);
		const at = said.match(/ Pemesanan dibuka (.+)\.$/)[1];
		const short = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Jakarta' })
			.format(Date.parse(`${localMorning(10)}:00+07:00`));
		await cellReads(adm, day, `Dibuka ${short}`);
		await check(adm, 'admin-day-opening');

		const answer = c.page.waitForResponse((r) => r.url().endsWith('/booking'));
		await c.page.click(`button[data-book="${day}"]`);
		assert.equal((await answer).status(), 422);
		await c.page.waitForSelector('main .slot .alert');
		assert.equal(await text(c.page, 'main .slot .alert'), `Pemesanan untuk hari ini dibuka ${at}.`);
		const cell = c.page.locator(`button[data-date="${day}"]`);
		assert.match(await cell.getAttribute('class'), /\bnot-open\b/);
		assert.equal(await text(c.page, `button[data-date="${day}"] .cal-state`), `Dibuka ${short}`);
		assert.equal(await cell.isDisabled(), true);
		assert.equal((await application(c.page, c.id)).booking, null);
		assert.equal(Date.parse((await officeDay(day)).opens_at), Date.parse(`${localMorning(10)}:00+07:00`));
	},

	// A reviewer's account made by the admin, which then signs in.
	async staff(s) {
		const adm = await s.admin();
		await go(adm, '#/admin/staff', 'admin.staff_title');
		const email = `staff.${randomUUID().slice(0, 12)}@example.test`;
		await adm.fill('[name="email"]', email);
		await adm.fill('[name="password"]', PASSWORD);
		await adm.selectOption('[name="role"]', 'reviewer');
		await adm.selectOption('[name="office"]', 'BDG');
		await submit(adm);
		await adm.waitForSelector('main .ok');
		assert.equal(await text(adm, 'main .ok'), `Akun ${email} sudah dibuat (Pemeriksa).`);
		await check(adm, 'admin-staff');
		const res = await fetch(`${BASE}/api/v1/sessions`, {
			method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
		});
		assert.equal(res.status, 201);
		const { account } = await res.json();
		assert.deepEqual([account.role, account.office], ['reviewer', 'BDG']);
	},

	// An application opened and decided by the reviewer: the admin reads
	// both, in order, with who did them.
	async audit(s) {
		const c = await s.page();
		await register(c);
		const id = await applyTravel(c, nextPerson());
		const r = await s.reviewer();
		await go(r, `#/review/${id}`, 'review.detail_title');
		await button(r, 'Buka permohonan (dicatat)').click();
		await r.waitForSelector('.identity');
		await r.selectOption('[name="outcome"]', 'rejected');
		await r.fill('[name="reason"]', 'Foto tidak jelas');
		await submit(r);
		await r.waitForSelector('main .ok');
		const reviewer = (await (await r.request.get(`${BASE}/api/v1/me`)).json()).account.id;
		assert.equal((await application(c, id)).status, 'rejected');

		const adm = await s.admin();
		await go(adm, '#/admin/audit', 'admin.audit_title');
		await adm.fill('[name="application"]', id);
		await button(adm, 'Tampilkan jejak').click();
		await adm.waitForSelector('.audit-trail tbody tr');
		const rows = await adm.locator('.audit-trail tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
		assert.deepEqual(rows.map((x) => x.slice(1)), [
			[reviewer, 'Dibuka oleh pemeriksa (data identitas dibaca)'],
			[reviewer, 'Diputuskan oleh pemeriksa'],
		]);
		await check(adm, 'admin-audit');
	},
};
