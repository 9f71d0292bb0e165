// What the visitor is told: an API refusal in words of the dictionary,
// shown in an alert box, and short announcements for screen readers.
import { h } from './dom.js';
import { t } from './i18n.js';
import { retryAt } from './format.js';
import { bannerMessage } from './banner.js';

// The sentence for ERR (an ApiError), with when to retry (in how long, and
// at what time) where the API says so in Retry-After.
export function errorText(err) {
	const when = err.retryAfter > 0 ? retryAt(err.retryAfter) : null;
	switch (err.code) {
	case 'rate_limited':
		return when ? t('err.rate_limited_wait', when) : t('err.rate_limited');
	case 'maintenance': {
		const msg = bannerMessage();
		return msg ? t('err.maintenance_msg', { message: msg }) : t('err.maintenance');
	}
	case 'unavailable':
		return when ? t('err.unavailable_wait', when) : t('err.unavailable');
	case 'quota_exhausted': case 'unauthorized': case 'forbidden': case 'not_found':
	case 'invalid': case 'network': case 'bad_request': case 'too_large':
		return t(`err.${err.code}`);
	case 'conflict':
		return t('err.conflict');
	default:
		return t('err.internal');
	}
}

// An alert box for ERR; conflicts add the server's own reason (English).
export function errorBox(err) {
	return h('div', { class: 'alert', role: 'alert' },
		h('p', {}, errorText(err)),
		err.code === 'conflict' && err.message ? h('p', { class: 'detail', lang: 'en' }, err.message) : null);
}

export function okBox(text) {
	return h('div', { class: 'ok', role: 'status' }, h('p', {}, text));
}

// Puts BOX (or nothing) into the slot element.
export function show(slot, box) {
	slot.replaceChildren(...(box ? [box] : []));
}

export function announce(text) {
	const el = document.getElementById('announce');
	el.textContent = '';
	setTimeout(() => { el.textContent = text; }, 50);
}
