// One application shown as facts: its summary, the applicant's identity
// data, the passport or travel part, the decision. Shared by the citizen's
// page and the reviewer's.
import { h, facts } from './dom.js';
import { t } from './i18n.js';
import { day, instant, rupiah } from './format.js';

const dates = new Set(['birth_date', 'depart_on', 'return_on']);

function part(group, obj) {
	if (!obj) return null;
	return facts(Object.entries(obj).map(([k, v]) => [t(`field.${group}.${k}`),
		v === null ? null : dates.has(k) ? day(v) : (k === 'sex' || k === 'type') ? t(`choice.${group}.${k}.${v}`) : v]));
}

export function summary(a) {
	return facts([
		[t('app.kind'), t(`kind.${a.kind}`)],
		[t('app.status'), h('span', { class: `status status-${a.status}`, dataset: { status: a.status } }, t(`status.${a.status}`))],
		[t('app.office'), a.office],
		[t('app.appointment'), a.appointment ? day(a.appointment) : null],
		[t('app.created'), instant(a.created_at)],
	]);
}

export function identity(a) {
	return h('section', { class: 'identity', 'aria-labelledby': 'identity-h' },
		h('h2', { id: 'identity-h' }, t('app.applicant')), part('applicant', a.applicant),
		a.passport ? [h('h3', {}, t('apply.passport')), part('passport', a.passport)] : null,
		a.travel ? [h('h3', {}, t('apply.travel')), part('travel', a.travel)] : null);
}

export function decision(a) {
	if (!a.decision) return null;
	return h('section', { 'aria-labelledby': 'decision-h' },
		h('h2', { id: 'decision-h' }, t('app.decision')),
		facts([[t('app.outcome'), t(`outcome.${a.decision.outcome}`)], [t('app.reason'), a.decision.reason || null],
			[t('app.decided_at'), instant(a.decision.at)]]));
}

export function bookingFacts(b) {
	return facts([
		[t('booking.date'), day(b.date)],
		[t('booking.state'), h('span', { class: `state state-${b.state}`, dataset: { state: b.state } }, t(`booking.state.${b.state}`))],
		[t('booking.billing_code'), h('code', { class: 'billing-code' }, b.billing_code)],
		[t('booking.amount'), rupiah(b.amount)],
		b.state === 'held' ? [t('booking.pay_by'), instant(b.pay_by)] : null,
	]);
}
