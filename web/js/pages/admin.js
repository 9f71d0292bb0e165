// The admin's pages: the service mode and its message, flags with block and
// unblock, office quotas and days, new staff, an application's audit trail.
import { h, table } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { day, instant } from '../format.js';
import { field, submitButton, showInvalid, clearErrors, busy, values, confirmButton } from '../form.js';
import { calendar } from '../calendar.js';
import { refreshBanner } from '../banner.js';
import { errorBox, okBox, show, announce } from '../notice.js';

// A form of FIELDS whose submit runs SEND(values) and shows DONE(data).
function simpleForm(fields, label, send, done) {
	const slot = h('div', { class: 'slot', tabindex: '-1' });
	const form = h('form', { class: 'form', novalidate: true }, slot, fields.map((f) => f.wrap), submitButton(label));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors(fields);
		show(slot, null);
		try {
			const { data } = await busy(form, send(values(fields)));
			show(slot, okBox(done(data)));
			announce(done(data));
		} catch (err) {
			if (err.code === 'invalid' && showInvalid(fields, err).length === 0) return;
			show(slot, errorBox(err));
			slot.focus();
		}
	});
	return form;
}

export async function maintenance() {
	const { data } = await api('GET', '/admin/maintenance');
	const mode = field({ name: 'mode', label: t('admin.mode'), hint: t('hint.mode'), type: 'select', required: true, value: data.mode,
		options: ['normal', 'read_only', 'closed'].map((m) => [m, t(`mode.${m}`)]) });
	const message = field({ name: 'message', label: t('admin.message'), hint: t('hint.maintenance_message'), type: 'textarea', value: data.message || '' });
	const form = simpleForm([mode, message], t('admin.save_mode'),
		(v) => api('PUT', '/admin/maintenance', { mode: v.mode, message: v.message || null }),
		(d) => { refreshBanner(); return t('admin.mode_saved', { mode: t(`mode.${d.mode}`) }); });
	return { title: 'admin.maintenance_title', body: h('div', {}, h('p', {}, t('admin.maintenance_intro')), form) };
}

function accountAction(ctx, id, verb, slot) {
	const reason = field({ name: 'reason', label: t('admin.reason'), hint: t('hint.reason'), required: true });
	return confirmButton(t(`admin.${verb}`), t(`admin.${verb}_confirm`), t(`admin.${verb}_yes`), async () => {
		try {
			const { data } = await api('POST', `/admin/accounts/${id}/${verb}`, { reason: reason.input.value.trim() || t('admin.default_reason') });
			const text = verb === 'block' ? t('admin.blocked', { bookings: data.released_bookings, sessions: data.revoked_sessions, apps: data.cancelled_applications })
				: t('admin.unblocked');
			show(slot, okBox(text));
			announce(text);
		} catch (err) { show(slot, errorBox(err)); slot.focus(); }
	});
}

export async function flags(ctx) {
	const { data } = await api('GET', '/admin/flags');
	const slot = h('div', { class: 'slot', tabindex: '-1' });
	const rows = data.flags.map((f) => [h('code', {}, f.account_id), t(`rule.${f.rule}`), f.detail, instant(f.at),
		h('div', { class: 'row-actions' }, accountAction(ctx, f.account_id, 'block', slot), accountAction(ctx, f.account_id, 'unblock', slot))]);
	const id = field({ name: 'account', label: t('admin.account_id'), hint: t('hint.id') });
	const byId = h('div', { class: 'form' }, id.wrap);
	for (const verb of ['block', 'unblock']) {
		const b = h('button', { type: 'button' }, t(`admin.${verb}`));
		b.addEventListener('click', () => {
			const box = accountAction(ctx, id.input.value.trim(), verb, slot);
			b.replaceWith(box);
			box.querySelector('button').click();
		});
		byId.append(b);
	}
	return {
		title: 'admin.flags_title',
		body: h('div', {}, slot, rows.length ? table(t('admin.flags_caption'),
			[t('admin.account_id'), t('admin.rule'), t('admin.detail'), t('admin.at'), t('mine.action')], rows) : h('p', {}, t('admin.no_flags')),
		h('h2', {}, t('admin.by_id')), byId),
	};
}

