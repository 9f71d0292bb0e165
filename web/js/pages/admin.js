// The admin's pages: the service mode and its message, flags with block and
// unblock, office quotas and days, new staff, an application's audit trail.
import { h, table } from '../dom.js';
import { t, has } from '../i18n.js';
import { api } from '../api.js';
import { day, instant } from '../format.js';
import { field, submitButton, showInvalid, clearErrors, busy, values, ask, missing } from '../form.js';
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
			const text = done(data);
			show(slot, okBox(text));
			announce(text);
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

// Asks in PANEL whether to block or unblock (VERB) account ID, with a
// reason; once done, AFTER() runs (the flags read again) and what it did
// goes to SLOT. The way back returns focus to FROM.
function askAccount(panel, slot, id, verb, from, after) {
	const reason = field({ name: 'reason', label: t('admin.reason'), hint: t('hint.reason'), required: true });
	let text = null;
	show(slot, null);
	ask(panel, {
		question: t(`admin.${verb}_confirm`, { id }), yes: t(`admin.${verb}_yes`), fields: [reason],
		action: async (v) => {
			const { data } = await api('POST', `/admin/accounts/${encodeURIComponent(id)}/${verb}`, { reason: v.reason });
			text = verb === 'block'
				? t('admin.blocked', { bookings: data.released_bookings, sessions: data.revoked_sessions, apps: data.cancelled_applications })
				: t('admin.unblocked');
		},
		onError: (err) => { show(slot, errorBox(err)); slot.focus(); },
		onClose: async (how) => {
			if (how === 'back') from.focus();
			if (how !== 'done') return;
			await after();
			show(slot, okBox(text));
			slot.focus();
			announce(text);
		},
	});
}

// What a flag says of its account's block (BLOCKED, the API's): not
// blocked, or since when, by which admin and why (the reason as the admin
// wrote it, in whatever language).
function blockState(blocked) {
	if (!blocked) return t('admin.not_blocked');
	return h('div', { class: 'block-state' },
		h('strong', {}, t('admin.blocked_since', { at: instant(blocked.at) })),
		blocked.by ? h('div', {}, t('admin.blocked_by'), ' ', h('code', {}, blocked.by)) : null,
		blocked.reason ? h('div', {}, t('admin.blocked_reason'), ' ', h('q', { class: 'block-reason' }, blocked.reason)) : null);
}

// The open flags as a table, each row with its account's block and the one
// act that fits it: unblock a blocked account, block any other. BUTTON(id,
// verb) makes the act's button.
function flagsTable(list, button) {
	// The detail is the server's, in English.
	const rows = list.map((f) => [h('code', {}, f.account_id), t(`rule.${f.rule}`), h('span', { lang: 'en' }, f.detail), instant(f.at),
		blockState(f.blocked), h('div', { class: 'row-actions' }, button(f.account_id, f.blocked ? 'unblock' : 'block'))]);
	return rows.length ? table(t('admin.flags_caption'),
		[t('admin.account_id'), t('admin.rule'), t('admin.detail'), t('admin.at'), t('admin.block_state'), t('mine.action')], rows)
		: h('p', {}, t('admin.no_flags'));
}

export async function flags() {
	const slot = h('div', { class: 'slot', tabindex: '-1' });
	const panel = h('div', { class: 'ask' });
	const list = h('div', { class: 'flags' });
	const flagged = async () => flagsTable((await api('GET', '/admin/flags')).data.flags, button);
	// After an act: the flags read again, so each row shows its block as it is now.
	async function load() {
		try {
			list.replaceChildren(await flagged());
		} catch (err) {
			show(list, errorBox(err));
		}
	}
	function button(id, verb) {
		const b = h('button', { type: 'button', 'aria-label': t(`admin.${verb}_account`, { id }), dataset: { verb, account: id } }, t(`admin.${verb}`));
		b.addEventListener('click', () => askAccount(panel, slot, id, verb, b, load));
		return b;
	}
	list.replaceChildren(await flagged());
	const id = field({ name: 'account', label: t('admin.account_id'), hint: t('hint.id'), required: true });
	const byId = h('div', { class: 'form' }, id.wrap, h('div', { class: 'actions' }, ['block', 'unblock'].map((verb) => {
		const b = h('button', { type: 'button', dataset: { verb } }, t(`admin.${verb}`));
		b.addEventListener('click', () => {
			clearErrors([id]);
			const v = id.input.value.trim();
			if (v === '') showInvalid([id], missing(['account']));
			else askAccount(panel, slot, v, verb, b, load);
		});
		return b;
	})));
	return {
		title: 'admin.flags_title',
		body: h('div', {}, slot, list, h('h2', {}, t('admin.by_id')), byId, panel),
	};
}

// A field that only matters when the select CHOICE says 'set'.
function whenSet(choice, f) {
	const sync = () => { f.wrap.hidden = choice.input.value !== 'set'; };
	choice.input.addEventListener('change', sync);
	sync();
	return f;
}

