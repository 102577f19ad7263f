// The map's own time control: every filtered event arrives once (payload.py); the window, Play/Pause,
// speed, step, moving/cumulative and the timeline histogram run here, with no Streamlit rerun per step,
// and the view is never reset. Clusters split by type colour; events known only to a governorate or a
// country are counts on that region, never pins; bases sit in their own pane above everything.
// Text in the payload is already HTML-escaped in Python; this file only concatenates it.
(function () {
  if (window.GeoApp) { return; }
  var DAY = 86400000;
  var UNITS = {day: 'day', week: 'week', month: 'month', quarter: 'quarter'};
  var SPEEDS = [0.25, 0.5, 1, 2, 4, 8];
  var CELL = 52;          // px: places closer than this on screen share a cluster
  var SINGLES_MAX = 8;    // a cluster this small is drawn as its events' own markers
  var FAN = 7.5;          // px between fanned-out markers at one place

  function dayOf(iso) { var p = iso.split('-'); return Math.round(Date.UTC(+p[0], +p[1] - 1, +p[2]) / DAY); }
  function iso(day) { return new Date(day * DAY).toISOString().slice(0, 10); }
  function ymd(day) { var d = new Date(day * DAY); return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()]; }
  function fromYmd(y, m, d) { return Math.round(Date.UTC(y, m, d) / DAY); }
  function addMonths(day, k) {
    var t = ymd(day), last = new Date(Date.UTC(t[0], t[1] + k + 1, 0)).getUTCDate();
    return fromYmd(t[0], t[1] + k, Math.min(t[2], last));
  }
  // ``day`` moved by k units; months and quarters are calendar months (never 30 days).
  function add(day, unit, k) {
    if (unit === 'day') { return day + k; }
    if (unit === 'week') { return day + 7 * k; }
    return addMonths(day, unit === 'quarter' ? 3 * k : k);
  }
  // The first day of the unit containing ``day`` (Monday, the 1st, the quarter's first month).
  function floorUnit(day, unit) {
    if (unit === 'day') { return day; }
    if (unit === 'week') { return day - ((new Date(day * DAY).getUTCDay() + 6) % 7); }
    var t = ymd(day);
    return fromYmd(t[0], unit === 'quarter' ? t[1] - (t[1] % 3) : t[1], 1);
  }
  // The first index whose day is >= day (D is sorted ascending).
  function lowerBound(D, day) {
    var lo = 0, hi = D.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (D[mid] < day) { lo = mid + 1; } else { hi = mid; } }
    return lo;
  }
  function el(tag, cls, parent, html) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (html !== undefined) { e.innerHTML = html; }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  // Pixel offsets on a sunflower (Vogel) spiral; around a base the spiral keeps a hole for its square.
  function vogel(k, inner) {
    var g = Math.PI * (3 - Math.sqrt(5)), r = inner ? inner + FAN * Math.sqrt(k - 1) : FAN * Math.sqrt(k);
    return [r * Math.cos(k * g), r * Math.sin(k * g)];
  }

  function GeoApp(map, data, opts) {
    this.map = map;
    this.data = data;
    this.opts = opts || {};
    this.host = this.opts.host || null;  // the Streamlit component, when there is one
    var ev = data.ev, n = ev.d.length, d0 = dayOf(data.d0);
    this.n = n;
    this.D = new Int32Array(n); this.E = new Int32Array(n);
    for (var i = 0; i < n; i++) { this.D[i] = d0 + ev.d[i]; this.E[i] = this.D[i] + ev.e[i]; }
    this.P = ev.p; this.Y = ev.y; this.T = ev.t; this.K = ev.k; this.X = ev.x;
    var lo = n ? this.D[0] : dayOf(new Date().toISOString().slice(0, 10)), hi = lo;
    this.maxSpan = 0;  // the payload is sorted by first day: a window scans [a - maxSpan, b] only
    for (var j = 0; j < n; j++) {
      if (this.E[j] > hi) { hi = this.E[j]; }
      if (this.D[j] < lo) { lo = this.D[j]; }
      if (this.E[j] - this.D[j] > this.maxSpan) { this.maxSpan = this.E[j] - this.D[j]; }
    }
    if (hi === lo) { hi = lo + 1; }
    this.lo = lo; this.hi = hi; this.d0 = d0;
    var w = this.opts.window || data.window;
    this.a = w ? Math.max(lo, dayOf(w[0])) : lo;
    this.b = w ? Math.min(hi, dayOf(w[1])) : hi;
    if (this.a > this.b) { this.a = lo; this.b = hi; }
    this.unit = UNITS[this.opts.step] || 'month';
    this.speed = SPEEDS.indexOf(+this.opts.speed) >= 0 ? +this.opts.speed : 1;
    this.mode = this.opts.mode === 'cumulative' ? 'cumulative' : 'moving';
    this.playing = false;
    this.timer = null;
    this.selected = -1;
    this.details = data.details || null;
    // Review buttons in event popups only when the dashboard may write (the host says so; Python checks
    // the write switch again before it records anything).
    this.reviewable = !!this.opts.review;
    this.stats = {inWindow: 0, onMap: 0, markers: 0, clusters: 0, regions: 0, steps: 0, lastStepMs: 0};
    this._build();
    this.render();
  }

  GeoApp.prototype._build = function () {
    var map = this.map, self = this;
    if (!map.getPane('geoBases')) {
      map.createPane('geoBases').style.zIndex = 640;  // above every event marker and cluster (600)
      map.createPane('geoRegions').style.zIndex = 590;
    }
    this.svgBases = L.svg({pane: 'geoBases'});
    this.gPoints = L.layerGroup().addTo(map);
    this.gRegions = L.layerGroup().addTo(map);
    this.gMoves = L.layerGroup().addTo(map);
    this.gBases = L.layerGroup().addTo(map);
    this.heat = L.heatLayer ? L.heatLayer([], {radius: 28, blur: 22, minOpacity: 0.25, maxZoom: 9}) : null;
    var lc = this.opts.layers;
    if (lc) {
      lc.addOverlay(this.gBases, 'Bases (status at the window\u2019s end)');
      lc.addOverlay(this.gPoints, 'Events (clusters by type)');
      lc.addOverlay(this.gRegions, 'Events known only to a governorate / country');
      lc.addOverlay(this.gMoves, 'Movements');
      if (this.heat) { lc.addOverlay(this.heat, 'Heatmap (events in the window)'); }
    }
    this._buildBases();
    this._buildPanel();
    map.on('zoomend', function () { self._projCache = null; self.render(); self._zoomClass(); });
    map.on('moveend', function () { self._emitView(); });
    this._zoomClass();
  };

  GeoApp.prototype._zoomClass = function () {
    var c = this.map.getContainer(), z = this.map.getZoom();
    // Town labels only once there is room for them.
    if (z >= 8) { L.DomUtil.addClass(c, 'geo-z8'); } else { L.DomUtil.removeClass(c, 'geo-z8'); }
  };

  // --- bases --------------------------------------------------------------------------------------
  GeoApp.prototype._buildBases = function () {
    var self = this, st = this.data.status;
    this.baseAt = {};
    this.data.bases.forEach(function (b) { self.baseAt[b.lat.toFixed(4) + ',' + b.lon.toFixed(4)] = true; });
    this.baseMarkers = this.data.bases.map(function (b) {
      var h = b.h.map(function (r) {
        return {day: self.d0 + r[0], status: r[1], when: r[2], src: r[3], last: self.d0 + r[4], curated: r[5]};
      });
      var m = new L.ShapeMarker([b.lat, b.lon], {shape: 'square', radius: 7, color: '#1a1a1a', weight: 2,
        opacity: 1, fillColor: st.unknown[0], fillOpacity: 0.95, className: 'base-marker base-unknown',
        pane: 'geoBases', renderer: self.svgBases});
      m._geo = {b: b, h: h, status: null};
      m.bindTooltip(function () { return self._baseTip(m); }, {direction: 'top', offset: [0, -8]});
      m.bindPopup(function () { return self._basePopup(m); }, {maxWidth: 380});
      m.addTo(self.gBases);
      return m;
    });
  };
  GeoApp.prototype._baseAt = function (m) {
    var h = m._geo.h, cur = null;
    for (var i = 0; i < h.length; i++) { if (h[i].day <= this.b) { cur = h[i]; } }
    return cur;
  };
  // The sentence for one status run, as of the window's end (never telling of later reports).
  GeoApp.prototype._runLabel = function (r) {
    if (r.status === 'present') {
      var t = 'Coalition troops present since ' + r.when;
      if (r.last > r.day) {
        t += r.last <= this.b ? '; last reported with coalition troops on ' + iso(r.last)
          : '; still reported with coalition troops on ' + iso(this.b);
      }
      return t;
    }
    return (r.status === 'handed_over' ? 'Handed over to Iraq on ' : 'Coalition withdrew on ') + r.when +
      (r.curated ? '' : ' (as reported)');
  };
  GeoApp.prototype._baseTip = function (m) {
    var cur = this._baseAt(m), st = this.data.status;
    return m._geo.b.name + ' \u2014 ' + (cur ? this._runLabel(cur) : st.unknown[1]);
  };
  GeoApp.prototype._basePopup = function (m) {
    var b = m._geo.b, cur = this._baseAt(m), st = this.data.status, s = cur ? cur.status : 'unknown';
    var h = '<div class="gp"><div class="gp-h" style="border-left-color:' + st[s][0] + '">' + b.name + '</div>';
    if (b.ar) { h += '<div class="q" dir="rtl" lang="ar">' + b.ar + '</div>'; }
    h += '<div><b>' + (cur ? this._runLabel(cur) : st.unknown[1]) + '</b>' + (cur && cur.src ? ' <span class="pr">(' +
      cur.src + ')</span>' : '') + '</div>';
    var past = m._geo.h.filter(function (r) { return r.day <= this.b; }, this);
    if (past.length > 1) {
      past = past.slice(0, -1);
      h += '<div class="pr" style="margin-top:4px">History up to ' + iso(this.b) + ':</div><ul class="bh">';
      for (var i = past.length - 1; i >= 0 && i >= past.length - 6; i--) {
        h += '<li>' + this._runLabel(past[i]) + (past[i].src ? ' <span class="pr">(' + past[i].src + ')</span>' : '') + '</li>';
      }
      h += '</ul>';
    }
    return h + '<div class="pr">' + b.nev + (b.nev === 1 ? ' report' : ' reports') + ' in the store</div></div>';
  };
  GeoApp.prototype._renderBases = function () {
    var st = this.data.status, present = 0;
    for (var i = 0; i < this.baseMarkers.length; i++) {
      var m = this.baseMarkers[i], cur = this._baseAt(m), s = cur ? cur.status : 'unknown';
      if (s === 'present') { present++; }
      if (m._geo.status !== s) {
        m._geo.status = s;
        m.setStyle({fillColor: (st[s] || st.unknown)[0]});
        if (m._path) { m._path.setAttribute('class', 'leaflet-interactive base-marker base-' + s); }
      }
    }
    this.stats.basesPresent = present;
  };

  // --- the time panel -----------------------------------------------------------------------------
  GeoApp.prototype._buildPanel = function () {
    var self = this, map = this.map;
    var corner = map._controlCorners.geobottom;
    if (!corner) {
      corner = map._controlCorners.geobottom = L.DomUtil.create('div', 'leaflet-bottom geo-timebar-corner',
        map._controlContainer);
    }
    var Bar = L.Control.extend({options: {position: 'geobottom'}, onAdd: function () { return self._panel(); }});
    this.bar = new Bar();
    this.bar.addTo(map);
  };
  GeoApp.prototype._panel = function () {
    var self = this, p = L.DomUtil.create('div', 'geo-timebar');
    L.DomEvent.disableClickPropagation(p);
    L.DomEvent.disableScrollPropagation(p);
    var row = el('div', 'tb-row', p);
    this.btnPlay = el('button', 'tb-play', row);
    this.btnPlay.type = 'button';
    this.btnPlay.setAttribute('data-action', 'play');
    this.btnPlay.onclick = function () { self.toggle(); };
    var back = el('button', 'tb-step', row, '&#8249;'); back.type = 'button'; back.title = 'one step back';
    back.onclick = function () { self.step(-1); self.report(); };
    var fwd = el('button', 'tb-step', row, '&#8250;'); fwd.type = 'button'; fwd.title = 'one step forward';
    fwd.onclick = function () { self.step(1); self.report(); };
    this.label = el('span', 'tb-label', row);
    var sel = function (cls, title, items, value, onchange) {
      var s = el('select', cls, row); s.title = title;
      items.forEach(function (it) {
        var o = el('option', null, s, it[1]); o.value = it[0]; if (String(it[0]) === String(value)) { o.selected = true; }
      });
      s.onchange = function () { onchange(s.value); };
      return s;
    };
    this.selStep = sel('tb-unit', 'step', [['day', 'day'], ['week', 'week'], ['month', 'month'],
      ['quarter', 'quarter']], this.unit, function (v) { self.unit = v; });  // sent with the next report
    this.selSpeed = sel('tb-speed', 'speed', SPEEDS.map(function (s) { return [s, s + '\u00d7']; }), this.speed,
      function (v) { self.speed = +v; if (self.playing) { self._schedule(); } });
    this.selMode = sel('tb-mode', 'window', [['moving', 'moving window'], ['cumulative', 'everything up to']],
      this.mode, function (v) { self.mode = v; if (v === 'cumulative') { self.a = self.lo; } self.render(); self.report(); });
    var all = el('button', 'tb-all', row, 'All dates'); all.type = 'button';
    all.onclick = function () { self.pause(false); self.setWindow(self.lo, self.hi); self.report(); };
    this.count = el('span', 'tb-count', row);
    this.note = el('div', 'tb-note', p);
    this.canvas = el('canvas', 'tb-hist', p);
    this.canvas.height = 46;
    this._histogram();
    this._brush();
    this._playLabel();
    return p;
  };
  GeoApp.prototype._playLabel = function () {
    this.btnPlay.innerHTML = this.playing ? '<span class="ic-pause"></span>Pause' : '<span class="ic-play"></span>Play';
    this.btnPlay.setAttribute('aria-pressed', this.playing ? 'true' : 'false');
  };
  GeoApp.prototype._histogram = function () {
    // Bins: days for short collections, weeks up to ~3 years, calendar months beyond.
    var span = this.hi - this.lo, unit = span <= 120 ? 'day' : span <= 1100 ? 'week' : 'month';
    var starts = [], s = floorUnit(this.lo, unit);
    while (s <= this.hi) { starts.push(s); s = add(s, unit, 1); }
    starts.push(s);
    var nt = this.data.types.length + 1, counts = starts.map(function () { return new Array(nt).fill(0); });
    var bi = 0, order = [];
    for (var i = 0; i < this.n; i++) { order.push(i); }
    order.sort(function (x, y) { return this.D[x] - this.D[y]; }.bind(this));
    for (var k = 0; k < order.length; k++) {
      var ix = order[k], d = this.D[ix];
      while (bi + 1 < starts.length && starts[bi + 1] <= d) { bi++; }
      counts[bi][Math.min(this.T[ix], nt - 1)]++;
    }
    this.hist = {unit: unit, starts: starts, counts: counts, max: 1};
    for (var c = 0; c < counts.length; c++) {
      var t = 0; for (var q = 0; q < nt; q++) { t += counts[c][q]; }
      if (t > this.hist.max) { this.hist.max = t; }
    }
  };
  GeoApp.prototype._x = function (day, w) { return (day - this.lo) / (this.hi + 1 - this.lo) * w; };
  GeoApp.prototype._drawHistogram = function () {
    var cv = this.canvas, w = cv.clientWidth || 600, hgt = cv.height;
    if (cv.width !== w) { cv.width = w; }
    var ctx = cv.getContext('2d'), H = this.hist, types = this.data.types;
    ctx.clearRect(0, 0, w, hgt);
    ctx.fillStyle = 'rgba(242,193,78,0.35)';
    var xa = this._x(this.a, w), xb = this._x(this.b + 1, w);
    ctx.fillRect(xa, 0, Math.max(2, xb - xa), hgt);
    for (var i = 0; i + 1 < H.starts.length; i++) {
      var x0 = this._x(H.starts[i], w), x1 = this._x(H.starts[i + 1], w), y = hgt;
      var inside = H.starts[i + 1] > this.a && H.starts[i] <= this.b;
      for (var t = 0; t < H.counts[i].length; t++) {
        var c = H.counts[i][t]; if (!c) { continue; }
        var bh = c / H.max * (hgt - 4);
        ctx.fillStyle = types[t] ? types[t][1] : '#555555';
        ctx.globalAlpha = inside ? 1 : 0.35;
        ctx.fillRect(x0, y - bh, Math.max(1, x1 - x0 - 0.5), bh);
        y -= bh;
      }
    }
    ctx.globalAlpha = 1;
    ctx.strokeStyle = '#b07d0a'; ctx.lineWidth = 1.5;
    ctx.strokeRect(xa + 0.5, 0.5, Math.max(2, xb - xa) - 1, hgt - 1);
  };
  GeoApp.prototype._brush = function () {
    var self = this, cv = this.canvas, down = null;
    function day(ev) {
      var r = cv.getBoundingClientRect(), f = Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width));
      return Math.min(self.hi, Math.max(self.lo, Math.floor(self.lo + f * (self.hi + 1 - self.lo))));
    }
    cv.addEventListener('mousedown', function (ev) { self.pause(false); down = day(ev); ev.preventDefault(); });
    window.addEventListener('mousemove', function (ev) {
      if (down === null) { return; }
      var d = day(ev);
      self.setWindow(self.mode === 'cumulative' ? self.lo : Math.min(down, d), Math.max(down, d));
    });
    window.addEventListener('mouseup', function (ev) {
      if (down === null) { return; }
      var d = day(ev);
      if (d === down) {  // a click: move the window there, keeping its width
        var w = self.b - self.a, a = Math.max(self.lo, Math.min(d - Math.floor(w / 2), self.hi - w));
        self.setWindow(self.mode === 'cumulative' ? self.lo : a, self.mode === 'cumulative' ? d : a + w);
      }
      down = null;
      self.report();
    });
  };

  // --- window and playback ------------------------------------------------------------------------
  GeoApp.prototype.setWindow = function (a, b) {
    a = Math.max(this.lo, Math.min(a, this.hi)); b = Math.max(a, Math.min(b, this.hi));
    if (a === this.a && b === this.b) { return false; }
    this.a = a; this.b = b;
    this.render();
    return true;
  };
  GeoApp.prototype.step = function (k) {
    var a = this.a, b = this.b, u = this.unit;
    if (this.mode === 'cumulative') {
      return this.setWindow(this.lo, add(b + 1, u, k) - 1);
    }
    var na = add(a, u, k), nb = add(b + 1, u, k) - 1;
    if (k > 0 && nb > this.hi) { nb = this.hi; na = Math.max(this.lo, Math.min(na, nb)); }
    if (k < 0 && na < this.lo) { na = this.lo; }
    return this.setWindow(na, nb);
  };
  GeoApp.prototype.toggle = function () { if (this.playing) { this.pause(true); } else { this.play(); } };
  GeoApp.prototype.play = function () {
    var u = this.unit;
    if ((this.a === this.lo && this.b === this.hi) || this.b >= this.hi) {
      // Whole range (or at the end): start with one step's worth at the beginning, and say so.
      var a = floorUnit(this.lo, u);
      this.a = this.lo;
      this.b = Math.min(this.hi, add(a, u, 1) - 1);
      this.noteText = 'Playing from the first ' + u + ' (' + iso(this.a) + ' \u2013 ' + iso(this.b) + '), one ' + u +
        ' per step' + (this.mode === 'cumulative' ? ', adding up' : '') + '.';
      this.render();
    } else {
      this.noteText = 'Playing one ' + u + ' per step from the current window.';
    }
    this.playing = true;
    this._playLabel();
    this._schedule();
  };
  GeoApp.prototype._schedule = function () {
    var self = this, wait = 1000 / this.speed;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      if (!self.playing) { return; }
      var t0 = performance.now();
      self.step(1);
      self.stats.steps++;
      self.stats.lastStepMs = performance.now() - t0;
      if (self.b >= self.hi) { self.pause(true); return; }
      self._schedule();
    }, wait);
  };
  GeoApp.prototype.pause = function (report) {
    var was = this.playing;
    this.playing = false;
    clearTimeout(this.timer);
    if (this.btnPlay) { this._playLabel(); }
    if (was && report) { this.noteText = 'Paused.'; this.render(); this.report(); }
  };

  // --- drawing one window -------------------------------------------------------------------------
  GeoApp.prototype._proj = function () {
    if (this._projCache) { return this._projCache; }
    var z = this.map.getZoom(), map = this.map;
    this._projCache = this.data.places.map(function (p) { return map.project([p[1], p[2]], z); });
    return this._projCache;
  };
  GeoApp.prototype.render = function () {
    var t0 = performance.now();
    var a = this.a, b = this.b, D = this.D, E = this.E, P = this.P, places = this.data.places;
    var nt = this.data.types.length + 1;
    var perPlace = {}, moves = {}, inWin = 0, none = 0;
    var first = lowerBound(D, a - this.maxSpan), last = lowerBound(D, b + 1);
    for (var i = first; i < last; i++) {
      if (E[i] < a) { continue; }
      inWin++;
      var p = P[i];
      if (p < 0) { none++; continue; }
      var g = perPlace[p];
      if (!g) { g = perPlace[p] = {n: 0, t: new Array(nt).fill(0), ix: []}; }
      g.n++; g.t[Math.min(this.T[i], nt - 1)]++;
      if (g.ix.length < 60) { g.ix.push(i); } else { g.ix[(g.n - 1) % 60] = i; }  // keep the latest ones
      if (this.K[i] >= 0 && this.K[i] !== p) {
        var key = p + '>' + this.K[i] + '>' + this.T[i];
        moves[key] = (moves[key] || 0) + 1;
      }
    }
    this.gPoints.clearLayers(); this.gRegions.clearLayers(); this.gMoves.clearLayers();
    var proj = this._proj(), cells = {}, st = this.stats;
    st.markers = 0; st.clusters = 0; st.regions = 0; st.onMap = inWin - none; st.inWindow = inWin; st.none = none;
    var heatPts = [];
    for (var key2 in perPlace) {
      var pi = +key2, pl = places[pi], grp = perPlace[pi];
      if (pl[3] !== 'point') { this._region(pi, grp); st.regions++; continue; }
      heatPts.push([pl[1], pl[2], grp.n]);
      var pt = proj[pi], ck = Math.floor(pt.x / CELL) + ':' + Math.floor(pt.y / CELL);
      var c = cells[ck];
      if (!c) { c = cells[ck] = {n: 0, t: new Array(nt).fill(0), places: []}; }
      c.n += grp.n; c.places.push(pi);
      for (var q = 0; q < nt; q++) { c.t[q] += grp.t[q]; }
    }
    for (var ck2 in cells) {
      var cell = cells[ck2];
      if (cell.n <= SINGLES_MAX) {
        for (var r = 0; r < cell.places.length; r++) { this._singles(cell.places[r], perPlace[cell.places[r]]); }
      } else {
        this._cluster(cell, perPlace);
      }
    }
    for (var mk in moves) { this._move(mk, moves[mk]); }
    if (this.heat) {
      var mx = 1; heatPts.forEach(function (h) { if (h[2] > mx) { mx = h[2]; } });
      this.heat.setOptions({max: mx});
      this.heat.setLatLngs(heatPts);
    }
    this._renderBases();
    this._status();
    st.renderMs = performance.now() - t0;
  };
  GeoApp.prototype._status = function () {
    var st = this.stats;
    if (this.label) {
      this.label.textContent = this.mode === 'cumulative' ? 'up to ' + iso(this.b) : iso(this.a) + ' \u2013 ' + iso(this.b);
      this.count.textContent = st.inWindow + ' events in the window \u00b7 ' + st.onMap + ' on the map' +
        (st.none ? ' \u00b7 ' + st.none + ' with no place' : '');
      this.note.textContent = this.noteText || '';
      this._drawHistogram();
    }
    var c = this.map.getContainer();
    c.setAttribute('data-window', iso(this.a) + '/' + iso(this.b));
    c.setAttribute('data-in-window', st.inWindow);
    c.setAttribute('data-on-map', st.onMap);
  };
  GeoApp.prototype._eventLabel = function (i) {
    var t = this.data.types[this.T[i]], y = this.data.styles[this.Y[i]];
    return (t ? t[2] : y.tl) + ' \u00b7 ' + iso(this.D[i]) + ' \u00b7 ' + this.data.places[this.P[i]][0];
  };
  GeoApp.prototype._singles = function (pi, grp) {
    var pl = places(this)[pi], self = this;
    var atBase = this.baseAt[(+pl[1]).toFixed(4) + ',' + (+pl[2]).toFixed(4)];  // fan around its square
    for (var k = 0; k < grp.ix.length; k++) {
      var i = grp.ix[k], y = this.data.styles[this.Y[i]];
      var off = atBase ? vogel(k + 1, 11) : k ? vogel(k) : null;
      var m = new L.ShapeMarker([pl[1], pl[2]], {shape: y.s, radius: y.r, offset: off, color: y.lc,
        weight: y.w, opacity: y.op, fillColor: y.c, fillOpacity: y.fo, dashArray: y.d ? '3 2' : null,
        className: y.k});
      m._geoIx = i;
      m.bindTooltip(this._eventLabel(i), {direction: 'top', offset: [0, -6]});
      m.on('click', function (ev) { self.select(ev.target._geoIx, null, false, true); });
      m.addTo(this.gPoints);
      this.stats.markers++;
    }
  };
  function places(app) { return app.data.places; }
  function donut(t, types, size) {
    var tot = 0, i; for (i = 0; i < t.length; i++) { tot += t[i]; }
    var r = size / 2, ri = r * 0.58, a0 = -Math.PI / 2, h = '';
    for (i = 0; i < t.length; i++) {
      if (!t[i]) { continue; }
      var col = types[i] ? types[i][1] : '#555555';
      if (t[i] === tot) { h += '<circle cx="' + r + '" cy="' + r + '" r="' + (r - 0.5) + '" fill="' + col + '"/>'; break; }
      var a1 = a0 + 2 * Math.PI * t[i] / tot, large = a1 - a0 > Math.PI ? 1 : 0;
      h += '<path d="M' + r + ',' + r + 'L' + (r + (r - 0.5) * Math.cos(a0)) + ',' + (r + (r - 0.5) * Math.sin(a0)) +
        'A' + (r - 0.5) + ',' + (r - 0.5) + ' 0 ' + large + ' 1 ' + (r + (r - 0.5) * Math.cos(a1)) + ',' +
        (r + (r - 0.5) * Math.sin(a1)) + 'Z" fill="' + col + '"/>';
      a0 = a1;
    }
    return '<svg width="' + size + '" height="' + size + '">' + h + '<circle cx="' + r + '" cy="' + r + '" r="' + ri +
      '" fill="#fff"/></svg>';
  }
  GeoApp.prototype._cluster = function (cell, perPlace) {
    var self = this, lat = 0, lon = 0, best = -1, bestN = -1, pls = this.data.places;
    cell.places.forEach(function (pi) {
      var g = perPlace[pi]; lat += pls[pi][1] * g.n; lon += pls[pi][2] * g.n;
      if (g.n > bestN) { bestN = g.n; best = pi; }
    });
    lat /= cell.n; lon /= cell.n;
    var size = cell.n < 50 ? 30 : cell.n < 1000 ? 36 : 44;
    var icon = L.divIcon({className: 'ev-cluster-icon', iconSize: [size, size],
      html: '<div class="ev-cluster" data-n="' + cell.n + '">' + donut(cell.t, this.data.types, size) +
        '<span>' + (cell.n >= 10000 ? Math.round(cell.n / 1000) + 'k' : cell.n) + '</span></div>'});
    var m = L.marker([lat, lon], {icon: icon, keyboard: false});
    m._geoIxs = [];
    cell.places.forEach(function (pi) { m._geoIxs = m._geoIxs.concat(perPlace[pi].ix); });
    var names = cell.places.slice().sort(function (x, y) { return perPlace[y].n - perPlace[x].n; }).slice(0, 4)
      .map(function (pi) { return pls[pi][0] + ' ' + perPlace[pi].n; }).join(', ');
    m.bindTooltip(cell.n + ' events: ' + names + (cell.places.length > 4 ? ', \u2026' : ''), {direction: 'top'});
    m.on('click', function () {
      if (cell.places.length > 1) {
        var bounds = L.latLngBounds(cell.places.map(function (pi) { return [pls[pi][1], pls[pi][2]]; }));
        self.map.flyToBounds(bounds.pad(0.3), {maxZoom: Math.max(self.map.getZoom() + 2, 9)});
      } else {
        L.popup({maxWidth: 380}).setLatLng([lat, lon]).setContent(self._listPopup(best, perPlace[best]))
          .openOn(self.map);
      }
    });
    m.addTo(this.gPoints);
    this.stats.clusters++;
    void best;
  };
  GeoApp.prototype._listPopup = function (pi, grp) {
    var pl = this.data.places[pi], types = this.data.types, h = '<div class="gp"><div class="gp-h">' + pl[0] + ': ' +
      grp.n + ' events in the window</div><div class="pr">';
    var parts = [];
    for (var t = 0; t < grp.t.length; t++) { if (grp.t[t]) { parts.push((types[t] ? types[t][2] : '?') + ' ' + grp.t[t]); } }
    h += parts.join(' \u00b7 ') + '</div><ul class="bh">';
    var ix = grp.ix.slice().sort(function (x, y) { return this.D[y] - this.D[x]; }.bind(this)).slice(0, 10);
    for (var k = 0; k < ix.length; k++) {
      h += '<li><a href="#" data-geo-ix="' + ix[k] + '">' + this._eventLabel(ix[k]) + '</a></li>';
    }
    return h + '</ul><div class="pr">Latest ' + ix.length + '; the table lists them all.</div></div>';
  };
  GeoApp.prototype._region = function (pi, grp) {
    var pl = this.data.places[pi], self = this;
    var icon = L.divIcon({className: 'ev-region-icon', iconSize: null,
      html: '<div class="ev-region' + (pl[3] === 'country' ? ' country' : '') + '" data-n="' + grp.n + '">' +
        donut(grp.t, this.data.types, 12) + grp.n + (pl[3] === 'country' ? ' country-wide' : ' governorate-wide') +
        '</div>'});
    var m = L.marker([pl[1], pl[2]], {icon: icon, keyboard: false, pane: 'geoRegions'});
    m._geoIxs = grp.ix.slice();
    m.bindTooltip(grp.n + ' events known only as \u201c' + pl[0] + '\u201d (no more precise place)', {direction: 'top'});
    m.on('click', function () {
      L.popup({maxWidth: 380}).setLatLng([pl[1], pl[2]]).setContent(self._listPopup(pi, grp)).openOn(self.map);
    });
    m.addTo(this.gRegions);
  };
  GeoApp.prototype._move = function (key, n) {
    var k = key.split('>'), o = this.data.places[+k[0]], d = this.data.places[+k[1]], t = this.data.types[+k[2]];
    var col = t ? t[1] : '#555555', tip = (t ? t[2] : '') + ' \u00b7 ' + n + ' \u00d7 ' + o[0] + ' \u2192 ' + d[0];
    L.polyline([[o[1], o[2]], [d[1], d[2]]], {color: col, weight: Math.min(6, 1.5 + Math.log(n + 1)), opacity: 0.8,
      className: 'ev-line'}).bindTooltip(tip, {sticky: true}).addTo(this.gMoves);
    var hp = [o[1] + 0.9 * (d[1] - o[1]), o[2] + 0.9 * (d[2] - o[2])];
    var y1 = Math.log(Math.tan(Math.PI / 4 + o[1] * Math.PI / 360)), y2 = Math.log(Math.tan(Math.PI / 4 + d[1] * Math.PI / 360));
    var rot = Math.atan2(d[2] - o[2], (y2 - y1) * 180 / Math.PI) * 180 / Math.PI;
    new L.ShapeMarker(hp, {shape: 'arrow', radius: 6, rotation: rot, color: '#ffffff', weight: 1, fillColor: col,
      fillOpacity: 0.95, className: 'ev-arrow'}).bindTooltip(tip).addTo(this.gMoves);
  };

  // --- selection, popups, view --------------------------------------------------------------------
  GeoApp.prototype.popupHtml = function (i, det) {
    var y = this.data.styles[this.Y[i]], t = this.data.types[this.T[i]], pl = this.data.places[this.P[i]];
    det = det || (this.details ? this.details[i] : null);
    var dp = this.data.dps[this.X[i]] || 'day';
    var rows = [['Place', (pl ? pl[0] : 'unknown') + ' <span class="pr">(' + (pl ? pl[3] : 'none') + ')</span>'],
      ['Date', iso(this.D[i]) + (this.E[i] > this.D[i] ? ' \u2013 ' + iso(this.E[i]) : '') +
        ' <span class="pr">(' + dp + ')</span>']];
    if (this.K[i] >= 0) { rows.splice(1, 0, ['Toward', this.data.places[this.K[i]][0]]); }
    if (det) {
      rows.push(['Source', det.src], ['Published', det.pub]);
      if (det.n) { rows.push(['Counts', det.n]); }
      if (det.cf) { rows.push(['Confidence', det.cf]); }
    }
    var h = '<div class="gp" data-geo-popup="' + i + '"><div class="gp-h" style="border-left-color:' + y.c + '">' +
      (t ? t[2] : y.tl) + '</div>';
    h += det ? '<div class="q" dir="rtl" lang="ar">' + det.q + '</div>' : '<div class="pr">Loading the quote\u2026</div>';
    h += '<table>';
    for (var r = 0; r < rows.length; r++) { h += '<tr><th>' + rows[r][0] + '</th><td>' + rows[r][1] + '</td></tr>'; }
    h += '</table>';
    if (this.reviewable) {
      h += '<div class="gp-review" data-geo-ix="' + i + '">' +
        '<button type="button" data-geo-review="confirm" title="the event is right as shown">\u2714 Confirm</button>' +
        '<button type="button" data-geo-review="reject" title="not a real event: it leaves the map and the exports">' +
        '\u2716 Reject</button>' +
        '<button type="button" data-geo-review="edit" title="correct it in the review panel below the table">' +
        '\u270e Edit</button><div class="gp-review-note"></div></div>';
    }
    return h + '</div>';
  };
  // A review button: the choice goes to Python in the component's value, with the event's export id;
  // Python records it (confirm, reject) or picks the event in its review panel (edit).
  GeoApp.prototype.review = function (i, action, box) {
    if (i < 0 || i >= this.n || ['confirm', 'reject', 'edit'].indexOf(action) < 0) { return; }
    if (box) {
      box.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
      var note = box.querySelector('.gp-review-note');
      if (note) { note.textContent = action === 'edit' ? 'Opening the review panel\u2026' : 'Saving\u2026'; }
    }
    var extra = {review: {id: this.data.ids[i], action: action}};
    if (action === 'edit') { extra.select = i; }
    this.report(extra);
  };
  // A click on the map itself (not on a marker) when the dashboard may write: offer the point as the place
  // of the event being corrected in the review panel; Python fills the panel's place field with it.
  GeoApp.prototype.offerPoint = function (ll) {
    var lat = Math.round(ll.lat * 1e5) / 1e5, lon = Math.round(ll.lng * 1e5) / 1e5;
    L.popup({className: 'gp-point-popup'}).setLatLng(ll).setContent(
      '<div class="gp-point">' + lat.toFixed(5) + ', ' + lon.toFixed(5) + '<br><button type="button" ' +
      'data-geo-point="1" data-lat="' + lat + '" data-lon="' + lon + '" title="the place of the event ' +
      'being corrected in the review panel (then Save correction)">\u2316 Use this point</button></div>'
    ).openOn(this.map);
  };
  // Where event ``id`` is drawn now: its own marker, a cluster or a region count (null when not drawn).
  GeoApp.prototype.locate = function (id) {
    var i = this.data.ids.indexOf(id), found = null;
    if (i < 0) { return null; }
    [[this.gPoints, 'marker'], [this.gRegions, 'region']].forEach(function (g) {
      g[0].eachLayer(function (l) {
        var kind = l._geoIx === i ? 'marker' : l._geoIxs && l._geoIxs.indexOf(i) >= 0 ? (g[1] === 'region' ?
          'region' : 'cluster') : null;
        if (kind && !found) { var ll = l.getLatLng(); found = {kind: kind, lat: ll.lat, lon: ll.lng, ix: i}; }
      });
    });
    return found;
  };
  // Select event i: open its popup (flying to it when asked); ``report`` tells the host (table, URL).
  GeoApp.prototype.select = function (i, det, fly, report) {
    if (i < 0 || i >= this.n) { return; }
    this.selected = i;
    var pl = this.data.places[this.P[i]];
    if (pl) {
      var ll = L.latLng(pl[1], pl[2]), self = this;
      var open = function () {
        self.popup = L.popup({maxWidth: 380, offset: [0, -4]}).setLatLng(ll).setContent(self.popupHtml(i, det))
          .openOn(self.map);
      };
      if (fly) {
        var z = pl[3] === 'point' ? Math.max(this.map.getZoom(), 11) : Math.max(this.map.getZoom(), 7);
        this.map.flyTo(ll, z, {duration: 0.6});
        this.map.once('moveend', open);
      } else {
        open();
      }
      // The event must be in the window to be on the map.
      if (this.D[i] > this.b || this.E[i] < this.a) { this.setWindow(Math.min(this.a, this.D[i]), Math.max(this.b, this.E[i])); }
    }
    if (report) { this.report({select: i}); }
  };
  GeoApp.prototype.view = function () {
    var c = this.map.getCenter();
    return [+c.lat.toFixed(4), +c.lng.toFixed(4), +this.map.getZoom().toFixed(2)];
  };
  GeoApp.prototype._emitView = function () { if (this.opts.onView) { this.opts.onView(this.view()); } };
  GeoApp.prototype.state = function () {
    return {window: [iso(this.a), iso(this.b)], view: this.view(), step: this.unit, speed: this.speed,
      mode: this.mode, playing: this.playing};
  };
  GeoApp.prototype.report = function (extra) {
    if (!this.opts.onReport) { return; }
    var s = this.state();
    if (extra) { for (var k in extra) { s[k] = extra[k]; } }
    this.opts.onReport(s);
  };
  GeoApp.prototype.destroy = function () { this.pause(false); };
  // What is drawn now, counted from the map itself (tests and the bench read it).
  GeoApp.prototype.drawn = function () {
    var n = 0, c = this.map.getContainer();
    c.querySelectorAll('.ev-cluster, .ev-region').forEach(function (e) { n += +e.getAttribute('data-n'); });
    return {events: n + c.querySelectorAll('path.ev-marker').length, window: [iso(this.a), iso(this.b)],
      zoom: this.map.getZoom(), zooming: !!this.map._animatingZoom, center: this.view(), steps: this.stats.steps,
      playing: this.playing,
      renders: window.geoHostRenders || 0, lastStepMs: this.stats.lastStepMs, renderMs: this.stats.renderMs};
  };

  GeoApp.create = function (map, data, opts) {
    var app = new GeoApp(map, data, opts);
    window.geoApp = app;
    map.getContainer().addEventListener('click', function (ev) {
      var a = ev.target.closest ? ev.target.closest('a[data-geo-ix]') : null;
      if (a) { ev.preventDefault(); app.select(+a.getAttribute('data-geo-ix'), null, true, true); return; }
      var b = ev.target.closest ? ev.target.closest('button[data-geo-review]') : null;
      if (b) {
        var box = b.closest('.gp-review');
        app.review(+box.getAttribute('data-geo-ix'), b.getAttribute('data-geo-review'), box);
        return;
      }
      var p = ev.target.closest ? ev.target.closest('button[data-geo-point]') : null;
      if (p) {
        app.report({point: {lat: +p.getAttribute('data-lat'), lon: +p.getAttribute('data-lon')}});
        app.map.closePopup();
      }
    });
    if (app.reviewable) {
      // a click that only closes an open popup offers nothing (Leaflet closes it on 'preclick')
      var hadPopup = false;
      map.on('preclick', function () { hadPopup = !!(map._popup && map.hasLayer(map._popup)); });
      map.on('click', function (e) {
        var t = e.originalEvent && e.originalEvent.target;
        var drawn = '.ev-marker, .base-marker, .ev-line, .ev-arrow, .leaflet-marker-icon, .leaflet-popup';
        if (hadPopup || (t && t.closest && t.closest(drawn))) {  // an event, a base or a popup: not the ground
          return;
        }
        app.offerPoint(e.latlng);
      });
    }
    if (opts && opts.onCreate) { opts.onCreate(app); }
    return app;
  };
  GeoApp.dayOf = dayOf; GeoApp.iso = iso; GeoApp.add = add; GeoApp.floorUnit = floorUnit;
  window.GeoApp = GeoApp;
})();
