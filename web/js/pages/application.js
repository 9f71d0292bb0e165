// One of the citizen's applications: its status, the hold (billing code,
// amount, a live "pay by" countdown) or the draw entry and its outcome,
// booking a day from the office's calendar, unbooking and cancelling.
import { h, facts } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { day, instant, duration } from '../format.js';
import { calendar } from '../calendar.js';
import { summary, identity, decision, bookingFacts } from '../appview.js';
import { errorBox, show, announce } from '../notice.js';
import { confirmButton } from '../form.js';

function countdown(ctx, payBy) {
	const out = h('p', { class: 'countdown', role: 'timer', 'aria-live': 'off' });
	const tick = () => {
		const left = (new Date(payBy) - Date.now()) / 1000;
		out.textContent = left > 0 ? t('booking.countdown', { left: duration(left) }) : t('booking.lapsed');
		if (left <= 0) { clearInterval(timer); ctx.refresh(); }
	};
	const timer = setInterval(tick, 1000);
	ctx.onLeave(() => clearInterval(timer));
	tick();
	return out;
}

async function drawFacts(office, entry) {
	try {
		const { data } = await api('GET', `/offices/${encodeURIComponent(office)}/draws/${entry.date}`);
		const d = data.draw;
		return facts([
			[t('draw.opens_at'), instant(d.opens_at)], [t('draw.draw_at'), instant(d.draw_at)],
			[t('draw.entries'), String(d.entries)], [t('draw.waiting'), String(d.waiting)],
			[t('draw.seed_hash'), h('code', { class: 'hash' }, d.seed_hash)],
			[t('draw.seed'), d.seed ? h('code', { class: 'hash' }, d.seed) : t('draw.seed_hidden')],
		]);
	} catch { return null; }
}

async function entrySection(ctx, a, slot) {
	const e = a.entry;
	return h('section', { 'aria-labelledby': 'entry-h' },
		h('h2', { id: 'entry-h' }, t('entry.title')),
		h('p', { class: 'entry-state', dataset: { state: e.state } },
			e.state === 'entered' ? t('entry.entered', { date: day(e.date), at: instant(e.draw_at) }) : t('entry.waiting', { date: day(e.date) })),
		await drawFacts(a.office, e),
		confirmButton(t('entry.withdraw'), {
			question: t('entry.withdraw_confirm'), yes: t('entry.withdraw_yes'),
			action: () => api('DELETE', `/applications/${a.id}/booking`),
			onError: (err) => { show(slot, errorBox(err)); slot.focus(); },
			onClose: (how) => { if (how === 'done') { announce(t('entry.withdrawn')); ctx.refresh(true); } },
		}));
}

function bookingSection(ctx, a, slot) {
	const unbook = confirmButton(t('booking.unbook'), {
		question: t('booking.unbook_confirm'), yes: t('booking.unbook_yes'),
		action: () => api('DELETE', `/applications/${a.id}/booking`),
		onError: (err) => { show(slot, errorBox(err)); slot.focus(); },
		onClose: (how) => { if (how === 'done') { announce(t('booking.unbooked')); ctx.refresh(true); } },
	});
	const b = a.booking;
	return h('section', { 'aria-labelledby': 'booking-h' },
		h('h2', { id: 'booking-h' }, t(b.state === 'held' ? 'booking.hold_title' : 'booking.confirmed_title')),
		b.state === 'held' ? h('p', {}, t('booking.pay_note')) : null,
		bookingFacts(b),
		b.state === 'held' ? countdown(ctx, b.pay_by) : null,
		a.status === 'booked' ? unbook : null);
}

function bookSection(ctx, a, slot) {
	const chosen = h('div', { class: 'chosen', 'aria-live': 'polite' });
	let cal;
	const pick = (date) => {
		const button = h('button', { type: 'button', class: 'primary', dataset: { book: date } }, t('book.confirm', { date: day(date) }));
		button.addEventListener('click', () => book(date, button));
		chosen.replaceChildren(h('p', {}, t('book.chosen', { date: day(date) })), button);
		button.focus();
	};
	async function book(date, button) {
		button.disabled = true;
		show(slot, null);
		try {
			const { status } = await api('POST', `/applications/${a.id}/booking`, { date });
			announce(t(status === 202 ? 'book.entered' : 'book.held'));
			ctx.refresh(true);
		} catch (err) {
			button.disabled = false;
			const e = err.errors.find((x) => x.field === 'date');
			if (e && e.reason === 'not_open' && err.opensAt) {
				cal.mark(date, { notOpen: err.opensAt });
				show(slot, h('div', { class: 'alert', role: 'alert' }, h('p', {}, t('cal.not_open_at', { at: instant(err.opensAt) }))));
			} else if (e) {
				show(slot, h('div', { class: 'alert', role: 'alert' }, h('p', {}, t(`reason.${e.reason}`))));
			} else {
				show(slot, errorBox(err));
			}
			chosen.replaceChildren();
			if (err.code === 'quota_exhausted') await cal.reload();
			slot.focus();
		}
	}
	cal = calendar(a.office, pick);
	return { el: h('section', { 'aria-labelledby': 'book-h' },
		h('h2', { id: 'book-h' }, t('book.title')), h('p', {}, t('book.intro')), cal.el, chosen), cal };
}

export async function render(ctx) {
	const { data } = await api('GET', `/applications/${encodeURIComponent(ctx.params.id)}`);
	const a = data.application;
	const slot = h('div', { class: 'slot', tabindex: '-1' });
	const parts = [slot, summary(a), decision(a)];
	if (a.booking) parts.push(bookingSection(ctx, a, slot));
	if (a.entry) parts.push(await entrySection(ctx, a, slot));
	if (a.kind === 'passport' && a.status === 'submitted' && !a.booking && !a.entry) {
		const b = bookSection(ctx, a, slot);
		await b.cal.reload();
		parts.push(b.el);
	}
	parts.push(identity(a));
	if (a.status === 'submitted' || a.status === 'booked') {
		parts.push(h('section', { 'aria-labelledby': 'cancel-h' }, h('h2', { id: 'cancel-h' }, t('cancel.title')),
			confirmButton(t('cancel.button'), {
				question: t('cancel.confirm'), yes: t('cancel.yes'),
				action: () => api('POST', `/applications/${a.id}/cancel`, {}),
				onError: (err) => { show(slot, errorBox(err)); slot.focus(); },
				onClose: (how) => { if (how === 'done') { announce(t('cancel.done')); ctx.refresh(true); } },
			})));
	}
	parts.push(h('p', {}, h('a', { href: '#/applications' }, t('app.back'))));
	return { title: 'app.title', body: h('div', {}, parts) };
}