// The body of PUT /admin/offices/{code}/days/{date} from the day form's
// values: only what the admin chose to change; 'default' sends null.
function dayBody(v) {
	const need = [['capacity_choice', 'capacity'], ['opens_at_choice', 'opens_at']]
		.filter(([c, f]) => v[c] === 'set' && v[f] === undefined).map(([, f]) => f);
	if (!v.date) need.unshift('date');
	if (need.length) throw missing(need);
	const body = {};
	if (v.capacity_choice !== 'keep') body.capacity = v.capacity_choice === 'set' ? Number(v.capacity) : null;
	if (v.closed !== 'keep') body.closed = v.closed === 'default' ? null : v.closed === 'true';
	if (v.opens_at_choice !== 'keep') {
		body.opens_at = v.opens_at_choice === 'set' ? new Date(v.opens_at).toISOString().replace(/\.\d+Z$/, 'Z') : null;
	}
	return body;
}

function daySaved(d) {
	return [t('admin.day_saved', { date: day(d.date), n: d.capacity, left: d.remaining }),
		d.closed ? t('admin.day_closed') : null, d.opens_at ? t('admin.day_opens', { at: instant(d.opens_at) }) : null]
		.filter(Boolean).join(' ');
}

export async function offices() {
	const { data } = await api('GET', '/offices');
	const opts = data.offices.map((o) => [o.code, `${o.name} (${o.city})`]);
	const office = field({ name: 'office', label: t('field.office'), hint: t('hint.office_calendar'), type: 'select', required: true, options: opts });
	const current = () => data.offices.find((x) => x.code === office.input.value);
	const quota = field({ name: 'daily_quota', label: t('admin.daily_quota'), hint: t('hint.daily_quota'), type: 'number', required: true, inputmode: 'numeric' });
	const calSlot = h('div', { class: 'office-calendar' });
	const loadCal = async () => {
		const cal = calendar(office.input.value, null);
		try { await cal.reload(); calSlot.replaceChildren(cal.el); } catch (err) { show(calSlot, errorBox(err)); }
	};
	office.input.addEventListener('change', async () => {
		quota.input.value = current().daily_quota;
		await loadCal();
		announce(t('offices.shown', { office: office.input.selectedOptions[0].textContent }));
	});
	quota.input.value = current().daily_quota;
	const quotaForm = simpleForm([quota], t('admin.save_quota'),
		(v) => api('PUT', `/admin/offices/${encodeURIComponent(office.input.value)}`, { daily_quota: v.daily_quota === undefined ? null : Number(v.daily_quota) }),
		(d) => { current().daily_quota = d.office.daily_quota; loadCal(); return t('admin.quota_saved', { n: d.office.daily_quota }); });

	const date = field({ name: 'date', label: t('admin.day'), hint: t('hint.admin_day'), type: 'date', required: true });
	const keep = [['keep', t('admin.keep')], ['default', t('admin.default')]];
	const capacity = field({ name: 'capacity_choice', label: t('admin.capacity'), hint: t('hint.capacity'), type: 'select', required: true,
		options: keep.concat([['set', t('admin.set')]]) });
	const capValue = whenSet(capacity, field({ name: 'capacity', label: t('admin.capacity_value'), hint: t('hint.daily_quota'), type: 'number', inputmode: 'numeric', required: true }));
	const closed = field({ name: 'closed', label: t('admin.closed'), hint: t('hint.closed'), type: 'select', required: true,
		options: keep.concat([['true', t('admin.close_day')], ['false', t('admin.open_day')]]) });
	const opens = field({ name: 'opens_at_choice', label: t('admin.opens_at'), hint: t('hint.opens_at'), type: 'select', required: true,
		options: keep.concat([['set', t('admin.set')]]) });
	const opensValue = whenSet(opens, field({ name: 'opens_at', label: t('admin.opens_at_value'), hint: t('hint.opens_at_value'), type: 'datetime-local', required: true }));
	const dayForm = simpleForm([date, capacity, capValue, closed, opens, opensValue], t('admin.save_day'),
		async (v) => api('PUT', `/admin/offices/${encodeURIComponent(office.input.value)}/days/${v.date}`, dayBody(v)),
		(d) => { loadCal(); return daySaved(d.day); });
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
		(d) => t('admin.staff_created', { email: d.account.email, role: t(`role.${d.account.role}`) }));
	return { title: 'admin.staff_title', body: form };
}

// An audit row's action in words; one the dictionaries do not know, as it is.
function action(code) {
	return has(`audit.${code}`) ? t(`audit.${code}`) : h('code', {}, code);
}

export async function audit() {
	const id = field({ name: 'application', label: t('admin.application_id'), hint: t('hint.id'), required: true });
	const out = h('div', { class: 'audit-trail', 'aria-live': 'polite' });
	const slot = h('div', { class: 'slot', tabindex: '-1' });
	const form = h('form', { class: 'form', novalidate: true }, slot, id.wrap, submitButton(t('admin.show_audit')));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors([id]);
		show(slot, null);
		out.replaceChildren();
		try {
			const { data } = await busy(form, api('GET', `/admin/audit?application=${encodeURIComponent(id.input.value.trim())}`));
			out.replaceChildren(data.entries.length ? table(t('admin.audit_caption'), [t('admin.at'), t('admin.actor'), t('admin.action')],
				data.entries.map((e) => [instant(e.at), h('code', {}, e.actor), action(e.action)])) : h('p', {}, t('admin.no_entries')));
		} catch (err) {
			if (err.code === 'invalid' && showInvalid([id], err).length === 0) return;
			show(slot, errorBox(err));
			slot.focus();
		}
	});
	return { title: 'admin.audit_title', body: h('div', {}, form, out) };
}
