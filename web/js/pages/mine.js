// A citizen's applications, with their status.
import { h, table } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { day, instant } from '../format.js';

export async function render() {
	const { data } = await api('GET', '/applications');
	const apps = data.applications;
	const rows = apps.map((a) => [
		a.unreadable ? t('mine.unreadable') : t(`kind.${a.kind}`),
		h('span', { class: `status status-${a.status}` }, t(`status.${a.status}`)),
		a.office,
		a.appointment ? day(a.appointment, 'medium') : '—',
		instant(a.created_at),
		h('a', { href: `#/applications/${a.id}`, 'aria-label': t('mine.open_label', { kind: t(`kind.${a.kind}`), at: instant(a.created_at) }) }, t('mine.open')),
	]);
	return {
		title: 'mine.title',
		body: h('div', {},
			h('ul', { class: 'actions' },
				h('li', {}, h('a', { class: 'button', href: '#/applications/new/passport' }, t('nav.new_passport'))),
				h('li', {}, h('a', { class: 'button', href: '#/applications/new/travel' }, t('nav.new_travel')))),
			apps.length === 0 ? h('p', {}, t('mine.none'))
				: table(t('mine.caption'), [t('mine.kind'), t('mine.status'), t('mine.office'), t('mine.appointment'), t('mine.created'), t('mine.action')], rows)),
	};
}
