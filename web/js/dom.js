// Building elements without markup strings: h('p', { class: 'x' }, 'text', child).
// Attributes named on* are refused: handlers go through addEventListener.

let uid = 0;

// A fresh id for label/aria pairs.
export function nextId(prefix) {
	uid += 1;
	return `${prefix}-${uid}`;
}

export function h(tag, attrs = {}, ...kids) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (v === null || v === undefined || v === false) continue;
		if (k === 'on') {
			for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
		} else if (k === 'dataset') {
			Object.assign(el.dataset, v);
		} else if (k in el && typeof v !== 'string') {
			el[k] = v;
		} else {
			el.setAttribute(k, v === true ? '' : v);
		}
	}
	append(el, kids);
	return el;
}

function append(el, kids) {
	for (const k of kids.flat(Infinity)) {
		if (k === null || k === undefined || k === false) continue;
		el.append(k instanceof Node ? k : String(k));
	}
}

// A table that scrolls sideways in its own box (the wrapper takes focus so
// the keyboard can scroll it), named by CAPTION written above the box, so
// a phone shows all of it.
export function table(caption, heads, rows) {
	const id = nextId('t');
	return h('div', { class: 'table' },
		h('p', { id, class: 'caption' }, caption),
		h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': id },
			h('table', { 'aria-labelledby': id },
				h('thead', {}, h('tr', {}, heads.map((x) => h('th', { scope: 'col' }, x)))),
				h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))))));
}

// A description list of [term, value] pairs, null values left out.
export function facts(pairs) {
	return h('dl', { class: 'facts' }, pairs.filter((p) => p && p[1] !== null && p[1] !== undefined)
		.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
