// Form fields with their rule beside them (aria-describedby), and a 422's
// errors put next to the fields they name, focus on the first.
import { h, nextId } from './dom.js';
import { t } from './i18n.js';

// One labelled control. spec: { name, label, hint, type, options:[[value,
// label]], required, autocomplete, inputmode, rows }. Returns { wrap,
// input, error, hintId, name }.
export function field(spec) {
	const id = nextId('f');
	const hintId = spec.hint ? `${id}-hint` : null;
	const errId = `${id}-err`;
	const common = {
		id, name: spec.name, required: !!spec.required,
		'aria-describedby': hintId, autocomplete: spec.autocomplete || 'off',
	};
	let input;
	if (spec.type === 'select') {
		input = h('select', common, spec.options.map(([v, l]) => h('option', { value: v }, l)));
	} else if (spec.type === 'textarea') {
		input = h('textarea', { ...common, rows: spec.rows || 3 });
	} else {
		input = h('input', { ...common, type: spec.type || 'text', inputmode: spec.inputmode });
	}
	if (spec.value !== undefined) input.value = spec.value;
	const error = h('p', { id: errId, class: 'field-error', hidden: true });
	const label = h('label', { for: id }, spec.label,
		spec.required ? null : h('span', { class: 'optional' }, ` ${t('form.optional')}`));
	const wrap = h('div', { class: 'field' }, label,
		hintId ? h('p', { id: hintId, class: 'hint' }, spec.hint) : null, input, error);
	return { wrap, input, error, hintId, errId, name: spec.name };
}

export function setError(f, text) {
	f.error.textContent = text;
	f.error.hidden = false;
	f.input.setAttribute('aria-invalid', 'true');
	f.input.setAttribute('aria-describedby', [f.errId, f.hintId].filter(Boolean).join(' '));
}

export function clearErrors(fields) {
	for (const f of fields) {
		f.error.hidden = true;
		f.error.textContent = '';
		f.input.removeAttribute('aria-invalid');
		if (f.hintId) f.input.setAttribute('aria-describedby', f.hintId);
		else f.input.removeAttribute('aria-describedby');
	}
}

// The words for one 422 entry: the reason translated (the field's hint
// beside it states the rule).
export function reasonText(entry) {
	const key = `reason.${entry.reason}`;
	return t(key);
}

// Maps a 422 (ERR.errors) onto FIELDS (by their dotted name); focuses the
// first field at fault. Returns the entries no field shows.
export function showInvalid(fields, err) {
	const byName = new Map(fields.map((f) => [f.name, f]));
	const rest = [];
	let first = null;
	for (const e of err.errors) {
		const f = byName.get(e.field);
		if (!f) { rest.push(e); continue; }
		if (f.error.hidden) setError(f, reasonText(e));
		if (!first) first = f;
	}
	if (first) first.input.focus();
	return rest;
}

// A refusal, shaped as a 422's, of the fields NAMES left empty: checked here
// when sending would mean something else (an empty day, "set" with no
// value) or nothing at all.
export function missing(names) {
	return { code: 'invalid', errors: names.map((field) => ({ field, reason: 'required' })) };
}

// The values of FIELDS as an object of dotted paths, empty ones left out.
export function values(fields) {
	const out = {};
	for (const f of fields) {
		const v = f.input.value.trim();
		if (v === '') continue;
		const parts = f.name.split('.');
		let o = out;
		for (const p of parts.slice(0, -1)) o = (o[p] = o[p] || {});
		o[parts.at(-1)] = v;
	}
	return out;
}

export function submitButton(label) {
	return h('button', { type: 'submit', class: 'primary' }, label);
}

// Disables the form's buttons while PROMISE runs.
export async function busy(form, promise) {
	const buttons = form.querySelectorAll('button');
	buttons.forEach((b) => { b.disabled = true; });
	form.setAttribute('aria-busy', 'true');
	try { return await promise; } finally {
		buttons.forEach((b) => { b.disabled = false; });
		form.removeAttribute('aria-busy');
	}
}

// Asks in PANEL: QUESTION, the FIELDS it needs (a reason, say), YES and a
// way back, as one group named by the question; focus goes to the first
// field (or YES). YES runs ACTION(values of FIELDS): a 422 is shown beside
// its field and the question stays; otherwise the question closes, and a
// refusal goes to ON_ERROR. ON_CLOSE(how: 'done', 'failed' or 'back').
export function ask(panel, { question, yes, fields = [], action, onError, onClose }) {
	const qid = nextId('q');
	const ok = h('button', { type: 'button', class: 'danger' }, yes);
	const back = h('button', { type: 'button' }, t('form.cancel'));
	const close = (how) => {
		panel.replaceChildren();
		if (onClose) onClose(how);
	};
	ok.addEventListener('click', async () => {
		clearErrors(fields);
		ok.disabled = true;
		try {
			await action(values(fields));
		} catch (err) {
			ok.disabled = false;
			if (err.code === 'invalid' && showInvalid(fields, err).length === 0) return;
			close('failed');
			if (onError) onError(err);
			return;
		}
		close('done');
	});
	back.addEventListener('click', () => close('back'));
	panel.replaceChildren(h('div', { class: 'confirm', role: 'group', 'aria-labelledby': qid },
		h('p', { id: qid, class: 'question' }, question), fields.map((f) => f.wrap), ok, back));
	(fields.length ? fields[0].input : ok).focus();
}

// A button, LABEL, that asks first (ask's SPEC) and comes back once the
// question closes, focused when the way back was taken.
export function confirmButton(label, spec) {
	const wrap = h('div', {});
	const start = h('button', { type: 'button' }, label);
	start.addEventListener('click', () => ask(wrap, { ...spec, onClose: (how) => {
		wrap.replaceChildren(start);
		if (how === 'back') start.focus();
		if (spec.onClose) spec.onClose(how);
	} }));
	wrap.append(start);
	return wrap;
}