export async function offices() {
	const { data } = await api('GET', '/offices');
	const opts = data.offices.map((o) => [o.code, `${o.name} (${o.city})`]);
	const office = field({ name: 'office', label: t('field.office'), hint: t('hint.office_calendar'), type: 'select', options: opts });
	const quota = field({ name: 'daily_quota', label: t('admin.daily_quota'), hint: t('hint.daily_quota'), type: 'number', required: true, inputmode: 'numeric' });
	const calSlot = h('div', { 'aria-live': 'polite' });
	const loadCal = async () => {
		const cal = calendar(office.input.value, null);
		try { await cal.reload(); calSlot.replaceChildren(cal.el); } catch (err) { show(calSlot, errorBox(err)); }
		const o = data.offices.find((x) => x.code === office.input.value);
		if (o) quota.input.value = o.daily_quota;
	};
	office.input.addEventListener('change', loadCal);
	const quotaForm = simpleForm([quota], t('admin.save_quota'),
		(v) => api('PUT', `/admin/offices/${office.input.value}`, { daily_quota: Number(v.daily_quota) }),
		(d) => { loadCal(); return t('admin.quota_saved', { n: d.office.daily_quota }); });

	const date = field({ name: 'date', label: t('admin.day'), hint: t('hint.admin_day'), type: 'date', required: true });
	const capacity = field({ name: 'capacity_choice', label: t('admin.capacity'), hint: t('hint.capacity'), type: 'select',
		options: [['keep', t('admin.keep')], ['default', t('admin.default')], ['set', t('admin.set')]] });
	const capValue = field({ name: 'capacity', label: t('admin.capacity_value'), hint: t('hint.daily_quota'), type: 'number', inputmode: 'numeric' });
	const closed = field({ name: 'closed', label: t('admin.closed'), hint: t('hint.closed'), type: 'select',
		options: [['keep', t('admin.keep')], ['default', t('admin.default')], ['true', t('admin.close_day')], ['false', t('admin.open_day')]] });
	const opens = field({ name: 'opens_at_choice', label: t('admin.opens_at'), hint: t('hint.opens_at'), type: 'select',
		options: [['keep', t('admin.keep')], ['default', t('admin.default')], ['set', t('admin.set')]] });
	const opensValue = field({ name: 'opens_at', label: t('admin.opens_at_value'), hint: t('hint.opens_at_value'), type: 'datetime-local' });
	const dayFields = [date, capacity, capValue, closed, opens, opensValue];
	const dayForm = simpleForm(dayFields, t('admin.save_day'), (v) => {
		const body = {};
		if (v.capacity_choice === 'default') body.capacity = null;
		if (v.capacity_choice === 'set') body.capacity = v.capacity === undefined ? null : Number(v.capacity);
		if (v.closed === 'default') body.closed = null;
		if (v.closed === 'true' || v.closed === 'false') body.closed = v.closed === 'true';
		if (v.opens_at_choice === 'default') body.opens_at = null;
		if (v.opens_at_choice === 'set') body.opens_at = v.opens_at ? new Date(v.opens_at).toISOString().replace(/\.\d+Z$/, 'Z') : '';
		return api('PUT', `/admin/offices/${office.input.value}/days/${v.date || 'none'}`, body);
	}, (d) => { loadCal(); return t('admin.day_saved', { date: day(d.day.date), n: d.day.capacity, left: d.day.remaining }); });
	await loadCal();
	return {
		title: 'admin.offices_title',
		body: h('div', {}, office.wrap,
			h('section', { 'aria-labelledby': 'quota-h' }, h('h2', { id: 'quota-h' }, t('admin.quota_title')), quotaForm),
			h('section', { 'aria-labelledby': 'day-h' }, h('h2', { id: 'day-h' }, t('admin.day_title')), dayForm),
			h('section', { 'aria-labelledby': 'cal-h' }, h('h2', { id: 'cal-h' }, t('admin.calendar_title')), calSlot)),
	};
}

export async function staff() {
	const { data } = await api('GET', '/offices');
	const fields = [
		field({ name: 'email', label: t('field.email'), hint: t('hint.email'), type: 'email', required: true }),
		field({ name: 'password', label: t('field.password'), hint: t('hint.password'), type: 'password', required: true, autocomplete: 'new-password' }),
		field({ name: 'role', label: t('admin.role'), hint: t('hint.role'), type: 'select', required: true,
			options: [['reviewer', t('role.reviewer')], ['admin', t('role.admin')]] }),
		field({ name: 'office', label: t('field.office'), hint: t('hint.staff_office'), type: 'select',
			options: [['', t('choice.office.none')]].concat(data.offices.map((o) => [o.code, `${o.name} (${o.city})`])) }),
	];
	const form = simpleForm(fields, t('admin.create_staff'), (v) => api('POST', '/admin/staff', v),
		(d) => t('admin.staff_created', { role: t(`role.${d.account.role}`) }));
	return { title: 'admin.staff_title', body: form };
}

export async function audit() {
	const id = field({ name: 'application', label: t('admin.application_id'), hint: t('hint.id'), required: true });
	const out = h('div', { 'aria-live': 'polite' });
	const slot = h('div', { class: 'slot', tabindex: '-1' });
	const form = h('form', { class: 'form', novalidate: true }, slot, id.wrap, submitButton(t('admin.show_audit')));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors([id]);
		show(slot, null);
		try {
			const { data } = await busy(form, api('GET', `/admin/audit?application=${encodeURIComponent(id.input.value.trim())}`));
			out.replaceChildren(data.entries.length ? table(t('admin.audit_caption'), [t('admin.at'), t('admin.actor'), t('admin.action')],
				data.entries.map((e) => [instant(e.at), h('code', {}, e.actor), e.action])) : h('p', {}, t('admin.no_entries')));
		} catch (err) {
			if (err.code === 'invalid' && showInvalid([id], err).length === 0) return;
			show(slot, errorBox(err));
		}
	});
	return { title: 'admin.audit_title', body: h('div', {}, form, out) };
}
