// Helpers for the browser tests: Debian's Chromium driven by playwright-core
// (never a downloaded browser), every page watched for CSP violations,
// page errors and missing strings, axe-core checks and screenshots.
import { chromium } from 'playwright-core';
import axe from 'axe-core';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

export const BASE = process.env.PERMIT_URL;
export const PASSWORD = 'correct horse battery';
const ARTIFACTS = process.env.PERMIT_ARTIFACTS;
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 780 };

// The days browser.bats set aside at BDG, by what they are for.
export const DAYS = JSON.parse(process.env.PERMIT_DAYS || '{}');

export function launch() {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
}

// A fresh context (its own cookies) and page, watched.
export async function newPage(browser, viewport = DESKTOP) {
	const context = await browser.newContext({ viewport, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
	context.setDefaultTimeout(15000);
	await context.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
	});
	const page = await context.newPage();
	page.problems = [];
	page.on('console', (m) => {
		if (/Content Security Policy|i18n: missing/.test(m.text())) page.problems.push(m.text());
		else if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) page.problems.push(m.text());
	});
	page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
	page.on('crash', () => page.problems.push('the page crashed'));
	return page;
}

// No CSP violation, page error or missing string since the last check.
export async function assertClean(page) {
	const csp = page.isClosed() ? [] : await page.evaluate(() => (window.__csp || []).splice(0));
	const found = [...page.problems.splice(0), ...csp];
	assert.deepEqual(found, [], 'CSP violations, page errors or missing strings');
}

// Opens HASH afresh (the document loaded anew, as when typed into the
// address bar, even when the page is there already) and waits until the
// page titled by PAGE_KEY has rendered.
export async function go(page, hash, pageKey) {
	await page.goto('about:blank');
	await page.goto(`${BASE}/${hash}`);
	await page.waitForSelector('body[data-ready="true"]');
	if (pageKey) await waitPage(page, pageKey);
}

export async function waitPage(page, key) {
	await page.waitForSelector(`main[data-page="${key}"]`);
}

// Reloads the page and waits for the page titled by KEY.
export async function reload(page, key) {
	await page.reload();
	await page.waitForSelector('body[data-ready="true"]');
	await waitPage(page, key);
}

export async function submit(page) {
	await page.click('main form button[type="submit"]');
}

export async function register(page, email = `web.${randomUUID().slice(0, 12)}@example.test`) {
	await go(page, '#/register', 'auth.register_title');
	await page.fill('[name="email"]', email);
	await page.fill('[name="password"]', PASSWORD);
	await submit(page);
	await waitPage(page, 'mine.title');
	return email;
}

export async function signIn(page, email) {
	await go(page, '#/signin', 'auth.signin_title');
	await page.fill('[name="email"]', email);
	await page.fill('[name="password"]', PASSWORD);
	await submit(page);
	await page.waitForFunction(() => !['auth.signin_title', undefined].includes(document.querySelector('main').dataset.page));
}

// The people bats made (tests/e2e/citizen.bash person_new), each handed out
// once: no two applications of the run share a NIK.
const people = JSON.parse(readFileSync(process.env.PERMIT_PEOPLE, 'utf8'));
let given = 0;
export function nextPerson() {
	assert.ok(given < people.length, 'browser.bats made too few people');
	return people[given++];
}

export async function fillApplicant(page, p) {
	for (const [k, v] of Object.entries(p)) {
		const sel = `[name="applicant.${k}"]`;
		if (k === 'sex') await page.selectOption(sel, v);
		else await page.fill(sel, v);
	}
}

// The passport form opened and filled in for person P at OFFICE, not sent.
export async function fillPassport(page, p, office = 'BDG') {
	await go(page, '#/applications/new/passport', 'apply.passport_title');
	await page.selectOption('[name="office"]', office);
	await fillApplicant(page, p);
}

// Applies for a passport at OFFICE through the form; returns the id.
export async function applyPassport(page, p, office = 'BDG') {
	await fillPassport(page, p, office);
	await submit(page);
	await waitPage(page, 'app.title');
	return page.url().split('#/applications/')[1];
}

export async function applyTravel(page, p, office = 'BDG') {
	await go(page, '#/applications/new/travel', 'apply.travel_title');
	await page.selectOption('[name="office"]', office);
	await fillApplicant(page, p);
	const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
	await page.fill('[name="travel.origin"]', 'Jakarta');
	await page.fill('[name="travel.destination"]', 'Kuala Lumpur');
	await page.fill('[name="travel.depart_on"]', day(30));
	await page.fill('[name="travel.return_on"]', day(40));
	await page.fill('[name="travel.purpose"]', 'Mengunjungi keluarga');
	await submit(page);
	await waitPage(page, 'app.title');
	return page.url().split('#/applications/')[1];
}

