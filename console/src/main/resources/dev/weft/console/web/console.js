// The Weft console's page: polls the JSON endpoints every second and redraws. No framework, no build.
// Everything shown comes from the runtime (task names, span fields, stacks), so it goes in as text,
// never as HTML.
'use strict';

const REFRESH_MS = 1000;
const NUMERIC = new Set(['id', 'busy', 'idle', 'polls', 'warnings']);
const SORT_VALUE = {
  id: t => t.id,
  name: t => t.name ?? '',
  state: t => t.state,
  busy: t => t.busyNanos,
  idle: t => t.idleNanos,
  polls: t => t.polls,
  site: t => t.location ?? t.body,
  warnings: t => t.warnings.length,
};

let selected = null;   // the id of the task whose detail is open
let lastTasks = [];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : String(c));
  return e;
}

function nanos(n) {
  if (n < 1e3) return n + ' ns';
  if (n < 1e6) return (n / 1e3).toFixed(1) + ' µs';
  if (n < 1e9) return (n / 1e6).toFixed(1) + ' ms';
  if (n < 60e9) return (n / 1e9).toFixed(2) + ' s';
  return (n / 60e9).toFixed(1) + ' min';
}

function taskLabel(t) {
  return t.name != null ? `${t.name}` : t.body;
}

function badges(warnings) {
  return warnings.map(w => el('span', {class: 'badge lint-' + w.lint, title: w.message, 'data-lint': w.lint}, w.lint));
}

async function getJson(path) {
  const r = await fetch(path, {cache: 'no-store'});
  if (!r.ok && r.status !== 404) throw new Error(path + ': HTTP ' + r.status);
  return r.status === 404 ? null : r.json();
}

// ---- tasks ------------------------------------------------------------------------------------

function renderTasks(data) {
  lastTasks = data.tasks;
  document.getElementById('runtime-name').textContent = '· ' + data.runtime;
  document.getElementById('task-count').textContent = `(${data.tasks.length} live)`;
  const table = document.getElementById('tasks');
  const key = table.dataset.sortKey;
  const dir = table.dataset.sortDir === 'asc' ? 1 : -1;
  const value = SORT_VALUE[key];
  const rows = [...data.tasks].sort((a, b) => {
    const x = value(a), y = value(b);
    const c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
    return c !== 0 ? c * dir : a.id - b.id;
  });
  const body = el('tbody');
  for (const t of rows) {
    const tr = el('tr', {'data-task-id': t.id, 'data-state': t.state},
      el('td', {class: 'num'}, t.id),
      el('td', {}, taskLabel(t)),
      el('td', {class: 'state-' + t.state.split(',')[0]}, t.state),
      el('td', {class: 'num'}, nanos(t.busyNanos)),
      el('td', {class: 'num'}, nanos(t.idleNanos)),
      el('td', {class: 'num'}, t.polls),
      el('td', {class: 'mono', title: t.bodyClass}, t.location ?? t.body),
      el('td', {class: 'warnings'}, ...badges(t.warnings)));
    if (t.id === selected) tr.classList.add('selected');
    if (t.warnings.length > 0) tr.classList.add('warned');
    tr.addEventListener('click', () => select(t.id));
    body.append(tr);
  }
  table.tBodies[0].replaceWith(body);
  for (const th of table.tHead.querySelectorAll('th[data-sort]')) {
    th.classList.toggle('sorted-asc', th.dataset.sort === key && dir === 1);
    th.classList.toggle('sorted-desc', th.dataset.sort === key && dir === -1);
  }
}

function sortBy(key) {
  const table = document.getElementById('tasks');
  if (table.dataset.sortKey === key) {
    table.dataset.sortDir = table.dataset.sortDir === 'asc' ? 'desc' : 'asc';
  } else {
    table.dataset.sortKey = key;
    table.dataset.sortDir = NUMERIC.has(key) ? 'desc' : 'asc';
  }
  renderTasks({runtime: document.getElementById('runtime-name').textContent.slice(2), tasks: lastTasks});
}

// ---- detail -----------------------------------------------------------------------------------

function select(id) {
  selected = id;
  history.replaceState(null, '', '#task=' + id); // a link to this task's detail
  for (const tr of document.querySelectorAll('#tasks tbody tr')) {
    tr.classList.toggle('selected', Number(tr.dataset.taskId) === id);
  }
  refreshDetail();
}

async function refreshDetail() {
  const panel = document.getElementById('detail');
  if (selected == null) return;
  const id = selected;
  const t = await getJson('/api/tasks/' + id);
  if (id !== selected) return;
  panel.hidden = false;
  panel.dataset.taskId = id;
  if (t == null) {
    panel.dataset.state = 'ended';
    document.getElementById('detail-title').textContent = `Task ${id} has ended`;
    return;
  }
  panel.dataset.state = t.state;
  document.getElementById('detail-title').textContent = `Task ${t.id} · ${taskLabel(t)}`;

  const stats = [['state', t.state], ['polls', t.polls], ['busy', nanos(t.busyNanos)],
    ['scheduled', nanos(t.scheduledNanos)], ['idle', nanos(t.idleNanos)], ['age', nanos(t.ageNanos)],
    ['wakes', t.wakes], ['self-wakes', t.selfWakes], ['body', t.body],
    ['parent', t.parentId !== 0 ? 'task ' + t.parentId : '(none)']];
  document.getElementById('detail-stats').replaceChildren(
    ...stats.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));

  const span = document.getElementById('detail-span').tBodies[0];
  span.replaceChildren(...(t.span == null
    ? [el('tr', {}, el('td', {class: 'muted'}, 'no span'))]
    : [el('tr', {}, el('th', {}, 'name'), el('td', {}, `${t.span.name} (#${t.span.id})`)),
       ...Object.entries(t.span.fields).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v)))]));

  renderHistogram(t.pollTimes);
  document.getElementById('detail-site').replaceChildren(...t.site.map(s => el('li', {class: 'mono'}, s)));
  document.getElementById('detail-warnings').replaceChildren(...t.warnings.map(w =>
    el('p', {}, ...badges([w]), ' ', w.message)));
  const stack = document.getElementById('suspended-stack');
  if (t.suspendedAt.length > 0) {
    stack.replaceChildren(...frames(t.suspendedAt));
  } else {
    stack.textContent = `(no suspended stack: the task is ${t.state}${t.state === 'idle' ? ' and not an async block' : ''})`;
  }
  document.getElementById('detail-blocking').replaceChildren(...t.blocking.map(b => el('div', {class: 'report'},
    el('h3', {}, `${b.ongoing ? 'Blocking' : 'Blocked'} ${b.worker} for at least ${nanos(b.blockedForNanos)}`
      + (b.ongoing ? ' (still going on)' : '')),
    el('pre', {}, ...frames(b.stack)))));
}

