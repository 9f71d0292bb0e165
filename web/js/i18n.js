// Every string the pages show comes from one dictionary per language
// (lang/id.js, lang/en.js); Indonesian unless the visitor switched. The
// choice (a language code, nothing personal) is kept in localStorage.
import id from './lang/id.js';
import en from './lang/en.js';

const dicts = { id, en };
const locales = { id: 'id-ID', en: 'en-GB' };
let current = dicts[localStorage.getItem('lang')] ? localStorage.getItem('lang') : 'id';

export function lang() { return current; }
export function locale() { return locales[current]; }

export function setLang(code) {
	current = dicts[code] ? code : 'id';
	localStorage.setItem('lang', current);
	document.documentElement.lang = current;
}

// The string KEY with {name} replaced from VARS; a missing key is reported
// (the browser tests fail on it) and shown as the key itself.
export function t(key, vars = {}) {
	let s = dicts[current][key];
	if (s === undefined) {
		console.warn(`i18n: missing string ${current}:${key}`);
		s = key;
	}
	return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

// Whether the dictionary has KEY (for codes the server may add to, such as
// audit actions: shown as they are when no words exist for them).
export function has(key) {
	return dicts[current][key] !== undefined;
}

// The strings of index.html: data-i18n (text) and data-i18n-label (aria-label).
export function translateStatic(root = document) {
	document.documentElement.lang = current;
	for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
	for (const el of root.querySelectorAll('[data-i18n-label]')) {
		el.setAttribute('aria-label', t(el.dataset.i18nLabel));
	}
}
