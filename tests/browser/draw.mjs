// A day's opening draw in Chromium (browser.bats opens the day and runs the
// draw between the steps): two citizens enter it from the calendar and see
// their entries; after the draw one holds the day's one place and the
// other waits, with the seed revealed; the one waiting withdraws.
import assert from 'node:assert/strict';
import { citizenWithApplication, book, button, application, announced, check, text, reload, DAYS, BASE } from './lib.mjs';

async function drawOf(day) {
	const res = await fetch(`${BASE}/api/v1/offices/BDG/draws/${day}`);
	assert.equal(res.status, 200);
	return (await res.json()).draw;
}

// The codes the page shows beside the draw's facts: the seed's hash, and
// the seed once drawn.
async function codes(page) {
	return page.locator('main .hash').allTextContents();
}

export default {
	async draw_enter(s) {
		const day = DAYS.draw;
		const { seed_hash: hash } = await drawOf(day);
		const entered = [];
		for (let i = 0; i < 2; i += 1) {
			const { page, id } = await citizenWithApplication(s);
			const cell = page.locator(`button[data-date="${day}"]`);
			assert.match(await cell.getAttribute('class'), /\bdraw\b/);
			assert.equal(await text(page, `button[data-date="${day}"] .cal-state`), 'Undian pembukaan');
			assert.equal((await book(page, day)).status(), 202);
			await announced(page, 'Hari ini sedang dalam undian pembukaan: Anda sudah terdaftar.');
			assert.equal(await page.getAttribute('.entry-state', 'data-state'), 'entered');
			assert.match(await text(page, '.entry-state'), /^Anda terdaftar dalam undian untuk .+\. Undian diadakan .+\.$/);
			assert.equal(await text(page, '[data-status]'), 'Terkirim');
			assert.equal(await page.locator('.billing-code').count(), 0);
			assert.deepEqual(await codes(page), [hash]);
			assert.match(await text(page, 'main'), /Diumumkan setelah undian diadakan/);
			entered.push({ page, id });
		}
		await check(entered[0].page, 'draw-entered');
		s.keep('draw', { a: entered[0].page, b: entered[1].page, ids: entered.map((e) => e.id) });
	},

	async draw_outcome(s) {
		const { a, b, ids } = s.take('draw');
		const draw = await drawOf(DAYS.draw);
		assert.match(draw.seed, /^[0-9a-f]{64}$/);
		const seen = [];
		for (const [page, id] of [[a, ids[0]], [b, ids[1]]]) {
			await reload(page, 'app.title');
			const app = await application(page, id);
			if (app.booking) {
				assert.equal(app.booking.state, 'held');
				await page.waitForSelector('[data-state="held"]');
				assert.equal(await text(page, '[data-status]'), 'Terjadwal');
				assert.equal(await text(page, '.billing-code'), app.booking.billing_code);
				assert.equal(await page.locator('.entry-state').count(), 0);
				seen.push('won');
				await check(page, 'draw-won');
			} else {
				assert.equal(app.entry.state, 'waiting');
				assert.equal(await page.getAttribute('.entry-state', 'data-state'), 'waiting');
				assert.match(await text(page, '.entry-state'), /^Undian untuk .+ sudah diadakan dan Anda ada di daftar tunggu/);
				assert.deepEqual(await codes(page), [draw.seed_hash, draw.seed]);
				assert.equal(await text(page, '[data-status]'), 'Terkirim');
				seen.push('waiting');
				await check(page, 'draw-waiting');
				s.keep('waiting', { page, id });
			}
		}
		assert.deepEqual(seen.sort(), ['waiting', 'won']);
	},

	async draw_withdraw(s) {
		const { page, id } = s.take('waiting');
		await button(page, 'Mundur dari undian').click();
		await page.getByRole('group', { name: 'Mundur dari undian? Anda tidak dapat ikut undian untuk hari itu lagi.' }).waitFor();
		await button(page, 'Ya, mundur').click();
		await announced(page, 'Anda sudah mundur dari undian.');
		await page.waitForSelector('#book-h');
		assert.equal(await page.locator('.entry-state').count(), 0);
		const app = await application(page, id);
		assert.equal(app.entry, null);
		assert.equal(app.status, 'submitted');
	},
};
