// Register and sign in.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { signIn } from '../session.js';
import { field, submitButton, showInvalid, clearErrors, busy } from '../form.js';
import { errorBox, show, announce } from '../notice.js';

const homeOf = { citizen: '#/applications', reviewer: '#/review', admin: '#/admin' };

function credentialFields(newPassword) {
	return [
		field({ name: 'email', label: t('field.email'), hint: t('hint.email'), type: 'email', required: true, autocomplete: 'username' }),
		field({ name: 'password', label: t('field.password'), hint: t('hint.password'), type: 'password', required: true,
			autocomplete: newPassword ? 'new-password' : 'current-password' }),
	];
}

// After signing in: the page asked for (when sign-in stood in for it), or
// the role's own.
function proceed(ctx, account) {
	const path = location.hash.slice(1);
	if (path === '/signin' || path === '/register' || path === '' || path === '/') location.hash = homeOf[account.role];
	else ctx.refresh();
}

export async function signin(ctx, noteKey) {
	const fields = credentialFields(false);
	const slot = h('div', { class: 'slot' });
	const form = h('form', { novalidate: true, class: 'form' },
		noteKey ? h('p', { class: 'note' }, t(noteKey)) : null,
		slot, fields.map((f) => f.wrap), submitButton(t('auth.signin')),
		h('p', {}, h('a', { href: '#/register' }, t('auth.no_account'))));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors(fields);
		show(slot, null);
		try {
			const account = await busy(form, signIn(fields[0].input.value.trim(), fields[1].input.value));
			announce(t('auth.signed_in'));
			proceed(ctx, account);
		} catch (err) {
			show(slot, err.code === 'unauthorized'
				? h('div', { class: 'alert', role: 'alert' }, h('p', {}, t('auth.bad_credentials')))
				: errorBox(err));
			fields[0].input.focus();
		}
	});
	return { title: 'auth.signin_title', body: form };
}

export async function register(ctx) {
	const fields = credentialFields(true);
	const slot = h('div', { class: 'slot' });
	const form = h('form', { novalidate: true, class: 'form' },
		slot, fields.map((f) => f.wrap), submitButton(t('auth.register')),
		h('p', {}, h('a', { href: '#/signin' }, t('auth.have_account'))));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		clearErrors(fields);
		show(slot, null);
		const email = fields[0].input.value.trim();
		const password = fields[1].input.value;
		try {
			await busy(form, api('POST', '/accounts', { email, password }));
			const account = await signIn(email, password);
			announce(t('auth.registered'));
			proceed(ctx, account);
		} catch (err) {
			if (err.code === 'invalid') {
				const rest = showInvalid(fields, err);
				if (rest.length) show(slot, errorBox(err));
			} else if (err.code === 'conflict') {
				show(slot, h('div', { class: 'alert', role: 'alert' }, h('p', {}, t('auth.email_taken'))));
				fields[0].input.focus();
			} else {
				show(slot, errorBox(err));
			}
		}
	});
	return { title: 'auth.register_title', body: form };
}
