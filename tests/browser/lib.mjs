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

export function launch() {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
}

// A fresh context (its own cookies) and page, watched.
export async function newPage(browser, viewport = { width: 1280, height: 900 }) {
	const context = await browser.newContext({ viewport, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
	await context.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
	});
	const page = await context.newPage();
	page.problems = [];
	page.on('console', (m) => {
		if (/Content Security Policy|i18n: missing/.test(m.text())) page.problems.push(m.text());
	});
	page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
	page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) page.problems.push(m.text()); });
	return page;
}

// No CSP violation, page error or missing string so far.
export async function assertClean(page) {
	const csp = await page.evaluate(() => window.__csp || []);
	assert.deepEqual([...page.problems, ...csp], [], 'CSP violations, page errors or missing strings');
}

// Opens HASH and waits until the page titled by PAGE_KEY has rendered.
export async function go(page, hash, pageKey) {
	await page.goto(`${BASE}/${hash}`);
	await page.waitForSelector('body[data-ready="true"]');
	if (pageKey) await waitPage(page, pageKey);
}

export async function waitPage(page, key) {
	await page.waitForSelector(`main[data-page="${key}"]`);
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

// The people bats made (tests/e2e/citizen.bash person_new), one per call.
const people = JSON.parse(readFileSync(process.env.PERMIT_PEOPLE, 'utf8'));
export function person(n) { return people[n]; }

export async function fillApplicant(page, p) {
	for (const [k, v] of Object.entries(p)) {
		const sel = `[name="applicant.${k}"]`;
		if (k === 'sex') await page.selectOption(sel, v);
		else await page.fill(sel, v);
	}
}

// Applies for a passport at OFFICE through the form; returns the id.
export async function applyPassport(page, p, office) {
	await go(page, '#/applications/new/passport', 'apply.passport_title');
	await page.selectOption('[name="office"]', office);
	await fillApplicant(page, p);
	await submit(page);
	await waitPage(page, 'app.title');
	return page.url().split('#/applications/')[1];
}

export async function applyTravel(page, p, office) {
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

// No serious or critical axe-core violation on the page as it is.
export async function assertAccessible(page, what) {
	await page.evaluate(axe.source);
	const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
	const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	assert.deepEqual(bad, [], `axe on ${what}`);
}

// Screenshots of the page at a phone's width and a desktop's, under
// var/test-artifacts/.
export async function shoot(page, name) {
	if (!ARTIFACTS) return;
	mkdirSync(ARTIFACTS, { recursive: true });
	for (const [label, size] of [['phone', { width: 360, height: 780 }], ['desktop', { width: 1280, height: 900 }]]) {
		await page.setViewportSize(size);
		await page.screenshot({ path: `${ARTIFACTS}/${name}-${label}.png`, fullPage: true });
	}
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
