// Anyone's view of an office's days: choose the office, see its calendar.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { field } from '../form.js';
import { calendar } from '../calendar.js';
import { errorBox, show, announce } from '../notice.js';

export async function officeSelect(name = 'office') {
	const { data } = await api('GET', '/offices');
	const f = field({
		name, label: t('field.office'), hint: t('hint.office_calendar'), type: 'select', required: true,
		options: data.offices.map((o) => [o.code, `${o.name} (${o.city})`]),
	});
	return { f, offices: data.offices };
}

// The calendar is no live region (a screen reader would read every day
// out); choosing another office announces whose days are shown.
export async function render() {
	const { f } = await officeSelect();
	const slot = h('div', { class: 'slot' });
	const body = h('div', {}, h('p', {}, t('offices.intro')), f.wrap, slot);
	async function load() {
		const cal = calendar(f.input.value, null);
		try {
			await cal.reload();
			show(slot, cal.el);
		} catch (err) { show(slot, errorBox(err)); }
	}
	f.input.addEventListener('change', async () => {
		await load();
		announce(t('offices.shown', { office: f.input.selectedOptions[0].textContent }));
	});
	await load();
	return { title: 'offices.title', body };
}
