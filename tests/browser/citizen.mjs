// The citizen's pages in Chromium: booking and paying, a day that filled
// meanwhile, giving a day back, cancelling, the field errors of a 422, and
// two citizens who never see each other's data.
import assert from 'node:assert/strict';
import { go, waitPage, submit, register, nextPerson, fillPassport, applyPassport, citizenWithApplication,
	book, button, application, officeDay, announced, check, notifyPayment, mainText, text, reload, DAYS, BASE } from './lib.mjs';

export default {
	// A day's last place: one citizen books it and sees the hold; another,
	// who had chosen the same day, is told it is full when confirming and
	// sees it full; paid, the first reads it confirmed.
	async booking(s) {
		const day = DAYS.last_place;
		const a = await citizenWithApplication(s);
		const b = await citizenWithApplication(s);
		await b.page.click(`button[data-date="${day}"]`);
		assert.match(await text(b.page, `button[data-date="${day}"] .cal-state`), /^sisa 1 dari 1$/);

		const r = await book(a.page, day);
		assert.equal(r.status(), 201);
		const code = await text(a.page, '.billing-code');
		assert.match(code, /^[0-9A-F]{32}$/);
		assert.equal(await a.page.getAttribute('[data-state]', 'data-state'), 'held');
		const all = await mainText(a.page);
		assert.match(all, /Rp\s?350\.000/);
		assert.match(all, /Ditahan, menunggu pembayaran/);
		const c1 = await text(a.page, '.countdown');
		assert.match(c1, /^Sisa waktu membayar: (\d+:)?\d+:\d\d$/);
		await a.page.waitForFunction((c) => document.querySelector('.countdown').textContent !== c, c1);
		await check(a.page, 'citizen-hold');

		const answer = b.page.waitForResponse((x) => x.url().endsWith('/booking'));
		await b.page.click(`button[data-book="${day}"]`);
		assert.equal((await answer).status(), 409);
		await b.page.waitForSelector('main .slot .alert');
		assert.equal(await text(b.page, 'main .slot .alert'), 'Hari itu sudah penuh. Pilih hari lain.');
		await b.page.waitForSelector(`.cal.full[data-date="${day}"]`);
		assert.match(await text(b.page, `button[data-date="${day}"] .cal-state`), /^Penuh$/);
		assert.equal(await b.page.locator(`button[data-date="${day}"]`).isDisabled(), true);
		assert.equal((await application(b.page, b.id)).booking, null);
		await check(b.page, 'citizen-day-full');
		await go(b.page, '#/offices', 'offices.title');
		await b.page.selectOption('[name="office"]', 'BDG');
		await b.page.waitForSelector(`.cal.full[data-date="${day}"]`);
		await check(b.page, 'calendar');

		await notifyPayment(code, 350000);
		await reload(a.page, 'app.title');
		await a.page.waitForSelector('[data-state="confirmed"]');
		assert.match(await mainText(a.page), /Terkonfirmasi \(lunas\)/);
		assert.equal(await a.page.locator('.countdown').count(), 0);
		await check(a.page, 'citizen-confirmed');
	},

	// A hold given back, after a question that can be turned down.
	async unbook(s) {
		const day = DAYS.free;
		const { page, id } = await citizenWithApplication(s);
		const before = (await officeDay(day)).remaining;
		assert.equal((await book(page, day)).status(), 201);
		assert.equal((await officeDay(day)).remaining, before - 1);

		await button(page, 'Lepaskan hari ini').click();
		const question = page.getByRole('group', { name: 'Lepaskan hari ini? Orang lain dapat mengambilnya.' });
		await question.waitFor();
		assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Ya, lepaskan');
		await check(page, 'citizen-unbook-question');
		await button(page, 'Kembali').click();
		await question.waitFor({ state: 'detached' });
		assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Lepaskan hari ini');
		assert.equal((await application(page, id)).booking.state, 'held');

		await button(page, 'Lepaskan hari ini').click();
		await button(page, 'Ya, lepaskan').click();
		await announced(page, 'Hari ini sudah dilepas.');
		await page.waitForSelector('#book-h');
		assert.equal(await page.locator('.billing-code').count(), 0);
		assert.equal(await text(page, '[data-status]'), 'Terkirim');
		assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
		const a = await application(page, id);
		assert.equal(a.status, 'submitted');
		assert.equal(a.booking, null);
		assert.equal((await officeDay(day)).remaining, before);
	},

	// An application cancelled, after its question: its hold is given
	// back, and nothing more is offered for it.
	async cancel(s) {
		const day = DAYS.free;
		const { page, id } = await citizenWithApplication(s);
		const before = (await officeDay(day)).remaining;
		assert.equal((await book(page, day)).status(), 201);

		await button(page, 'Batalkan permohonan ini').click();
		await page.getByRole('group', { name: 'Batalkan permohonan ini? Ini tidak dapat diurungkan.' }).waitFor();
		await check(page, 'citizen-cancel-question');
		await button(page, 'Ya, batalkan').click();
		await announced(page, 'Permohonan sudah dibatalkan.');
		await page.waitForFunction(() => document.querySelector('[data-status]')?.dataset.status === 'cancelled');
		assert.equal(await text(page, '[data-status]'), 'Dibatalkan');
		for (const gone of ['.billing-code', '#book-h', '#cancel-h', '.calendar']) {
			assert.equal(await page.locator(gone).count(), 0, `${gone} after cancelling`);
		}
		const a = await application(page, id);
		assert.equal(a.status, 'cancelled');
		assert.equal(a.booking, null);
		assert.equal((await officeDay(day)).remaining, before);
		await check(page, 'citizen-cancelled');
		await go(page, '#/applications', 'mine.title');
		assert.equal(await text(page, 'main tbody .status'), 'Dibatalkan');
	},

	// An invalid NIK: the error beside the field, focus there, nothing stored.
	async invalid_nik(s) {
		const page = await s.page();
		await register(page);
		const p = nextPerson();
		await fillPassport(page, { ...p, nik: `00${p.nik.slice(2)}`, phone: '12345' });
		await submit(page);
		const nik = page.locator('[name="applicant.nik"]');
		await page.waitForSelector('[name="applicant.nik"][aria-invalid="true"]');
		const described = (await nik.getAttribute('aria-describedby')).split(' ');
		assert.equal(await page.textContent(`#${described[0]}`), 'Dua digit pertama bukan kode provinsi yang berlaku.');
		assert.ok(described.length === 2, 'the rule stays described too');
		assert.equal(await page.evaluate(() => document.activeElement.name), 'applicant.nik');
		assert.equal(await page.getAttribute('[name="applicant.phone"]', 'aria-invalid'), 'true');
		assert.equal(await page.getAttribute('[name="applicant.full_name"]', 'aria-invalid'), null);
		await announced(page, '2 kolom perlu diperbaiki; kolom pertama sudah difokuskan.');
		await check(page, 'passport-form-errors');
		const res = await page.request.get(`${BASE}/api/v1/applications`);
		assert.deepEqual((await res.json()).applications, []);
	},

	// Two citizens never see each other's data; nothing after sign-out.
	async isolation(s) {
		const a = await s.page();
		const b = await s.page();
		const emailA = await register(a);
		await register(b);
		const pa = nextPerson();
		const pb = nextPerson();
		const idA = await applyPassport(a, pa);
		const idB = await applyPassport(b, pb);
		assert.ok((await mainText(a)).includes(pa.full_name));
		for (const [page, other] of [[a, pb], [b, pa]]) {
			await go(page, '#/applications', 'mine.title');
			assert.equal(await page.locator('main tbody tr').count(), 1);
			assert.ok(!(await mainText(page)).includes(other.full_name));
		}
		await go(a, `#/applications/${idB}`, 'page.error');
		assert.ok(!(await mainText(a)).includes(pb.full_name) && !(await mainText(a)).includes(pb.nik));
		await go(a, `#/applications/${idA}`, 'app.title');
		assert.ok((await mainText(a)).includes(pa.nik));
		await a.click('#signout');
		await waitPage(a, 'auth.signin_title');
		await a.goBack();
		await a.waitForFunction(() => document.querySelector('main').dataset.page === 'auth.signin_title');
		const after = await a.content();
		for (const v of [pa.full_name, pa.nik, pa.mother_name, emailA]) assert.ok(!after.includes(v), 'nothing personal after sign-out');
		const stored = await a.evaluate(() => [JSON.stringify(localStorage), JSON.stringify(sessionStorage), location.href, document.title]);
		for (const x of stored) for (const v of [pa.full_name, pa.nik, emailA]) assert.ok(!x.includes(v), `nothing personal in ${x}`);
	},
};
