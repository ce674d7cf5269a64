'use strict';
// The inspector is plain browser JS with no build step, so it runs straight from the emulator.
(function () {
  var PAGE = 20;
  var state = { collection: null, offset: 0, total: 0 };
  var $ = function (id) {
    return document.getElementById(id);
  };

  function api(path, init) {
    return fetch(path, init).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(body.message || 'HTTP ' + res.status);
        return body;
      });
    });
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function setStatus(id, text, isError) {
    var node = $(id);
    node.textContent = text;
    node.className = 'status' + (isError ? ' error' : '');
  }

  function loadInfo() {
    return api('/_/info').then(function (info) {
      $('env').textContent = '环境 ' + info.envId;
      var list = $('collections');
      list.innerHTML = '';
      info.collections.forEach(function (c) {
        var li = el('li');
        li.dataset.name = c.name;
        li.appendChild(el('span', c.name));
        li.appendChild(el('span', String(c.count), 'count'));
        if (c.name === state.collection) li.className = 'active';
        li.addEventListener('click', function () {
          state.collection = c.name;
          state.offset = 0;
          loadInfo();
          loadDocs();
        });
        list.appendChild(li);
      });
    });
  }

  function loadDocs() {
    if (!state.collection) return;
    var q = '?limit=' + PAGE + '&offset=' + state.offset + '&filter=' + encodeURIComponent($('filter').value);
    setStatus('db-status', '加载中…');
    api('/_/collections/' + encodeURIComponent(state.collection) + q)
      .then(function (page) {
        state.total = page.total;
        var box = $('docs');
        box.innerHTML = '';
        page.docs.forEach(function (d) {
          box.appendChild(el('pre', JSON.stringify(d, null, 2), 'doc'));
        });
        if (page.total === 0) setStatus('db-status', state.collection + '：没有符合条件的文档。');
        else
          setStatus(
            'db-status',
            state.collection +
              '：共 ' +
              page.total +
              ' 条，显示第 ' +
              (state.offset + 1) +
              '–' +
              (state.offset + page.docs.length) +
              ' 条',
          );
        $('prev').disabled = state.offset === 0;
        $('next').disabled = state.offset + PAGE >= page.total;
      })
      .catch(function (err) {
        $('docs').innerHTML = '';
        setStatus('db-status', '查询失败：' + err.message, true);
      });
  }

  function fillTable(tbodyId, emptyId, rows, toCells) {
    var body = $(tbodyId);
    body.innerHTML = '';
    rows.forEach(function (row) {
      var tr = el('tr');
      toCells(row).forEach(function (cell) {
        var td = el('td');
        if (typeof cell === 'string') td.textContent = cell;
        else td.appendChild(el('pre', JSON.stringify(cell, null, 1)));
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    $(emptyId).hidden = rows.length > 0;
  }

  var KIND_NAMES = { sms: '短信', subscribe: '订阅消息', face: '人脸核身' };
  function loadOutbox() {
    var kind = $('outbox-kind').value;
    api('/_/outbox' + (kind ? '?kind=' + kind : '')).then(function (r) {
      fillTable('outbox', 'outbox-empty', r.entries, function (e) {
        return [new Date(e.at).toLocaleString('zh-CN'), KIND_NAMES[e.kind] || e.kind, e.payload, e.state];
      });
    });
  }

  function loadCalls() {
    api('/_/calls').then(function (r) {
      fillTable('calls', 'calls-empty', r.calls, function (c) {
        return [
          new Date(c.at).toLocaleString('zh-CN'),
          c.name,
          c.openid || '（服务端）',
          c.durationMs + ' ms',
          c.error ? '失败：' + c.error : c.result,
        ];
      });
    });
  }

  function loadFiles() {
    api('/_/files').then(function (r) {
      fillTable('files', 'files-empty', r.files, function (f) {
        return [f.fileID, f.size + ' 字节'];
      });
    });
  }

  var OPS = { find: '查询', count: '计数', aggregate: '聚合', explain: '分析' };
  function loadQueries() {
    api('/_/queries').then(function (r) {
      var rows = r.queries.slice(-200).reverse();
      fillTable('queries', 'queries-empty', rows, function (q) {
        var plan = q.plan + (q.inMemorySort ? ' + 内存排序' : '');
        return [
          new Date(q.at).toLocaleTimeString('zh-CN'),
          q.collection,
          OPS[q.op] || q.op,
          q.filter + (q.sort ? ' 排序 ' + q.sort : '') + (q.limit !== undefined ? ' 限 ' + q.limit : ''),
          plan,
          String(q.keysExamined),
          String(q.docsExamined),
          String(q.nReturned),
        ];
      });
      Array.prototype.forEach.call($('queries').rows, function (tr, i) {
        if (rows[i].stage === 'COLLSCAN' || rows[i].inMemorySort) tr.className = 'warn';
      });
    });
  }

  var loaders = { db: loadInfo, outbox: loadOutbox, calls: loadCalls, files: loadFiles, queries: loadQueries };
  document.querySelectorAll('nav button').forEach(function (button) {
    button.addEventListener('click', function () {
      document.querySelectorAll('nav button').forEach(function (b) {
        b.classList.toggle('active', b === button);
      });
      document.querySelectorAll('.tab').forEach(function (t) {
        t.classList.toggle('active', t.id === 'tab-' + button.dataset.tab);
      });
      loaders[button.dataset.tab]();
    });
  });
  $('filter-form').addEventListener('submit', function (e) {
    e.preventDefault();
    state.offset = 0;
    loadDocs();
  });
  $('prev').addEventListener('click', function () {
    state.offset = Math.max(0, state.offset - PAGE);
    loadDocs();
  });
  $('next').addEventListener('click', function () {
    state.offset += PAGE;
    loadDocs();
  });
  $('outbox-kind').addEventListener('change', loadOutbox);
  $('outbox-refresh').addEventListener('click', loadOutbox);
  $('calls-refresh').addEventListener('click', loadCalls);
  $('files-refresh').addEventListener('click', loadFiles);
  $('queries-refresh').addEventListener('click', loadQueries);
  loadInfo();
})();
