// The browser tests, one scenario per run: `node run.mjs NAME`
// (tests/e2e/browser.bats runs each against the stack it started).
import assert from 'node:assert/strict';
import { launch, newPage, assertClean, go, waitPage, submit, register, signIn, person, fillApplicant,
	applyPassport, applyTravel, assertAccessible, shoot, notifyPayment, mainText, BASE } from './lib.mjs';

const env = process.env;

const scenarios = {
	// (1) the last free slot of a day, the hold, a full day, the payment.
	async booking(browser) {
		const day = env.PERMIT_DAY;
		const a = await newPage(browser);
		await register(a);
		await applyPassport(a, person(0), 'BDG');
		await a.click(`button[data-date="${day}"]`);
		await a.click(`button[data-book="${day}"]`);
		await a.waitForSelector('.billing-code');
		const code = (await a.textContent('.billing-code')).trim();
		assert.match(code, /^[0-9A-F]{32}$/);
		assert.equal(await a.getAttribute('[data-state]', 'data-state'), 'held');
		const text = await mainText(a);
		assert.match(text, /Rp\s?350\.000/);
		assert.match(text, /Ditahan, menunggu pembayaran/);
		const c1 = await a.textContent('.countdown');
		assert.match(c1, /Sisa waktu membayar: \d+:\d\d/);
		await a.waitForFunction((c) => document.querySelector('.countdown').textContent !== c, c1);
		await assertAccessible(a, 'the hold');
		await shoot(a, 'citizen-hold');

		const b = await newPage(browser);
		await register(b);
		await applyPassport(b, person(1), 'BDG');
		const cell = b.locator(`button[data-date="${day}"]`);
		assert.equal(await cell.isDisabled(), true);
		assert.match(await cell.getAttribute('class'), /\bfull\b/);
		assert.match(await cell.textContent(), /Penuh/);
		await go(b, '#/offices', 'offices.title');
		await b.selectOption('[name="office"]', 'BDG');
		await b.waitForSelector(`.cal.full[data-date="${day}"]`);
		await shoot(b, 'calendar');

		await notifyPayment(code, 350000);
		await a.reload();
		await waitPage(a, 'app.title');
		await a.waitForSelector('[data-state="confirmed"]');
		assert.match(await mainText(a), /Terkonfirmasi \(lunas\)/);
		await assertClean(a);
		await assertClean(b);
	},

	// (2) an invalid NIK: the error beside the field, focus there, nothing stored.
	async invalid_nik(browser) {
		const page = await newPage(browser);
		await register(page);
		await go(page, '#/applications/new/passport', 'apply.passport_title');
		await page.selectOption('[name="office"]', 'BDG');
		await fillApplicant(page, { ...person(2), nik: `00${person(2).nik.slice(2)}`, phone: '12345' });
		await submit(page);
		const nik = page.locator('[name="applicant.nik"]');
		await page.waitForSelector('[name="applicant.nik"][aria-invalid="true"]');
		const described = (await nik.getAttribute('aria-describedby')).split(' ');
		const errText = await page.textContent(`#${described[0]}`);
		assert.equal(errText, 'Dua digit pertama bukan kode provinsi yang berlaku.');
		assert.ok(described.length === 2, 'the rule stays described too');
		assert.equal(await page.evaluate(() => document.activeElement.name), 'applicant.nik');
		assert.equal(await page.getAttribute('[name="applicant.phone"]', 'aria-invalid'), 'true');
		assert.equal(await page.getAttribute('[name="applicant.full_name"]', 'aria-invalid'), null);
		await assertAccessible(page, 'the form with errors');
		await shoot(page, 'passport-form-errors');
		const res = await page.request.get(`${BASE}/api/v1/applications`);
		assert.deepEqual((await res.json()).applications, []);
		await assertClean(page);
	},

	// (3) a reviewer opens and approves; the citizen reads it in both languages.
	async review(browser) {
		const c = await newPage(browser);
		await register(c);
		const p = person(3);
		const id = await applyTravel(c, p, 'BDG');
		const r = await newPage(browser);
		await signIn(r, env.PERMIT_REVIEWER);
		await waitPage(r, 'review.title');
		await r.selectOption('[name="status"]', 'submitted');
		await submit(r);
		for (let i = 0; i < 50 && !(await r.locator(`a[href="#/review/${id}"]`).count()); i += 1) {
			await r.waitForSelector('.pager');
			assert.equal(await r.locator('.pager button').nth(1).isDisabled(), false, 'the application is in the queue');
			await r.locator('.pager button').nth(1).click();
			await r.waitForTimeout(200);
		}
		await assertAccessible(r, 'the queue');
		await shoot(r, 'review-queue');
		await r.click(`a[href="#/review/${id}"]`);
		await waitPage(r, 'review.detail_title');
		assert.match(await mainText(r), /dicatat dalam jejak audit/);
		assert.ok(!(await mainText(r)).includes(p.nik), 'identity data only once opened');
		await r.click('main button.primary');
		await r.waitForSelector('.identity');
		assert.ok((await mainText(r)).includes(p.nik));
		await r.selectOption('[name="outcome"]', 'approved');
		await r.fill('[name="reason"]', 'Dokumen lengkap');
		await assertAccessible(r, 'the opened application');
		await shoot(r, 'review-detail');
		await submit(r);
		await r.waitForSelector('main .ok');

		await c.reload();
		await waitPage(c, 'app.title');
		assert.equal(await c.textContent('[data-status]'), 'Disetujui');
		await c.click('#lang');
		await c.waitForFunction(() => document.documentElement.lang === 'en');
		await c.waitForFunction(() => document.querySelector('[data-status]')?.textContent === 'Approved');
		assert.match(await mainText(c), /Dokumen lengkap/);
		await assertClean(c);
		await assertClean(r);
	},

	// (4) read_only with a message: the banner, reads work, a submit is refused.
	async maintenance(browser) {
		const c = await newPage(browser);
		await register(c);
		await applyPassport(c, person(4), 'BDG');
		const adm = await newPage(browser);
		await signIn(adm, env.PERMIT_ADMIN);
		await waitPage(adm, 'admin.maintenance_title');
		const message = 'Kembali pukul 14.00 WIB.';
		await adm.selectOption('[name="mode"]', 'read_only');
		await adm.fill('[name="message"]', message);
		await submit(adm);
		await adm.waitForSelector('main .ok');
		await assertAccessible(adm, 'the service mode');
		await shoot(adm, 'admin-maintenance');

		await go(c, '#/applications', 'mine.title');
		await c.waitForSelector('#banner:not([hidden])');
		assert.match(await c.textContent('#banner'), /Kembali pukul 14\.00 WIB\./);
		assert.equal(await c.locator('main tbody tr').count(), 1);
		await go(c, '#/applications/new/passport', 'apply.passport_title');
		await c.selectOption('[name="office"]', 'BDG');
		await fillApplicant(c, person(5));
		await submit(c);
		await c.waitForSelector('main .alert');
		assert.match(await c.textContent('main .alert'), /pemeliharaan.*Kembali pukul 14\.00 WIB\./);
		await shoot(c, 'citizen-maintenance');

		await adm.selectOption('[name="mode"]', 'normal');
		await adm.fill('[name="message"]', '');
		await submit(adm);
		await adm.waitForSelector('main .ok');
		await go(c, '#/applications', 'mine.title');
		await c.waitForFunction(() => document.getElementById('banner').hidden);
		await assertClean(c);
		await assertClean(adm);
	},

	// (5) two citizens never see each other's data; nothing after sign-out.
	async isolation(browser) {
		const a = await newPage(browser);
		const b = await newPage(browser);
		const emailA = await register(a);
		await register(b);
		const pa = person(6);
		const pb = person(7);
		const idA = await applyPassport(a, pa, 'BDG');
		const idB = await applyPassport(b, pb, 'BDG');
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
		for (const s of stored) for (const v of [pa.full_name, pa.nik, emailA]) assert.ok(!s.includes(v), `nothing personal in ${s}`);
		await assertClean(a);
		await assertClean(b);
	},

	// (6, 7, 8) every main page: axe, the CSP, screenshots at both widths.
	async pages(browser) {
		const res = await fetch(`${BASE}/`);
		const csp = res.headers.get('content-security-policy');
		assert.match(csp, /default-src 'self'/);
		assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
		const anon = await newPage(browser, { width: 360, height: 780 });
		for (const [hash, key, name] of [['#/', 'home.title', 'home'], ['#/signin', 'auth.signin_title', 'signin'],
			['#/register', 'auth.register_title', 'register'], ['#/offices', 'offices.title', 'offices']]) {
			await go(anon, hash, key);
			await assertAccessible(anon, name);
			await shoot(anon, name);
		}
		const c = await newPage(browser);
		await register(c);
		for (const [hash, key, name] of [['#/applications/new/passport', 'apply.passport_title', 'passport-form'],
			['#/applications/new/travel', 'apply.travel_title', 'travel-form']]) {
			await go(c, hash, key);
			await assertAccessible(c, name);
			await shoot(c, name);
		}
		const id = await applyPassport(c, person(8), 'BDG');
		await assertAccessible(c, 'an application with its calendar');
		await shoot(c, 'application');
		await go(c, '#/applications', 'mine.title');
		await assertAccessible(c, 'my applications');
		await shoot(c, 'my-applications');
		await c.click('#lang');
		await c.waitForFunction(() => document.documentElement.lang === 'en');
		await assertAccessible(c, 'my applications in English');

		const adm = await newPage(browser);
		await signIn(adm, env.PERMIT_ADMIN);
		for (const [hash, key, name] of [['#/admin/flags', 'admin.flags_title', 'admin-flags'],
			['#/admin/offices', 'admin.offices_title', 'admin-offices'], ['#/admin/staff', 'admin.staff_title', 'admin-staff'],
			['#/admin/audit', 'admin.audit_title', 'admin-audit']]) {
			await go(adm, hash, key);
			await assertAccessible(adm, name);
			if (name === 'admin-audit') {
				await adm.fill('[name="application"]', id);
				await submit(adm);
				await adm.waitForSelector('main form + div > *');
			}
			await shoot(adm, name);
		}
		for (const p of [anon, c, adm]) await assertClean(p);
	},
};

const name = process.argv[2];
if (!scenarios[name]) {
	console.error(`no scenario ${name}`);
	process.exit(2);
}
const browser = await launch();
try {
	await scenarios[name](browser);
} catch (err) {
	console.error(err);
	process.exitCode = 1;
} finally {
	await browser.close();
}
