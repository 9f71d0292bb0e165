// The failover drill's clients: each registers, signs in, then submits
// passport applications one after another, each with an Idempotency-Key of
// its own, as a careful client would: a 503 (or no answer at all) is tried
// again with the same key and body after Retry-After, until the service
// answers something else; every fifth acknowledged submission is sent
// once more, as by a client whose answer was lost on the way, which must
// be answered with the same application; and past DRILL_KEEP_ACTIVE
// applications it cancels its oldest (a write too, with a key of its own),
// so it stays within max_active_applications however long it runs.
// Meanwhile, as a page open beside it would, it reads its latest
// acknowledged application (an owner-bound read) and asks /health for the
// mode, again and again. Every answer is one JSON line in OUT:
//
//   {"t0","t1"  ms since the epoch, request sent and answer read
//    "kind"     register | signin | submit | cancel | read | health
//    "client", "key" (submit, cancel: its Idempotency-Key), "again"
//               (submit: the acknowledged key sent once more), "attempt"
//               (1 for a request's first try),
//    "status"   the HTTP status, 0 when no answer came (a transport error)
//    "code"     error.code of an error body, else null
//    "id"       the application's id (submit 201, read 200), else null
//    "mode"     health's mode, else null
//    "account"  the account's id (signin 201), else null}
//
// It runs until the file STOP exists; each client then finishes the key it
// is on (still retrying 503s, for at most giveUpMs) and stops.
//
//   node load.mjs URL CLIENTS OUT STOP
//
// Environment: DRILL_THINK_MS, a client's pause between two submissions
// and between two rounds of reads (default 20); DRILL_KEEP_ACTIVE, the
// applications a client keeps active (default 50).
import { appendFileSync, existsSync } from 'node:fs';

const [url, clientsArg, out, stopFile] = process.argv.slice(2);
const clients = Number(clientsArg);
const thinkMs = Number(process.env.DRILL_THINK_MS ?? 20);
const keepActive = Number(process.env.DRILL_KEEP_ACTIVE ?? 50);
const password = 'drill password, long enough';
const requestTimeoutMs = 15000;
const giveUpMs = 60000;
const run = `${process.pid}${Date.now() % 100000}`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const stopped = () => existsSync(stopFile);

// Buffered, so two thousand answers a second do not each cost a write.
let pending = [];
function record(answer) {
  pending.push(JSON.stringify(answer));
  if (pending.length >= 200) flush();
}
function flush() {
  if (pending.length > 0) appendFileSync(out, pending.join('\n') + '\n');
  pending = [];
}

// One request: the answer's status, headers and parsed body (null when it
// is not JSON); status 0 when no answer came.
async function request(method, path, { body, cookie, csrf, key } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (cookie) headers.Cookie = cookie;
  if (csrf) headers['X-CSRF-Token'] = csrf;
  if (key) headers['Idempotency-Key'] = key;
  const t0 = Date.now();
  try {
    const res = await fetch(url + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON: judged by status */ }
    return { t0, t1: Date.now(), status: res.status, headers: res.headers, json };
  } catch {
    return { t0, t1: Date.now(), status: 0, headers: new Headers(), json: null };
  }
}

// How long to wait before trying an answer's request again.
function retryDelay(r) {
  const s = Number(r.headers.get('retry-after'));
  return Number.isFinite(s) && s > 0 ? s * 1000 : 1000;
}

// A request tried again while it answers 503 or nothing, each answer
// recorded with `fields`; the first other answer, or the last one after
// giveUpMs.
async function persist(fields, method, path, opts) {
  const start = Date.now();
  for (let attempt = 1; ; attempt++) {
    const r = await request(method, path, opts);
    record({
      t0: r.t0, t1: r.t1, ...fields, attempt, status: r.status,
      code: r.json?.error?.code ?? null,
      id: r.json?.application?.id ?? null,
      mode: r.json?.mode ?? null,
      account: r.json?.account?.id ?? null,
    });
    if ((r.status !== 503 && r.status !== 0) || Date.now() - start > giveUpMs) return r;
    await sleep(retryDelay(r));
  }
}

