// The one way to the HTTP API (/api/v1): JSON in and out, the CSRF token
// (kept in memory only: the session cookie is HttpOnly) on every request
// once known, and every refusal as an ApiError with the API's code.

let csrf = null;

export function setCsrf(token) { csrf = token || null; }

export class ApiError extends Error {
	constructor(status, body, retryAfter) {
		const e = (body && body.error) || {};
		super(e.message || `HTTP ${status}`);
		this.status = status;
		this.code = e.code || (status === 0 ? 'network' : 'internal');
		this.field = e.field || null;
		this.errors = Array.isArray(e.errors) ? e.errors : [];
		this.opensAt = e.opens_at || null;
		this.retryAfter = retryAfter ? Number(retryAfter) : null;
	}
}

export async function api(method, path, body, extraHeaders = {}) {
	const headers = { Accept: 'application/json', ...extraHeaders };
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	if (csrf) headers['X-CSRF-Token'] = csrf;
	let res;
	try {
		res = await fetch(`/api/v1${path}`, {
			method, headers, credentials: 'same-origin', cache: 'no-store',
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	} catch {
		throw new ApiError(0, null, null);
	}
	const text = await res.text();
	let data = null;
	try { data = text ? JSON.parse(text) : null; } catch { data = null; }
	if (!res.ok) {
		const err = new ApiError(res.status, data, res.headers.get('Retry-After'));
		// The banner asks /health again: the mode changed, or the service is down.
		if (err.code === 'maintenance' || err.code === 'unavailable') window.dispatchEvent(new CustomEvent('permit:service'));
		if (err.status === 401) window.dispatchEvent(new CustomEvent('permit:unauthorized'));
		throw err;
	}
	return { status: res.status, data };
}
