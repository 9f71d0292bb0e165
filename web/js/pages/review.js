// The reviewer's work: the office's queue (filters, paging), an
// application opened (its identity data shown only here, and the opening
// recorded), and the decision.
import { h, table } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { day, instant } from '../format.js';
import { field, submitButton, showInvalid, clearErrors, busy, values } from '../form.js';
import { summary, identity, decision } from '../appview.js';
import { errorBox, okBox, show, announce } from '../notice.js';

const statuses = ['', 'submitted', 'booked', 'approved', 'rejected', 'no_show', 'cancelled'];
// The queue's filters and the pages seen, for this visit only.
let filters = { status: '', date: '' };
let trail = [null];

export async function queue(ctx) {
	const status = field({ name: 'status', label: t('review.status'), type: 'select', value: filters.status,
		options: statuses.map((s) => [s, s ? t(`status.${s}`) : t('review.any_status')]) });
	const date = field({ name: 'date', label: t('review.date'), hint: t('hint.review_date'), type: 'date', value: filters.date });
	const form = h('form', { class: 'form filters', novalidate: true }, status.wrap, date.wrap, submitButton(t('review.filter')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		filters = { status: status.input.value, date: date.input.value };
		trail = [null];
		ctx.refresh();
	});
	const after = trail.at(-1);
	const q = new URLSearchParams({ limit: '20' });
	if (filters.status) q.set('status', filters.status);
	if (filters.date) q.set('date', filters.date);
	if (after) q.set('after', after);
	const slot = h('div', { class: 'slot' });
	let list;
	try {
		const { data } = await api('GET', `/review/queue?${q}`);
		const rows = data.applications.map((a) => [
			t(`kind.${a.kind}`), t(`status.${a.status}`), a.appointment ? day(a.appointment, 'medium') : '—',
			a.nik_last4 ? `…${a.nik_last4}` : '—', instant(a.created_at),
			h('a', { href: `#/review/${a.id}` }, t('review.open_link')),
		]);
		const prev = h('button', { type: 'button', disabled: trail.length < 2 }, t('review.prev'));
		const next = h('button', { type: 'button', disabled: !data.next }, t('review.next'));
		prev.addEventListener('click', () => { trail.pop(); ctx.refresh(); });
		next.addEventListener('click', () => { trail.push(data.next); ctx.refresh(); });
		list = h('div', {}, rows.length ? table(t('review.caption', { page: trail.length }),
			[t('mine.kind'), t('mine.status'), t('mine.appointment'), t('review.nik_last4'), t('mine.created'), t('mine.action')], rows)
			: h('p', {}, t('review.empty')), h('div', { class: 'pager' }, prev, next));
	} catch (err) {
		if (err.code !== 'invalid') throw err;
		showInvalid([status, date], err);
		show(slot, errorBox(err));
	}
	return { title: 'review.title', body: h('div', {}, form, slot, list) };
}

function decisionForm(ctx, a, slot) {
	const outcome = field({ name: 'outcome', label: t('review.outcome'), hint: t('hint.outcome'), type: 'select', required: true,
		options: [['', t('review.choose')], ['approved', t('outcome.approved')], ['rejected', t('outcome.rejected')], ['no_show', t('outcome.no_show')]] });
	const reason = field({ name: 'reason', label: t('review.reason'), hint: t('hint.reason'), type: 'textarea' });
	const form = h('form', { class: 'form', novalidate: true }, outcome.wrap, reason.wrap, submitButton(t('review.decide')));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors([outcome, reason]);
		show(slot, null);
		try {
			const { data } = await busy(form, api('POST', `/review/applications/${a.id}/decision`, values([outcome, reason])));
			announce(t('review.decided'));
			show(slot, okBox(t('review.decided_as', { outcome: t(`outcome.${data.application.decision.outcome}`) })));
			form.replaceWith(summary(data.application));
		} catch (err) {
			if (err.code === 'invalid') showInvalid([outcome, reason], err);
			else show(slot, errorBox(err));
		}
	});
	return h('section', { 'aria-labelledby': 'decide-h' }, h('h2', { id: 'decide-h' }, t('review.decision_title')), form);
}

export async function detail(ctx) {
	const slot = h('div', { class: 'slot', tabindex: '-1' });
	const body = h('div', {});
	const open = h('button', { type: 'button', class: 'primary' }, t('review.open_data'));
	open.addEventListener('click', async () => {
		open.disabled = true;
		try {
			const { data } = await api('GET', `/review/applications/${encodeURIComponent(ctx.params.id)}`);
			const a = data.application;
			open.remove();
			body.replaceChildren(summary(a), decision(a), identity(a), a.decision ? null : decisionForm(ctx, a, slot));
			announce(t('review.opened'));
		} catch (err) {
			open.disabled = false;
			show(slot, errorBox(err));
		}
	});
	return {
		title: 'review.detail_title',
		body: h('div', {},
			h('p', { class: 'note recorded', role: 'note' }, t('review.recorded_note')), slot, open, body,
			h('p', {}, h('a', { href: '#/review' }, t('review.back')))),
	};
}
