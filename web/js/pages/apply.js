// New applications: a passport or a travel permit. Each field shows the
// server's rule beside it before sending; a 422 puts each refusal beside
// its field and moves focus to the first.
import { h } from '../dom.js';
import { t, has } from '../i18n.js';
import { api } from '../api.js';
import { field, submitButton, showInvalid, clearErrors, busy, values, reasonText } from '../form.js';
import { errorBox, show, announce } from '../notice.js';

const applicant = [
	['full_name', { required: true, autocomplete: 'name' }],
	['nik', { required: true, inputmode: 'numeric' }],
	['kk_number', { required: true, inputmode: 'numeric' }],
	['npwp', { inputmode: 'numeric' }],
	['birth_date', { required: true, type: 'date', autocomplete: 'bday' }],
	['birth_place', { required: true }],
	['sex', { required: true, type: 'select', options: ['', 'M', 'F'] }],
	['phone', { required: true, type: 'tel', autocomplete: 'tel' }],
	['address', { required: true, type: 'textarea', autocomplete: 'street-address' }],
	['mother_name', { required: true }],
];
const passportFields = [
	['type', { required: true, type: 'select', options: ['new', 'renewal'] }],
	['previous_number', {}],
];
const travelFields = [
	['origin', { required: true }],
	['destination', { required: true }],
	['depart_on', { required: true, type: 'date' }],
	['return_on', { required: true, type: 'date' }],
	['purpose', { required: true, type: 'textarea' }],
];

function make(group, [name, spec]) {
	const path = `${group}.${name}`;
	return field({
		...spec, name: path,
		label: t(`field.${path}`), hint: t(`hint.${path}`),
		options: spec.options && spec.options.map((v) => [v, t(`choice.${path}.${v || 'none'}`)]),
	});
}

async function officeField() {
	const { data } = await api('GET', '/offices');
	return field({
		name: 'office', label: t('field.office'), hint: t('hint.office'), type: 'select', required: true,
		options: [['', t('choice.office.none')]].concat(data.offices.map((o) => [o.code, `${o.name} (${o.city})`])),
	});
}

async function form(kind, group, extra) {
	const office = await officeField();
	const who = applicant.map((s) => make('applicant', s));
	const own = extra.map((s) => make(group, s));
	const fields = [office, ...who, ...own];
	const slot = h('div', { class: 'slot' });
	let key = crypto.randomUUID();
	const el = h('form', { novalidate: true, class: 'form' },
		h('p', { class: 'note' }, t('apply.rules_note')),
		slot, office.wrap,
		h('fieldset', {}, h('legend', {}, t('apply.applicant')), who.map((f) => f.wrap)),
		h('fieldset', {}, h('legend', {}, t(`apply.${group}`)), own.map((f) => f.wrap)),
		submitButton(t('apply.submit')));
	el.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors(fields);
		show(slot, null);
		const body = { kind, applicant: {}, [group]: {}, ...values(fields) };
		try {
			const { data } = await busy(el, api('POST', '/applications', body, { 'Idempotency-Key': key }));
			announce(t('apply.submitted'));
			location.hash = `#/applications/${data.application.id}`;
		} catch (err) {
			if (err.status !== 0) key = crypto.randomUUID();
			if (err.code === 'invalid') {
				const rest = showInvalid(fields, err);
				announce(t('apply.fix_fields', { n: err.errors.length }));
				if (rest.length) {
					show(slot, h('div', { class: 'alert', role: 'alert' },
						h('p', {}, t('err.invalid')),
						h('ul', {}, rest.map((e) => h('li', {}, has(`field.${e.field}`) ? t(`field.${e.field}`) : h('code', {}, e.field),
							`: ${reasonText(e)}`)))));
				}
			} else {
				show(slot, errorBox(err));
				slot.focus();
			}
		}
	});
	slot.tabIndex = -1;
	return el;
}

export async function passport(ctx) {
	return { title: 'apply.passport_title', body: await form('passport', 'passport', passportFields) };
}

export async function travel(ctx) {
	return { title: 'apply.travel_title', body: await form('travel_permit', 'travel', travelFields) };
}