// Person n's passport application: a NIK of its own (M, born 1990, the day
// and month and serial from n), whose KK and phone follow from it; the NIK
// is also the NPWP, as the HTTP API allows.
function application(n) {
  const pad = (v, w) => String(v).padStart(w, '0');
  const serial = (n % 9999) + 1;
  const q = Math.floor(n / 9999);
  const day = pad((q % 28) + 1, 2);
  const month = pad((Math.floor(q / 28) % 12) + 1, 2);
  const nik = `317405${day}${month}90${pad(serial, 4)}`;
  return {
    kind: 'passport', office: 'JKT-SEL', passport: { type: 'new' },
    applicant: {
      full_name: `Drill Applicant Zq${serial}`, nik, kk_number: `3174${pad(n, 12)}`,
      npwp: nik, birth_date: `1990-${month}-${day}`, birth_place: 'Jakarta',
      sex: 'M', phone: `0812${pad(n % 100000000, 8)}`,
      address: `Jalan Drill No. ${serial} Jakarta`, mother_name: 'Dewi Lestari Drill',
    },
  };
}

// Submissions, one key after another, until STOP; `seen.latest` is the
// id of the last one acknowledged.
async function writer(c, session, seen) {
  const active = [];
  for (let i = 0; !stopped(); i++) {
    const key = `drill-${c}-${i}`;
    const opts = { body: application(c * 100000 + i), ...session, key };
    const r = await persist({ kind: 'submit', client: c, key, again: false }, 'POST',
      '/api/v1/applications', opts);
    if (r.status === 201) {
      seen.latest = r.json.application.id;
      active.push(seen.latest);
    }
    if (r.status === 201 && i % 5 === 0) {
      await persist({ kind: 'submit', client: c, key, again: true }, 'POST',
        '/api/v1/applications', opts);
    }
    if (active.length > keepActive) {
      const oldest = active.shift();
      await persist({ kind: 'cancel', client: c, key: `cancel-${oldest}` }, 'POST',
        `/api/v1/applications/${oldest}/cancel`, { ...session, key: `cancel-${oldest}` });
    }
    await sleep(thinkMs);
  }
  seen.done = true;
}

// The latest acknowledged application and the health, each read once a
// round, until the writer is done.
async function reader(c, session, seen) {
  while (!seen.done) {
    if (seen.latest !== null) {
      const r = await request('GET', `/api/v1/applications/${seen.latest}`, { cookie: session.cookie });
      record({ t0: r.t0, t1: r.t1, kind: 'read', client: c, status: r.status,
        code: r.json?.error?.code ?? null, id: r.json?.application?.id ?? null });
    }
    const h = await request('GET', '/api/v1/health');
    record({ t0: h.t0, t1: h.t1, kind: 'health', client: c, status: h.status,
      code: null, mode: h.json?.mode ?? null });
    await sleep(thinkMs);
  }
}

async function client(c) {
  const email = `drill.${run}.${c}@example.test`;
  const credentials = { email, password };
  await persist({ kind: 'register', client: c }, 'POST', '/api/v1/accounts', { body: credentials });
  const s = await persist({ kind: 'signin', client: c }, 'POST', '/api/v1/sessions', { body: credentials });
  if (s.status !== 201) throw new Error(`client ${c}: sign-in answered ${s.status}`);
  const session = { cookie: (s.headers.get('set-cookie') ?? '').split(';')[0], csrf: s.json.csrf_token };
  const seen = { latest: null, done: false };
  await Promise.all([writer(c, session, seen), reader(c, session, seen)]);
}

const results = await Promise.allSettled(Array.from({ length: clients }, (_, c) => client(c)));
flush();
const failed = results.filter((r) => r.status === 'rejected');
for (const f of failed) console.error(`load: ${f.reason?.message ?? f.reason}`);
process.exit(failed.length === 0 ? 0 : 1);
