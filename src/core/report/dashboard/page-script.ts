// The dashboard's script, run by the browser: it reads the JSON data island and draws the charts
// of the chosen series with uPlot. Every text from the records reaches the page through
// textContent, never innerHTML, so a series or GPU name cannot inject markup. Each chart's figure
// carries `data-chart` and `data-points` (the points its data holds), so a reader's tools (and a
// browser check) can see what was drawn without decoding the canvas.
export const PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var startMs = performance.now();
  var data = JSON.parse(document.getElementById('dashboard-data').textContent);
  var parsedMs = performance.now();
  var select = document.getElementById('series');
  var root = document.getElementById('charts');
  var driftRoot = document.getElementById('drift');
  var live = [];
  var drift = [];
  window.joulegateDashboard = { data: data, charts: live, drift: drift };

  var COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df', '#bf8700', '#0a7ea4', '#cf222e', '#6e7781'];

  function node(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function sig(v) {
    if (v === null || v === undefined) return '—';
    return String(Number(Number(v).toPrecision(3)));
  }
  function withUnit(unit) {
    return function (u, v) { return v === null || v === undefined ? '—' : sig(v) + ' ' + unit; };
  }
  function plain(u, v) { return sig(v); }
  function count(values) {
    var n = 0;
    for (var i = 0; i < values.length; i++) if (values[i] !== null && values[i] !== undefined) n++;
    return n;
  }
  function size(box) {
    var w = Math.max(240, Math.floor(box.clientWidth || 320));
    return { width: w, height: Math.max(160, Math.min(260, Math.round(w * 0.55))) };
  }

  function draw(list, container, kind, title, caption, opts, columns, pointsOf) {
    var fig = node('figure', 'chart');
    fig.dataset.chart = kind;
    fig.appendChild(node('figcaption', null, title));
    container.appendChild(fig);
    var plot = node('div', 'plot');
    fig.appendChild(plot);
    if (caption) fig.appendChild(node('p', 'caption', caption));
    var s = size(plot);
    opts.width = s.width;
    opts.height = s.height;
    opts.legend = { live: true };
    var u = new uPlot(opts, columns, plot);
    fig.dataset.points = String(count(u.data[pointsOf]));
    list.push(u);
    return u;
  }

  function timeAxis() { return { space: 60 }; }
  // the x legend names the commit under the cursor, not only its time
  function commitAt(runner) {
    return { label: 'commit', value: function (u, v, si, idx) {
      if (idx === null || idx === undefined || v === null) return '—';
      return (runner.commit[idx] || '?') + ' · ' + new Date(v * 1000).toISOString().slice(0, 16).replace('T', ' ');
    } };
  }

  function frontColumn(s) {
    var col = new Array(s.x.length);
    for (var i = 0; i < col.length; i++) col[i] = null;
    for (var j = 0; j < s.front.length; j++) col[s.front[j]] = s.y[s.front[j]];
    return col;
  }

  function drawRunner(series, runner, container) {
    var section = node('section', 'runner');
    section.dataset.runner = runner.id;
    section.appendChild(node('h3', null, runner.label));
    var grid = node('div', 'grid');
    section.appendChild(grid);
    container.appendChild(section);
    var unit = runner.unit;
    var hasNorm = count(runner.normalized) > 0;
    var energySeries = [
      commitAt(runner),
      { label: runner.estimated > 0 ? 'measured (' + runner.estimated + ' estimated)' : 'measured', stroke: COLORS[0], width: 1.5, value: withUnit(unit), points: { size: 4 } }
    ];
    var columns = [runner.t, runner.measured];
    var bands;
    if (hasNorm) {
      energySeries.push({ label: 'normalised', stroke: COLORS[2], width: 1.5, value: withUnit(unit), points: { size: 4 } });
      energySeries.push({ label: '80% low', stroke: 'rgba(26,127,55,0.35)', width: 1, value: withUnit(unit), points: { show: false } });
      energySeries.push({ label: '80% high', stroke: 'rgba(26,127,55,0.35)', width: 1, value: withUnit(unit), points: { show: false } });
      columns.push(runner.normalized, runner.lo, runner.hi);
      bands = [{ series: [4, 3], fill: 'rgba(26,127,55,0.12)' }];
    }
    draw(live, grid, 'energy', 'Energy per commit (' + unit + ')',
      hasNorm ? 'Measured on this runner, and normalised to the reference host with its 80% interval.'
              : 'Measured on this runner; no calibration, so no normalised figure.',
      { series: energySeries, bands: bands, axes: [timeAxis(), { values: function (u, t) { return t.map(sig); } }],
        scales: { x: { time: true } } },
      columns, 1);
    runner.metrics.forEach(function (m, i) {
      draw(live, grid, 'metric', m.name + ' per commit (' + (m.direction === 'higher' ? 'higher' : 'lower') + ' is better)', null,
        { series: [commitAt(runner), { label: m.name, stroke: COLORS[(i + 3) % COLORS.length], width: 1.5, value: plain, points: { size: 4 } }],
          axes: [timeAxis(), {}], scales: { x: { time: true } } },
        [runner.t, m.values], 1);
    });
    runner.scatter.forEach(function (s) {
      draw(live, grid, 'scatter', s.metric + ' against energy', 'Each dot is a run (' + runner.scatterBasis +
        ' energy); the line joins the Pareto front: no other run used less energy for a ' + s.metric + ' as good.',
        { series: [
            { label: 'energy', value: withUnit(unit) },
            { label: s.metric, stroke: COLORS[0], paths: function () { return null; }, points: { show: true, size: 6, fill: 'rgba(31,111,235,0.5)' }, value: plain },
            { label: 'Pareto front', stroke: COLORS[1], width: 2, spanGaps: true, points: { show: true, size: 7 }, value: plain }
          ],
          axes: [{ label: runner.scatterBasis + ' energy (' + unit + ')', values: function (u, t) { return t.map(sig); } }, { label: s.metric }],
          scales: { x: { time: false } } },
        [s.x, s.y, frontColumn(s)], 1);
    });
  }

  function render(name) {
    while (live.length) live.pop().destroy();
    root.textContent = '';
    var series = null;
    for (var i = 0; i < data.series.length; i++) if (data.series[i].name === name) series = data.series[i];
    root.dataset.series = series ? series.name : '';
    if (!series) { root.appendChild(node('p', 'empty', 'No records yet.')); return; }
    series.runners.forEach(function (r) { drawRunner(series, r, root); });
  }

  function renderDrift() {
    data.drift.forEach(function (d) {
      var cols = [d.t];
      var ser = [{}];
      d.workloads.forEach(function (w, i) {
        cols.push(w.values);
        ser.push({ label: w.name, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true, value: function (u, v) { return v === null || v === undefined ? '—' : sig(v) + '%'; }, points: { size: 5 } });
      });
      var u = draw(drift, driftRoot, 'drift', d.label, null,
        { series: ser, axes: [timeAxis(), { values: function (u, t) { return t.map(function (v) { return sig(v) + '%'; }); } }], scales: { x: { time: true } } },
        cols, 0);
      u.root.parentNode.parentNode.dataset.points = String(d.t.length);
    });
    if (data.drift.length === 0) driftRoot.appendChild(node('p', 'empty', 'No calibrations in the store.'));
  }

  data.series.forEach(function (s) {
    var o = node('option', null, s.name + ' (' + s.records + ')');
    o.value = s.name;
    select.appendChild(o);
  });
  var wanted = decodeURIComponent(location.hash.slice(1));
  if (wanted) select.value = wanted;
  if (select.selectedIndex < 0) select.selectedIndex = 0;
  select.addEventListener('change', function () {
    history.replaceState(null, '', '#' + encodeURIComponent(select.value));
    render(select.value);
  });
  render(select.value);
  renderDrift();

  var pending = 0;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      live.concat(drift).forEach(function (u) { u.setSize(size(u.root.parentNode)); });
    }, 100);
  });
  // from navigation start to drawn charts, for anyone timing the page on their device
  window.joulegateDashboard.drawnMs = Math.round(performance.now());
  window.joulegateDashboard.timings = { scriptStartMs: Math.round(startMs), dataParsedMs: Math.round(parsedMs) };
  document.body.dataset.ready = 'true';
})();`
