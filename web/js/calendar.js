// An office's availability calendar: six weeks from tomorrow, each day with
// what remains, closed days, full days, days not open yet (with when they
// open, in short on the day and in full for a screen reader) and days in
// their opening draw (with when it is drawn).
import { h } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { weekdayShort, day as fmtDay, instant, instantShort, isoDay } from './format.js';

const SPAN = 42;

function range() {
	const from = new Date();
	from.setDate(from.getDate() + 1);
	const to = new Date(from);
	to.setDate(to.getDate() + SPAN - 1);
	return { from: isoDay(from), to: isoDay(to) };
}

// What one day says: [css class, short text, long text]. The day's
// opens_at and draw_at come with it; a refusal or an entry marks it too.
function describe(d, marks) {
	const mark = marks.get(d.date) || {};
	const notOpen = mark.notOpen || (Date.parse(d.opens_at) > Date.now() ? d.opens_at : null);
	const draw = mark.draw || d.draw_at;
	if (d.closed) return ['closed', t('cal.closed'), t('cal.closed')];
	if (notOpen) return ['not-open', t('cal.opens_short', { at: instantShort(notOpen) }), t('cal.not_open_at', { at: instant(notOpen) })];
	if (draw) return ['draw', t('cal.draw'), t('cal.draw_long', { at: instant(draw) })];
	if (d.remaining <= 0) return ['full', t('cal.full'), t('cal.full')];
	const text = t('cal.remaining', { n: d.remaining, of: d.capacity });
	return ['open', text, text];
}

// A calendar of OFFICE. ON_PICK(date), when given, makes open days buttons.
// Returns { el, reload, mark(date, {notOpen|draw}) }.
export function calendar(office, onPick) {
	const marks = new Map();
	const el = h('div', { class: 'calendar-wrap' });
	let days = [];

	function draw() {
		const list = h('ul', { class: 'calendar', 'aria-label': t('cal.label') }, days.map((d) => {
			const [cls, short, long] = describe(d, marks);
			// The visible short texts first (the accessible name begins with
			// what one sees), then the day in full and the state at length.
			const inner = [h('span', { class: 'cal-day' }, weekdayShort(d.date)), h('span', { class: 'cal-state' }, short),
				h('span', { class: 'visually-hidden' }, ` (${fmtDay(d.date)}${long === short ? '' : `: ${long}`})`)];
			const cell = onPick
				? h('button', { type: 'button', class: `cal ${cls}`, dataset: { date: d.date },
					disabled: cls !== 'open' && cls !== 'draw' }, inner)
				: h('div', { class: `cal ${cls}`, dataset: { date: d.date } }, inner);
			if (onPick) cell.addEventListener('click', () => onPick(d.date));
			return h('li', {}, cell);
		}));
		el.replaceChildren(h('p', { class: 'hint' }, t('cal.legend')), list);
	}

	async function reload() {
		const { from, to } = range();
		const { data } = await api('GET', `/offices/${encodeURIComponent(office)}/days?from=${from}&to=${to}`);
		days = data.days;
		draw();
	}

	function mark(date, what) {
		marks.set(date, { ...(marks.get(date) || {}), ...what });
		draw();
	}

	return { el, reload, mark };
}
