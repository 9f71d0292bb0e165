// Dates, instants, rupiah and durations in the page's language, via Intl.
import { locale } from './i18n.js';

// A calendar day 'YYYY-MM-DD' (no zone: it is the office's day).
export function day(iso, style = 'full') {
	const [y, m, d] = iso.split('-').map(Number);
	return new Intl.DateTimeFormat(locale(), { dateStyle: style, timeZone: 'UTC' })
		.format(new Date(Date.UTC(y, m - 1, d)));
}

export function weekdayShort(iso) {
	const [y, m, d] = iso.split('-').map(Number);
	return new Intl.DateTimeFormat(locale(), { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' })
		.format(new Date(Date.UTC(y, m - 1, d)));
}

// An instant (RFC 3339), in the visitor's zone with the zone named.
export function instant(iso) {
	return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' })
		.format(new Date(iso));
}

// An instant in short, for a calendar's day: day, month and time.
export function instantShort(iso) {
	return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })
		.format(new Date(iso));
}

export function rupiah(n) {
	return new Intl.NumberFormat(locale(), { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 }).format(n);
}

// Seconds as h:mm:ss (or m:ss), never negative.
export function duration(seconds) {
	const s = Math.max(0, Math.floor(seconds));
	const two = (n) => String(n).padStart(2, '0');
	const hh = Math.floor(s / 3600);
	const mm = Math.floor((s % 3600) / 60);
	return hh > 0 ? `${hh}:${two(mm)}:${two(s % 60)}` : `${mm}:${two(s % 60)}`;
}

// When to try again after Retry-After SECONDS: { wait: "in 30 minutes"
// (Intl.RelativeTimeFormat, rounded up to whole seconds, minutes or hours),
// at: the clock time then }.
export function retryAt(seconds) {
	const s = Math.max(1, Math.ceil(seconds));
	const rel = new Intl.RelativeTimeFormat(locale(), { numeric: 'always' });
	const wait = s < 60 ? rel.format(s, 'second') : s < 5400 ? rel.format(Math.ceil(s / 60), 'minute')
		: rel.format(Math.ceil(s / 3600), 'hour');
	const at = new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' }).format(new Date(Date.now() + s * 1000));
	return { wait, at };
}

// 'YYYY-MM-DD' of a Date in the visitor's zone.
export function isoDay(date) {
	const two = (n) => String(n).padStart(2, '0');
	return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}
