// The pages' entry: routes (the part of the URL after #, never anything
// personal), the navigation for who is signed in, the language switch,
// sign-out and the maintenance banner.
import { h } from './dom.js';
import { t, lang, setLang, translateStatic } from './i18n.js';
import { me, loadMe, onSessionChange, signOut } from './session.js';
import { startBanner, refreshBanner, render as renderBanner } from './banner.js';
import { errorBox, announce } from './notice.js';
import * as auth from './pages/auth.js';
import * as home from './pages/home.js';
import * as apply from './pages/apply.js';
import * as mine from './pages/mine.js';
import * as detail from './pages/application.js';
import * as offices from './pages/offices.js';
import * as review from './pages/review.js';
import * as admin from './pages/admin.js';

// [pattern, render, role or null]
const routes = [
	['/', home.render, null],
	['/signin', auth.signin, null],
	['/register', auth.register, null],
	['/offices', offices.render, null],
	['/applications', mine.render, 'citizen'],
	['/applications/new/passport', apply.passport, 'citizen'],
	['/applications/new/travel', apply.travel, 'citizen'],
	['/applications/:id', detail.render, 'citizen'],
	['/review', review.queue, 'reviewer'],
	['/review/:id', review.detail, 'reviewer'],
	['/admin', admin.maintenance, 'admin'],
	['/admin/flags', admin.flags, 'admin'],
	['/admin/offices', admin.offices, 'admin'],
	['/admin/staff', admin.staff, 'admin'],
	['/admin/audit', admin.audit, 'admin'],
];

const navItems = {
	none: [['#/offices', 'nav.offices'], ['#/signin', 'nav.signin'], ['#/register', 'nav.register']],
	citizen: [['#/applications', 'nav.mine'], ['#/applications/new/passport', 'nav.new_passport'],
		['#/applications/new/travel', 'nav.new_travel'], ['#/offices', 'nav.offices']],
	reviewer: [['#/review', 'nav.queue']],
	admin: [['#/admin', 'nav.maintenance'], ['#/admin/flags', 'nav.flags'], ['#/admin/offices', 'nav.office_days'],
		['#/admin/staff', 'nav.staff'], ['#/admin/audit', 'nav.audit']],
};

function match(path) {
	const parts = path.split('/').filter(Boolean);
	for (const [pattern, fn, role] of routes) {
		const want = pattern.split('/').filter(Boolean);
		if (want.length !== parts.length) continue;
		const params = {};
		if (want.every((w, i) => (w.startsWith(':') ? (params[w.slice(1)] = decodeURIComponent(parts[i])) : w === parts[i]))) {
			return { fn, role, params };
		}
	}
	return null;
}

function renderNav() {
	const who = me();
	const items = navItems[who ? who.role : 'none'] || [];
	const here = location.hash || '#/';
	document.getElementById('nav').replaceChildren(h('ul', {}, items.map(([href, key]) =>
		h('li', {}, h('a', { href, 'aria-current': href === here ? 'page' : null }, t(key))))));
	document.getElementById('signout').hidden = !who;
	const other = lang() === 'id' ? 'en' : 'id';
	const button = document.getElementById('lang');
	button.textContent = t(`lang.switch_to_${other}`);
	button.lang = other;
}

let leaving = [];
let token = 0;

// Renders the page of the current hash; FOCUS moves focus to its heading.
async function route(focus = true) {
	const mine = ++token;
	leaving.forEach((fn) => fn());
	leaving = [];
	const main = document.getElementById('main');
	const path = (location.hash || '#/').slice(1) || '/';
	const m = match(path);
	const ctx = {
		params: m ? m.params : {},
		onLeave: (fn) => leaving.push(fn),
		current: () => mine === token,
		refresh: (focusHeading = false) => route(focusHeading),
	};
	let page;
	try {
		if (!m) page = { title: 'page.not_found', body: h('p', {}, t('page.not_found_text')) };
		else if (m.role && !me()) page = await auth.signin(ctx, 'auth.sign_in_first');
		else if (m.role && me().role !== m.role) page = { title: 'page.forbidden', body: h('p', {}, t('err.forbidden')) };
		else page = await m.fn(ctx);
	} catch (err) {
		if (err.status === 401 && m && m.role) page = await auth.signin(ctx, 'auth.sign_in_first');
		else page = { title: 'page.error', body: errorBox(err) };
		if (err.status === undefined) console.error(err);
	}
	if (mine !== token) return;
	const heading = h('h1', { tabindex: '-1' }, t(page.title));
	main.replaceChildren(heading, page.body);
	main.dataset.page = page.title;
	document.title = `${t(page.title)} · ${t('app.name')}`;
	renderNav();
	refreshBanner();
	if (focus) heading.focus();
}

async function start() {
	translateStatic();
	document.getElementById('lang').addEventListener('click', () => {
		setLang(lang() === 'id' ? 'en' : 'id');
		translateStatic();
		renderBanner();
		route(false).then(() => announce(t('lang.switched')));
	});
	document.getElementById('signout').addEventListener('click', async () => {
		// Identity data leaves the page first, whatever the server answers.
		document.getElementById('main').replaceChildren();
		try { await signOut(); } catch { /* the session is forgotten here anyway */ }
		location.hash = '#/signin';
		announce(t('auth.signed_out'));
	});
	onSessionChange(renderNav);
	window.addEventListener('hashchange', () => route(true));
	await startBanner();
	try { await loadMe(); } catch { /* the page says so when it asks again */ }
	await route(false);
	document.body.dataset.ready = 'true';
}

start();
