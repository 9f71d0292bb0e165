// The failover drill's figures, from what the clients were answered
// (load.mjs's lines), when the primary was killed, gone and replaced, and
// which applications the new primary holds. Prints one JSON object:
//
//   acknowledged     submissions answered 201 (distinct keys)
//   lost             acknowledged applications the new primary lacks
//   duplicates       applications of a key beyond its first: a key answered
//                    201 with two ids, a key sent again refused 409 (its
//                    first try had committed), or an application of the
//                    clients' accounts that no key was answered with
//   sent_again       acknowledged keys sent once more (and answered 201)
//   cancelled        cancellations answered 200 (distinct keys)
//   unsettled        keys (submissions', cancellations') whose last answer
//                    was not a success
//   back_after_ms    from the kill to the answer of the first submission
//                    sent after the primary was gone and answered 201
//   gone_after_ms    from the kill to the moment none of the primary's
//                    processes was left
//   promoted_after_ms  from the kill to the monitor's promotion
//   in_flight        answers, by status, to requests sent before the
//                    primary was gone and answered after it was killed
//   window           what requests sent after the primary was gone and
//                    answered before the promotion got: owner-bound reads
//                    (by status), health (by mode), writes (submissions and
//                    cancellations, by status)
//   answers          every answer by kind and status (with error code)
//   unexpected       answers other than 200, 201 and 503 (0: no answer)
//
//   node figures.mjs ANSWERS KILL_MS GONE_MS PROMOTED_MS ROWS
//
// ROWS holds "account_id application_id" lines: every application on the
// new primary.
import { readFileSync } from 'node:fs';

const [answersFile, killArg, goneArg, promotedArg, rowsFile] = process.argv.slice(2);
const kill = Number(killArg);
const gone = Number(goneArg);
const promoted = Number(promotedArg);
const answers = readFileSync(answersFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const rows = readFileSync(rowsFile, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' '));

const count = (map, k) => { map[k] = (map[k] ?? 0) + 1; return map; };
const label = (a) => (a.code ? `${a.status} ${a.code}` : String(a.status));

// Per submission's key: every id it was acknowledged with, and whether a
// try was refused 409.
const keys = new Map();
for (const a of answers.filter((x) => x.kind === 'submit')) {
  const k = keys.get(a.key) ?? { ids: new Set(), conflict: false };
  if (a.status === 201) k.ids.add(a.id);
  if (a.status === 409) k.conflict = true;
  keys.set(a.key, k);
}
// Per key of a write (submission or cancellation): its last answer.
const last = new Map();
for (const a of answers.filter((x) => x.kind === 'submit' || x.kind === 'cancel')) {
  if (!last.has(a.key) || a.t1 >= last.get(a.key).t1) last.set(a.key, a);
}
const acknowledged = new Set([...keys.values()].flatMap((k) => [...k.ids]));
const accounts = new Set(answers.filter((a) => a.kind === 'signin' && a.account).map((a) => a.account));
const held = new Set(rows.filter(([account]) => accounts.has(account)).map(([, id]) => id));

const lost = [...acknowledged].filter((id) => !held.has(id)).length;
const duplicates =
  [...keys.values()].reduce((n, k) => n + Math.max(0, k.ids.size - 1) + (k.conflict ? 1 : 0), 0) +
  [...held].filter((id) => !acknowledged.has(id)).length;

const firstBack = answers
  .filter((a) => a.kind === 'submit' && a.status === 201 && a.t0 >= gone)
  .reduce((best, a) => (best === null || a.t1 < best ? a.t1 : best), null);

const inFlight = answers.filter((a) => a.t0 < gone && a.t1 >= kill).reduce((m, a) => count(m, label(a)), {});
const inWindow = answers.filter((a) => a.t0 >= gone && a.t1 <= promoted);
const tally = (kinds, by) => inWindow.filter((a) => kinds.includes(a.kind)).reduce((m, a) => count(m, by(a)), {});

const answersByKind = {};
for (const a of answers) answersByKind[a.kind] = count(answersByKind[a.kind] ?? {}, label(a));

console.log(JSON.stringify({
  clients: accounts.size,
  acknowledged: acknowledged.size,
  lost,
  duplicates,
  cancelled: [...last.values()].filter((a) => a.kind === 'cancel' && a.status === 200).length,
  unsettled: [...last.values()].filter((a) => a.status !== 200 && a.status !== 201).length,
  sent_again: answers.filter((a) => a.kind === 'submit' && a.again && a.status === 201).length,
  back_after_ms: firstBack === null ? null : firstBack - kill,
  gone_after_ms: gone - kill,
  promoted_after_ms: promoted - kill,
  in_flight: inFlight,
  window: {
    reads: tally(['read'], label),
    health: tally(['health'], (a) => (a.status === 200 ? a.mode : label(a))),
    writes: tally(['submit', 'cancel'], label),
  },
  answers: answersByKind,
  unexpected: answers.filter((a) => ![200, 201, 503].includes(a.status)).reduce((m, a) => count(m, label(a)), {}),
}));