/** Stack frames, one per line; the runtime's and the JDK's own frames dimmed, so yours stand out. */
function frames(stack) {
  return stack.map(f => el('span', {class: /^(dev\.weft\.(internal|runtime)\.|dev\.weft\.Future\.|java\.base\/)/.test(f)
    ? 'frame runtime-frame' : 'frame'}, 'at ' + f + '\n'));
}

function bucketLabel(i) {
  if (i === 0) return '<1µs';
  const lo = 2 ** (i - 1);
  return lo >= 1e6 ? (lo / 1e6) + 's' : lo >= 1e3 ? (lo / 1e3).toFixed(lo >= 1e4 ? 0 : 1) + 'ms' : lo + 'µs';
}

function renderHistogram(counts) {
  const box = document.getElementById('histogram');
  const last = Math.max(10, counts.findLastIndex(n => n > 0) + 1);
  const max = Math.max(1, ...counts);
  const bars = [], labels = [];
  for (let i = 0; i < Math.min(last + 1, Math.max(counts.length, 11)); i++) {
    const n = counts[i] ?? 0;
    const bar = el('div', {class: n > 0 ? 'bar' : 'bar empty', title: `${bucketLabel(i)} and up: ${n} sampled polls`,
      'data-count': n});
    bar.style.height = (n > 0 ? Math.max(3, 100 * n / max) : 1) + '%';
    bars.push(bar);
    labels.push(el('span', {}, i % 3 === 0 ? bucketLabel(i) : ''));
  }
  box.replaceChildren(...bars);
  let legend = box.nextElementSibling;
  if (!legend.classList.contains('histogram-labels')) {
    legend = el('div', {class: 'histogram-labels'});
    box.after(legend);
  }
  legend.replaceChildren(...labels);
}

// ---- runtime and lints ------------------------------------------------------------------------

function renderMetrics(m) {
  const summary = [['live tasks', m.liveTasks], ['polls', m.polls], ['steals', m.steals], ['parks', m.parks],
    ['inject queue', m.injectQueueDepth], ['budget yields', m.budgetForcedYields],
    ['blocking threads', `${m.blockingThreads} (${m.blockingIdleThreads} idle)`],
    ['blocking queue', m.blockingQueueDepth], ['blocking reports', m.blockingReports],
    ['pinned awaits', m.pinnedAwaits], ['flavour', m.multiThread ? 'multi-thread' : 'current-thread']];
  document.getElementById('metrics-summary').replaceChildren(
    ...summary.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  document.getElementById('workers').tBodies[0].replaceChildren(...m.workers.map(w =>
    el('tr', {'data-worker': w.index},
      el('td', {}, w.thread), el('td', {class: 'num'}, w.polls), el('td', {class: 'num'}, w.queueDepth),
      el('td', {class: 'num'}, w.steals), el('td', {class: 'num'}, w.homed), el('td', {class: 'num'}, w.liveHomed),
      el('td', {class: 'num'}, w.parks), el('td', {}, w.idle ? 'idle' : 'busy'),
      el('td', {class: 'num'}, w.currentTaskId || ''))));
}

function renderLints(data) {
  const list = document.getElementById('lints');
  if (data.lints.length === 0) {
    list.replaceChildren(el('li', {class: 'none'}, 'none'));
    return;
  }
  list.replaceChildren(...data.lints.map(l => {
    const li = el('li', {'data-lint': l.lint, 'data-task-id': l.taskId ?? ''}, ...badges([l]), ' ', l.message);
    if (l.taskId != null) li.addEventListener('click', () => select(l.taskId));
    return li;
  }));
}

// ---- the loop ---------------------------------------------------------------------------------

async function refresh() {
  const status = document.getElementById('status');
  try {
    const [tasks, metrics, lints] = await Promise.all(
      [getJson('/api/tasks'), getJson('/api/metrics'), getJson('/api/lints')]);
    renderTasks(tasks);
    renderMetrics(metrics);
    renderLints(lints);
    await refreshDetail();
    const table = document.getElementById('tasks');
    table.dataset.refreshes = String(Number(table.dataset.refreshes) + 1);
    status.textContent = 'updated ' + new Date(tasks.now).toLocaleTimeString();
    status.classList.remove('error');
  } catch (e) {
    status.textContent = 'cannot reach the runtime: ' + e.message;
    status.classList.add('error');
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  for (const th of document.querySelectorAll('#tasks th[data-sort]')) {
    th.addEventListener('click', () => sortBy(th.dataset.sort));
  }
  const linked = /^#task=(\d+)$/.exec(location.hash);
  if (linked) selected = Number(linked[1]);
  refresh();
});
