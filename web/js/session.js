// Who is signed in, learned from GET /me (the cookie is HttpOnly), and
// signing in and out. Nothing of it is stored anywhere but this module.
import { api, setCsrf } from './api.js';

let account = null;
const listeners = [];

export function me() { return account; }
export function onSessionChange(fn) { listeners.push(fn); }

function set(acc, token) {
	account = acc;
	setCsrf(token);
	listeners.forEach((fn) => fn(account));
}

export async function loadMe() {
	try {
		const { data } = await api('GET', '/me');
		set(data.account, data.csrf_token);
	} catch (err) {
		if (err.status !== 401) throw err;
		set(null, null);
	}
}

export async function signIn(email, password) {
	const { data } = await api('POST', '/sessions', { email, password });
	set(data.account, data.csrf_token);
	return data.account;
}

// Signs out on the server, then forgets everything here even if that failed.
export async function signOut() {
	try { await api('DELETE', '/sessions/current'); } finally { set(null, null); }
}

// A 401 anywhere means the session is gone.
window.addEventListener('permit:unauthorized', () => { if (account) set(null, null); });
