/**
 * The console's behaviour: plain browser JavaScript, no build step, no CDN. Every value from the
 * API is written with textContent, never as HTML, because dead letters carry arbitrary bytes.
 */
export const CONSOLE_SCRIPT = String.raw`(function () {
  'use strict';
  var TOKEN = 'ops.token', OPERATOR = 'ops.operator';
  var view = document.getElementById('view');
  var notice = document.getElementById('notice');

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === undefined || value === null || value === false) return;
      if (key === 'text') node.textContent = String(value);
      else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function render(nodes) { view.replaceChildren.apply(view, nodes); }
  function table(headings, rows) {
    return el('table', {}, [el('thead', {}, [el('tr', {}, headings.map(function (h) { return el('th', { text: h }); }))]), el('tbody', {}, rows)]);
  }
  function time(iso) { return iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + 'Z' : ''; }
  function say(message, isError) {
    notice.textContent = message;
    notice.className = isError ? 'error' : '';
    notice.hidden = false;
  }
  function fail(error) { say(error.message, true); }
  // A notice survives the one navigation the console makes itself (back to the list after a replay).
  var keepNotice = false;
  function navigate(hash) {
    if (location.hash === hash) return route();
    keepNotice = true;
    location.hash = hash;
  }

  function api(method, path, body) {
    var headers = { accept: 'application/json' };
    var token = sessionStorage.getItem(TOKEN);
    var operator = sessionStorage.getItem(OPERATOR);
    if (token) headers.authorization = 'Bearer ' + token;
    if (operator) headers['x-operator'] = operator;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) {
        return response.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text }; }
          if (response.ok) return data;
          var detail = (data && (data.detail || data.title)) || 'HTTP ' + response.status;
          if (response.status === 401) detail = 'Enter the operator token first. ' + detail;
          if (response.status === 403) detail = 'The operator token was refused. ' + detail;
          throw new Error(detail);
        });
      });
  }

  function groupOf(item) { return { queue: item.queue, type: item.type || null, code: item.code || item.errorCode }; }
  function listHash(group) {
    return '#/list?' + new URLSearchParams({ queue: group.queue, type: group.type || '', code: group.code }).toString();
  }
  function bulk(action, selection, count, after) {
    if (!confirm(action === 'replay' ? 'Replay ' + count + ' dead letter(s)?' : 'Archive ' + count + ' dead letter(s)?')) return;
    api('POST', '/dead-letters/' + action, selection).then(function (outcome) {
      var done = action === 'replay' ? outcome.replayed : outcome.archived;
      var failed = outcome.failed ? outcome.failed.length : 0;
      say((action === 'replay' ? 'Replayed ' : 'Archived ') + done + ' of ' + outcome.requested + (failed ? '; ' + failed + ' failed' : ''), failed > 0);
      after();
    }).catch(fail);
  }

  function showGroups() {
    var title = el('h2', { text: 'Dead-letter groups' });
    return api('GET', '/dead-letters/groups').then(function (groups) {
      if (groups.length === 0) return render([title, el('p', { 'class': 'muted empty', text: 'No dead letters.' })]);
      render([title, table(['Queue', 'Type', 'Error', 'Count', 'First failure', 'Last failure', ''], groups.map(function (g) {
        return el('tr', { 'class': 'group', 'data-queue': g.queue, 'data-code': g.code }, [
          el('td', { text: g.queue }), el('td', { text: g.type || '(none)' }),
          el('td', { title: g.sampleError }, [el('code', { text: g.code })]),
          el('td', { 'class': 'num', text: g.count }), el('td', { text: time(g.firstFailedAt) }), el('td', { text: time(g.lastFailedAt) }),
          el('td', {}, [
            el('a', { href: listHash(g), 'class': 'button open-group', text: 'Open' }),
            el('button', { 'class': 'primary', text: 'Replay all', onclick: function () { bulk('replay', { group: groupOf(g) }, g.count, route); } }),
            el('button', { 'class': 'danger', text: 'Archive all', onclick: function () { bulk('archive', { group: groupOf(g) }, g.count, route); } }),
          ]),
        ]);
      }))]);
    });
  }

  function showList(params) {
    var group = { queue: params.get('queue') || '', type: params.get('type') || '', code: params.get('code') || '' };
    var query = new URLSearchParams({ queue: group.queue, type: group.type, code: group.code, limit: '200' });
    return api('GET', '/dead-letters?' + query.toString()).then(function (page) {
      var selected = function () {
        return Array.prototype.map.call(view.querySelectorAll('input.pick:checked'), function (box) { return Number(box.value); });
      };
      var rows = page.items.map(function (d) {
        return el('tr', { 'class': 'dead-letter', 'data-id': d.id, 'data-message-id': d.messageId }, [
          el('td', {}, [el('input', { type: 'checkbox', 'class': 'pick', value: d.id, 'aria-label': 'select ' + d.id })]),
          el('td', {}, [el('a', { href: '#/message/' + d.id, 'class': 'open-message', text: d.messageId })]),
          el('td', { 'class': 'num', text: d.attempts }), el('td', { text: time(d.lastFailedAt) }),
          el('td', { 'class': 'error', title: d.errorMessage, text: d.errorMessage }),
          el('td', {}, [
            el('button', { 'class': 'primary replay', text: 'Replay', onclick: function () { act('replay', d.id, route); } }),
            el('button', { 'class': 'danger archive', text: 'Archive', onclick: function () { act('archive', d.id, route); } }),
          ]),
        ]);
      });
      render([
        el('p', {}, [el('a', { href: '#/groups', text: '← all groups' })]),
        el('h2', { text: group.queue + ' · ' + (group.type || '(no type)') + ' · ' + group.code }),
        el('p', { 'class': 'muted', text: page.total + ' dead letter(s)' + (page.total > page.items.length ? ', first ' + page.items.length + ' shown' : '') }),
        el('div', { 'class': 'toolbar' }, [
          el('button', { 'class': 'primary', text: 'Replay selected', onclick: function () { var ids = selected(); if (ids.length) bulk('replay', { ids: ids }, ids.length, route); } }),
          el('button', { 'class': 'danger', text: 'Archive selected', onclick: function () { var ids = selected(); if (ids.length) bulk('archive', { ids: ids }, ids.length, route); } }),
        ]),
        page.items.length ? table(['', 'Message id', 'Attempts', 'Last failure', 'Error', ''], rows) : el('p', { 'class': 'muted empty', text: 'None left in this group.' }),
      ]);
    });
  }

  var DONE = { replay: 'Replayed', archive: 'Archived', skip: 'Skipped' };
  function act(action, id, after) {
    if (action === 'skip' && !confirm('Skip dead letter ' + id + '? Its consumer counts it as applied without running it; the dead letters parked behind it follow.')) return;
    return api('POST', '/dead-letters/' + id + '/' + action).then(function () {
      say(DONE[action] + ' dead letter ' + id + (action === 'archive' ? '' : ', with any dead letters parked behind it'));
      after();
    }).catch(fail);
  }

  function showMessage(id) {
    return api('GET', '/dead-letters/' + encodeURIComponent(id)).then(function (d) {
      var body = d.body;
      if (d.bodyEncoding === 'utf8') { try { body = JSON.stringify(JSON.parse(d.body), null, 2); } catch (e) { body = d.body; } }
      var back = function () { navigate(listHash(groupOf(d))); };
      var fields = [['Id', d.id], ['Queue', d.queue], ['Message id', d.messageId], ['Type', d.type || '(none)'], ['Status', d.status],
        ['Error', d.errorCode + ': ' + d.errorMessage], ['Attempts', d.attempts], ['Dead-lettered', d.timesDeadLettered + ' time(s)'],
        ['First failure', time(d.firstFailedAt)], ['Last failure', time(d.lastFailedAt)],
        ['Replays', d.replayCount + (d.lastReplayedAt ? ', last ' + time(d.lastReplayedAt) + ' by ' + d.lastReplayedBy : '')]];
      render([
        el('p', {}, [el('a', { href: listHash(groupOf(d)), text: '← ' + d.queue + ' · ' + d.errorCode })]),
        el('h2', { text: 'Dead letter ' + d.id }),
        el('dl', { id: 'message-fields' }, fields.reduce(function (nodes, f) { return nodes.concat([el('dt', { text: f[0] }), el('dd', { text: f[1] })]); }, [])),
        el('div', { 'class': 'toolbar' }, d.status === 'dead' ? [
          el('button', { id: 'replay-message', 'class': 'primary', text: 'Replay', onclick: function () { act('replay', d.id, back); } }),
          el('button', { id: 'skip-message', text: 'Skip', onclick: function () { act('skip', d.id, back); } }),
          el('button', { id: 'archive-message', 'class': 'danger', text: 'Archive', onclick: function () { act('archive', d.id, back); } }),
        ] : []),
        el('h3', { text: 'Body (' + d.bodyEncoding + ')' }), el('pre', { id: 'message-body', text: body }),
        el('h3', { text: 'Headers' }), el('pre', { id: 'message-headers', text: JSON.stringify(d.headers, null, 2) }),
        el('h3', { text: 'History' }),
        d.history.length ? el('ul', {}, d.history.map(function (h) { return el('li', { text: time(h.at) + ' ' + h.action + ' by ' + h.actor }); }))
          : el('p', { 'class': 'muted', text: 'No operator action yet.' }),
      ]);
    });
  }

  // A stream its consumer holds behind a dead letter (the blocker): replaying or skipping the blocker releases the rest in order.
  function showParked() {
    var title = el('h2', { text: 'Parked streams' });
    return api('GET', '/dead-letters/parked').then(function (streams) {
      if (streams.length === 0) return render([title, el('p', { 'class': 'muted empty', text: 'No parked streams.' })]);
      var versions = function (list) { return list.length > 6 ? list.slice(0, 3).join(', ') + ' … ' + list[list.length - 1] : list.join(', '); };
      render([title, el('p', { 'class': 'muted', text: 'Fix the cause, then replay the blocker, or skip it to go on without it; the parked dead letters follow in version order.' }),
        table(['Queue', 'Stream', 'Blocker', 'Blocker version', 'Blocker error', 'Parked', 'Parked versions', 'Since', ''], streams.map(function (s) {
          var b = s.blocker;
          var dead = b.id !== null && b.status === 'dead';
          return el('tr', { 'class': 'parked-stream', 'data-queue': s.queue, 'data-stream': s.streamId }, [
            el('td', { text: s.queue }), el('td', { text: s.streamId }),
            el('td', {}, [b.id === null ? el('span', { 'class': 'muted', text: 'not stored: ' + b.messageId }) : el('a', { href: '#/message/' + b.id, 'class': 'open-blocker', text: String(b.id) })]),
            el('td', { 'class': 'num', text: b.version == null ? '?' : b.version }),
            el('td', { 'class': 'error', title: b.errorMessage || '', text: (b.errorCode || '?') + (b.status && b.status !== 'dead' ? ' (' + b.status + ')' : '') }),
            el('td', { 'class': 'num', text: s.parked }), el('td', { text: versions(s.parkedVersions) }), el('td', { text: time(s.parkedSince) }),
            el('td', {}, [
              el('button', { 'class': 'primary replay-blocker', text: 'Replay blocker', disabled: !dead, onclick: function () { act('replay', b.id, route); } }),
              el('button', { 'class': 'skip-blocker', text: 'Skip blocker', disabled: !dead, onclick: function () { act('skip', b.id, route); } }),
            ]),
          ]);
        }))]);
    });
  }

  function showSubscriptions() {
    return api('GET', '/subscriptions').then(function (result) {
      var down = result.producers.filter(function (p) { return !p.available; });
      var rows = result.subscriptions.map(function (s) {
        var busy = s.status === 'unavailable';
        var subscriptionAction = function (action, body) {
          api('POST', '/subscriptions/' + encodeURIComponent(s.name) + '/' + action, body).then(function () {
            say(action + ' ' + s.name + ': done');
            route();
          }).catch(fail);
        };
        return el('tr', { 'class': 'subscription', 'data-name': s.name }, [
          el('td', { text: s.name }), el('td', { text: s.producer }), el('td', { text: s.consumer }),
          el('td', { 'class': 'status-' + s.status, text: s.status }),
          el('td', { 'class': 'num lag-events', text: s.lagEvents === null ? '–' : s.lagEvents }),
          el('td', { 'class': 'num', text: s.lagSeconds === null ? '–' : s.lagSeconds.toFixed(1) }),
          el('td', { 'class': 'num', text: s.cursorPosition === null ? '–' : s.cursorPosition }),
          el('td', { 'class': 'num applied-p50', text: s.appliedP50Seconds == null ? '–' : s.appliedP50Seconds.toFixed(3) }),
          el('td', { 'class': 'num applied-p99', text: s.appliedP99Seconds == null ? '–' : s.appliedP99Seconds.toFixed(3) }),
          el('td', { 'class': 'backfill' }, backfillCell(s.backfill)),
          el('td', {}, [
            el('button', { text: s.status === 'paused' ? 'Resume' : 'Pause', disabled: busy, onclick: function () { subscriptionAction(s.status === 'paused' ? 'resume' : 'pause'); } }),
            el('button', { 'class': 'danger', text: 'Rewind…', disabled: busy, onclick: function () {
              var answer = prompt('Re-deliver into ' + s.name + ' every event after which global position? 0 rebuilds the consumer.', '0');
              if (answer !== null && /^\d+$/.test(answer.trim())) subscriptionAction('rewind', { toPosition: Number(answer.trim()) });
            } }),
            s.registeredAt ? el('button', { 'class': 'danger remove', text: 'Remove…', disabled: busy, onclick: function () {
              var answer = prompt('Removing deletes the subscription ' + s.name + ' and its cursor. Type its name to confirm.', '');
              if (answer !== null && answer.trim() === s.name) subscriptionAction('remove', { confirm: s.name });
            } }) : null,
          ]),
        ]);
      });
      var frontiers = result.producers.map(function (p) {
        var f = p.frontier || { held: null, error: 'not reported' };
        var text = f.held === true
          ? p.producer + ': commit frontier HELD' + (f.heldSeconds == null ? '' : ' for ' + f.heldSeconds.toFixed(1) + ' s') +
            ' by transaction ' + f.transactionId + (f.pid ? ' (pid ' + f.pid + ', ' + f.database + ': ' + f.query + ')' : '')
          : f.held === false ? p.producer + ': commit frontier free' : p.producer + ': frontier unknown (' + f.error + ')';
        if (f.relayRefusal) text += '; relay refuses to run: ' + f.relayRefusal;
        return el('li', { 'class': 'frontier' + (f.held ? ' status-dead' : ''), 'data-producer': p.producer, text: text });
      });
      render([
        el('h2', { text: 'Subscriptions' }),
        el('ul', { id: 'frontiers' }, frontiers),
        down.length ? el('p', { 'class': 'status-unavailable', text: 'Unavailable: ' + down.map(function (p) { return p.producer + ' (' + p.error + ')'; }).join(', ') }) : null,
        table(['Queue', 'Producer', 'Consumer', 'Status', 'Lag (events)', 'Lag (s)', 'Cursor', 'Applied p50 (s)', 'Applied p99 (s)', 'Backfill', ''], rows),
        el('h3', { text: 'Register a consumer' }),
        el('p', { 'class': 'muted', text: 'Its broker user and queues come first from the administrator: npm run provision -- --add-consumer <name> --producer <producer>.' }),
        consumerForm(),
      ]);
      // A running backfill is followed every second, not every five.
      var running = result.subscriptions.some(function (s) { return s.backfill && !s.backfill.done; });
      if (running) setTimeout(function () { if (location.hash === '#/subscriptions') route(); }, 1000);
    });
  }

  function backfillCell(b) {
    if (!b) return [];
    var delivered = b.total - b.remaining;
    return [
      el('progress', { max: Math.max(b.total, 1), value: b.total === 0 ? 1 : delivered }),
      ' ' + (b.done ? 'done, ' + b.total + ' events' : delivered + '/' + b.total) + (b.ratePerSecond ? ' (≤ ' + b.ratePerSecond + '/s)' : ''),
    ];
  }

  // Built once, so that what the operator typed survives the view's refreshes.
  var registerForm = null;
  function consumerForm() {
    if (registerForm) return registerForm;
    var field = function (id, label, placeholder, value) {
      return el('label', {}, [label + ' ', el('input', { id: id, placeholder: placeholder, value: value })]);
    };
    registerForm = el('form', { id: 'register-consumer', onsubmit: function (event) {
      event.preventDefault();
      var value = function (id) { return document.getElementById(id).value.trim(); };
      var body = { name: value('consumer-queue'), from: value('consumer-from') || '0' };
      var types = value('consumer-types').split(',').map(function (t) { return t.trim(); }).filter(Boolean);
      if (types.length) body.eventTypes = types;
      if (value('consumer-rate')) body.backfillRatePerSecond = Number(value('consumer-rate'));
      api('POST', '/subscriptions', body).then(function () {
        say('Registered ' + body.name + ' from ' + body.from + '; its backfill shows in the table.');
        document.getElementById('consumer-queue').value = '';
        route();
      }).catch(fail);
    } }, [
      field('consumer-queue', 'Queue', 'bi.account-events'),
      field('consumer-types', 'Event types', 'every type, or AccountOpened,LimitUpdated'),
      field('consumer-from', 'From', '0 or now', '0'),
      field('consumer-rate', 'Backfill events/s', 'full speed'),
      el('button', { type: 'submit', text: 'Register' }),
    ]);
    return registerForm;
  }

  function showCheckouts() {
    return api('GET', '/checkouts/unfinished').then(function (result) {
      var rows = result.checkouts.map(function (c) {
        return el('tr', { 'class': 'checkout', 'data-id': c.checkoutId }, [
          el('td', { text: c.checkoutId }), el('td', { text: time(c.startedAt) }),
          el('td', { 'class': 'num', text: c.ageSeconds.toFixed(1) }),
          el('td', { 'class': c.overdue ? 'status-paused' : '', text: (c.step || '') + (c.overdue ? ' (overdue)' : '') }),
          el('td', { 'class': 'num', text: c.attempts }), el('td', { 'class': 'error', text: c.lastError || '' }),
          el('td', {}, [el('button', { 'class': 'danger compensate', text: 'Compensate', onclick: function () {
            if (!confirm('Stop trying to finish checkout ' + c.checkoutId + ' and undo it (void, refund)?')) return;
            api('POST', '/checkouts/' + encodeURIComponent(c.checkoutId) + '/compensate').then(function (outcome) {
              say('Checkout ' + c.checkoutId + ': ' + outcome.status + (outcome.reason ? ' (' + outcome.reason + ')' : ''));
              route();
            }).catch(fail);
          } })]),
        ]);
      });
      render([
        el('h2', { text: 'Unfinished checkouts' }),
        el('p', { id: 'unfinished-summary', text: result.count === 0 ? 'Every checkout is final.'
          : result.count + ' not final; the oldest started ' + result.oldestAgeSeconds.toFixed(1) + ' s ago.' }),
        table(['Checkout', 'Started', 'Age (s)', 'Step', 'Attempts', 'Last error', ''], rows),
      ]);
    });
  }

  function route() {
    var hash = location.hash.replace(/^#\/?/, '') || 'groups';
    var parts = hash.split('?');
    var path = parts[0].split('/');
    document.getElementById('nav-groups').className = ['subscriptions', 'checkouts', 'parked'].indexOf(path[0]) >= 0 ? '' : 'active';
    document.getElementById('nav-parked').className = path[0] === 'parked' ? 'active' : '';
    document.getElementById('nav-subscriptions').className = path[0] === 'subscriptions' ? 'active' : '';
    document.getElementById('nav-checkouts').className = path[0] === 'checkouts' ? 'active' : '';
    var shown = path[0] === 'subscriptions' ? showSubscriptions()
      : path[0] === 'parked' ? showParked()
      : path[0] === 'checkouts' ? showCheckouts()
      : path[0] === 'list' ? showList(new URLSearchParams(parts[1] || ''))
      : path[0] === 'message' ? showMessage(path[1])
      : showGroups();
    return shown.catch(fail);
  }

  function showAuth() {
    document.getElementById('auth-state').textContent = sessionStorage.getItem(TOKEN) ? 'token set' : 'no token: enter the operator token';
    document.getElementById('operator').value = sessionStorage.getItem(OPERATOR) || '';
  }
  document.getElementById('auth').addEventListener('submit', function (event) {
    event.preventDefault();
    var token = document.getElementById('token').value.trim();
    var operator = document.getElementById('operator').value.trim();
    if (token) sessionStorage.setItem(TOKEN, token);
    if (operator) sessionStorage.setItem(OPERATOR, operator); else sessionStorage.removeItem(OPERATOR);
    document.getElementById('token').value = '';
    showAuth();
  });
  document.getElementById('forget-token').addEventListener('click', function () {
    sessionStorage.removeItem(TOKEN);
    showAuth();
  });

  window.addEventListener('hashchange', function () {
    if (!keepNotice) notice.hidden = true;
    keepNotice = false;
    route();
  });
  // Overviews refresh themselves; a list or a message waits for the operator.
  setInterval(function () {
    if (document.hidden) return;
    var hash = location.hash;
    if (hash === '' || hash === '#/groups' || hash === '#/subscriptions' || hash === '#/checkouts' || hash === '#/parked') route();
  }, 5000);
  showAuth();
  route();
})();
`;
