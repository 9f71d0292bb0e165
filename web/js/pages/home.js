// The start page: what the service does, and where to go from here.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { me } from '../session.js';

export async function render() {
	const who = me();
	const links = {
		citizen: [['#/applications', 'nav.mine'], ['#/applications/new/passport', 'nav.new_passport'], ['#/applications/new/travel', 'nav.new_travel']],
		reviewer: [['#/review', 'nav.queue']],
		admin: [['#/admin', 'nav.maintenance'], ['#/admin/offices', 'nav.office_days']],
	}[who ? who.role : ''] || [['#/signin', 'nav.signin'], ['#/register', 'nav.register']];
	return {
		title: 'home.title',
		body: h('div', {},
			h('p', {}, t('home.intro')),
			h('ul', { class: 'actions' }, links.concat([['#/offices', 'nav.offices']])
				.map(([href, key]) => h('li', {}, h('a', { href, class: 'button' }, t(key)))))),
	};
}
