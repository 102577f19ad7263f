// The Streamlit side of the map (a components.v1 iframe, no npm build): it evaluates the folium map's
// script when it changes (a filter changed), keeps the view across those rebuilds and every rerun, and
// passes the window, the selection and forced views from Python to GeoApp; GeoApp's reports (pause,
// brush, a click, a review button) go back with setComponentValue. The view goes into the page's URL without a rerun.
(function () {
  var root = document.getElementById('geo-root');
  var current = {key: null, map: null, app: null};
  var last = {window: null, selSeq: null, fitSeq: null, reported: null};
  var seq = 0, lastView = null, VIEW_KEYS = ['lat', 'lon', 'z'];
  var drawnSent = false;

  function send(type, extra) {
    var msg = {isStreamlitMessage: true, type: type};
    for (var k in extra) { msg[k] = extra[k]; }
    window.parent.postMessage(msg, '*');
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function fail(text) {
    var e = document.getElementById('geo-error');
    e.textContent = text; e.style.display = 'block';
  }
  function storeView(v) {
    lastView = v;
    try { window.sessionStorage.setItem('geo-view', JSON.stringify(v)); } catch (e) { /* private mode */ }
    writeUrl(v);
  }
  // The view in the shared URL (?lat=&lon=&z=), written without a rerun; Python keeps these keys.
  function writeUrl(v) {
    if (!v) { return; }
    try {
      var loc = window.parent.location, q = new URLSearchParams(loc.search);
      q.set('lat', v[0]); q.set('lon', v[1]); q.set('z', v[2]);
      var s = '?' + q.toString();
      if (s !== loc.search) { window.parent.history.replaceState(window.parent.history.state, '', s + loc.hash); }
    } catch (e) { /* not same-origin: the view still lives in this frame */ }
  }
  function savedView() {
    try { return JSON.parse(window.sessionStorage.getItem('geo-view') || 'null'); } catch (e) { return null; }
  }
  function report(state) {
    last.reported = state.window;
    state.seq = ++seq;
    state.key = current.key;
    send('streamlit:setComponentValue', {value: state, dataType: 'json'});
  }

  function build(args, script) {
    var t0 = performance.now(), keep = current.app ? current.app.view() : null;
    var st = current.app ? current.app.state() : null;
    if (current.app) { current.app.destroy(); }
    if (current.map) { current.map.remove(); }
    root.innerHTML = '';
    var div = document.createElement('div');
    div.id = args.map_id; div.className = 'folium-map';
    root.appendChild(div);
    window.geoTimes.buildStart = t0;
    window.geoHostOptions = {
      host: true,
      window: st ? st.window : args.window,
      step: st ? st.step : args.step, speed: st ? st.speed : args.speed, mode: st ? st.mode : args.mode,
      onReport: report, onView: storeView, review: !!args.review
    };
    var tag = document.createElement('script');
    // In a block: folium declares some names with `let`, and a second top-level `let` of the same name (the
    // next build: ids are stable) is a SyntaxError. `var map_...` still lands on window.
    tag.textContent = '{\n' + script + '\n}';
    document.body.appendChild(tag);  // runs now; folium's `var map_...` become globals of this frame
    document.body.removeChild(tag);
    current.map = window[args.map_id];
    current.app = window.geoApp;
    window.geoTimes.built = performance.now();  // the bench: decode + evaluate + first draw, in the page
    if (!current.map || !current.app) { fail('The map could not be drawn (see the browser console).'); return; }
    var v = keep || lastView || (args.view && args.view.length === 3 ? args.view : null) || savedView();
    if (v) { current.map.setView([v[0], v[1]], v[2], {animate: false}); }
    last.window = args.window;
    current.key = args.skey;
  }

  // Python holds back what lies below the map (timeline, table, review) on a big first page, so the one
  // main thread the page and this frame share draws the map first: say once, after the first paint with
  // the markers, that the rest may come (also when the map failed, or the page would stay half empty).
  function reportDrawn(app) {
    drawnSent = true;
    requestAnimationFrame(function () {
      setTimeout(function () {
        window.geoTimes.drawnReported = performance.now();  // tests and the bench
        if (app) { app.report({drawn: true}); }
        else { send('streamlit:setComponentValue', {value: {drawn: true, seq: ++seq}, dataType: 'json'}); }
      }, 0);
    });
  }

  function onRender(args) {
    window.geoHostRenders = (window.geoHostRenders || 0) + 1;  // tests: a rerun is a render
    if (!window.geoTimes) { window.geoTimes = {firstRender: performance.now()}; }
    var script = args.script;
    if (script && typeof script !== 'string') { script = new TextDecoder('utf-8').decode(script); }
    if (args.height) { send('streamlit:setFrameHeight', {height: args.height}); }
    if (args.skey !== current.key && script) { build(args, script); }
    var app = current.app;
    if (args.report_drawn && !drawnSent) { reportDrawn(app); }
    if (!app) { return; }
    app.reviewable = !!args.review;  // the write switch or a typed token can change without a rebuild
    // A window Python set (slider, URL, "All dates"), not the one this page just reported.
    if (args.window && !same(args.window, last.window)) {
      last.window = args.window;
      if (!same(args.window, last.reported)) {
        app.pause(false);
        app.setWindow(GeoApp.dayOf(args.window[0]), GeoApp.dayOf(args.window[1]));
      }
    }
    var fit = args.fit;
    if (fit && fit.seq !== last.fitSeq) {
      last.fitSeq = fit.seq;
      if (fit.bounds) { current.map.fitBounds(fit.bounds, {maxZoom: 10, animate: false}); }
      else if (fit.center) { current.map.setView(fit.center, fit.zoom || 9, {animate: false}); }
    }
    var sel = args.selected;
    if (sel && sel.seq !== last.selSeq) {
      last.selSeq = sel.seq;
      app.select(sel.i, sel.det || null, !!sel.fly, false);
    }
    setTimeout(function () { writeUrl(lastView || app.view()); }, 60);  // after Streamlit's own URL update
  }

  window.addEventListener('message', function (ev) {
    var d = ev.data;
    if (!d || d.type !== 'streamlit:render') { return; }
    try { onRender(d.args || {}); } catch (e) { fail('Map error: ' + e.message); throw e; }
  });
  send('streamlit:componentReady', {apiVersion: 1});
})();