// A citizen with a passport application at BDG, on its page. Registered,
// signed in and applied through the API (in the page's context, so the
// session cookie is the page's): the steps that test those forms use them,
// the others start from here.
export async function citizenWithApplication(s) {
	const page = await s.page();
	const credentials = { email: `web.${randomUUID().slice(0, 12)}@example.test`, password: PASSWORD };
	assert.equal((await page.request.post(`${BASE}/api/v1/accounts`, { data: credentials })).status(), 201);
	const signin = await page.request.post(`${BASE}/api/v1/sessions`, { data: credentials });
	assert.equal(signin.status(), 201);
	const created = await page.request.post(`${BASE}/api/v1/applications`, {
		headers: { 'X-CSRF-Token': (await signin.json()).csrf_token },
		data: { kind: 'passport', office: 'BDG', applicant: nextPerson(), passport: { type: 'new' } },
	});
	assert.equal(created.status(), 201, await created.text());
	const { id } = (await created.json()).application;
	await go(page, `#/applications/${id}`, 'app.title');
	await page.waitForSelector('main .calendar');
	return { page, id };
}

// On an application's page: chooses DATE in the calendar and asks to book
// it; returns once the answer has been shown (the page renders anew after
// a booking or an entry, an alert tells a refusal).
export async function book(page, date) {
	await page.click(`button[data-date="${date}"]`);
	const response = page.waitForResponse((r) => r.url().endsWith('/booking') && r.request().method() === 'POST');
	await page.click(`button[data-book="${date}"]`);
	const r = await response;
	if (r.ok()) await page.waitForSelector('main :is(.billing-code, .entry-state)');
	else await page.waitForSelector('main .slot .alert');
	return r;
}

// The button whose accessible name is NAME.
export function button(page, name) {
	return page.getByRole('button', { name, exact: true });
}

// The application ID as its owner's API reads it now.
export async function application(page, id) {
	const res = await page.request.get(`${BASE}/api/v1/applications/${id}`);
	assert.equal(res.status(), 200);
	return (await res.json()).application;
}

// The day DATE of OFFICE as GET /days tells anyone.
export async function officeDay(date, office = 'BDG') {
	const res = await fetch(`${BASE}/api/v1/offices/${office}/days?from=${date}&to=${date}`);
	assert.equal(res.status, 200);
	return (await res.json()).days[0];
}

// What the page's polite live region last announced.
export async function announced(page, text) {
	await page.waitForFunction((x) => document.getElementById('announce').textContent === x, text);
}

// No serious or critical axe-core violation on the page as it is.
export async function assertAccessible(page, what) {
	if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
	const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
	const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	assert.deepEqual(bad, [], `axe on ${what}`);
}

// The page as it is, at a phone's width and a desktop's: no serious or
// critical axe-core violation, nothing wider than the phone's screen (a
// table scrolls in its own box), and a screenshot of each under
// var/test-artifacts/NAME-{phone,desktop}.png. The viewport is put back.
export async function check(page, name) {
	const was = page.viewportSize();
	for (const [label, size] of [['phone', PHONE], ['desktop', DESKTOP]]) {
		await page.setViewportSize(size);
		await assertAccessible(page, `${name} (${label})`);
		const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		assert.ok(wide <= 0, `${name} is ${wide} px wider than the ${label}'s screen`);
		const shown = await page.evaluate(() => [...document.querySelectorAll('[hidden]')]
			.filter((el) => getComputedStyle(el).display !== 'none').map((el) => el.id || el.className || el.tagName));
		assert.deepEqual(shown, [], `${name}: elements marked hidden are shown`);
		if (ARTIFACTS) {
			mkdirSync(ARTIFACTS, { recursive: true });
			await page.screenshot({ path: `${ARTIFACTS}/${name}-${label}.png`, fullPage: true });
		}
	}
	await page.setViewportSize(was);
}

// A payment notification signed as the gateway signs it.
export async function notifyPayment(billingCode, amount) {
	const body = JSON.stringify({ notification_id: `web-${randomUUID()}`, billing_code: billingCode, amount, paid_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
	const ts = Math.floor(Date.now() / 1000);
	const sig = createHmac('sha256', Buffer.from(process.env.PERMIT_PAY_KEY_HEX, 'hex')).update(`${ts}.${body}`).digest('hex');
	const res = await fetch(`${BASE}/api/v1/payments/notifications`, {
		method: 'POST', body,
		headers: { 'Content-Type': 'application/json', 'X-Permit-Timestamp': String(ts), 'X-Permit-Signature': `v1=${sig}` },
	});
	assert.equal(res.status, 200, await res.text());
}

export async function mainText(page) {
	return page.evaluate(() => document.body.innerText);
}

export async function text(page, selector) {
	return (await page.textContent(selector)).trim();
}
