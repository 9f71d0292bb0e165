// The maintenance banner: the service mode and the admin's message from
// GET /health, read on start, on every page change, after any 503
// (maintenance or unavailable) and every 30 seconds.
import { t } from './i18n.js';
import { h } from './dom.js';

let state = { mode: 'normal', message: null };

export function bannerMessage() { return state.message; }
export function mode() { return state.mode; }

export async function refreshBanner() {
	try {
		const res = await fetch('/api/v1/health', { cache: 'no-store' });
		const body = await res.json();
		state = res.ok ? { mode: body.mode, message: body.message || null } : { mode: 'unavailable', message: null };
	} catch {
		state = { mode: 'unavailable', message: null };
	}
	render();
}

export function render() {
	const el = document.getElementById('banner');
	if (state.mode === 'normal') {
		el.hidden = true;
		el.replaceChildren();
		return;
	}
	el.hidden = false;
	el.replaceChildren(h('p', {}, h('strong', {}, t(`banner.${state.mode}`))),
		...(state.message ? [h('p', { class: 'banner-message' }, state.message)] : []));
}

export function startBanner() {
	window.addEventListener('permit:service', refreshBanner);
	setInterval(refreshBanner, 30000);
	return refreshBanner();
}
