// Leaflet GeoJSON callbacks, one per "// @callback name" line (fragments, not a script of their own).
// layers.py inlines each into its layer's script, where S is the layer's shared table of marker styles.
// Static code only: data reaches the page as JSON, never concatenated into these.
// @callback event_point
function (f, ll) {
  var p = f.properties, y = S[p.y];
  return new L.ShapeMarker(ll, {shape: y.s, radius: y.r, offset: p.off || null, color: y.lc, weight: y.w,
    opacity: y.op, fillColor: y.c, fillOpacity: y.fo, dashArray: y.d ? '3 2' : null, className: y.k});
}
// @callback event_each
function (f, layer) {
  var p = f.properties, y = S[p.y];
  layer.bindTooltip(y.tl + ' · ' + p.da + ' · ' + p.pl, {direction: 'top', offset: [0, -6]});
  layer.bindPopup(function () { return window.geoPopup(p, y); }, {maxWidth: 380});
}
// @callback area_point
function (f, ll) {
  var p = f.properties;
  return L.circle(ll, {radius: p.area, color: p.c, weight: 1, opacity: 0.45, dashArray: '4 4',
    fillColor: p.c, fillOpacity: 0.07, interactive: false, className: 'ev-area'});
}
// @callback move_point
function (f, ll) {
  var p = f.properties;
  return new L.ShapeMarker(ll, {shape: 'arrow', radius: 6, rotation: p.rot, color: '#ffffff', weight: 1,
    fillColor: p.c, fillOpacity: 0.95, className: p.k});
}
// @callback move_style
function (f) {
  var p = f.properties;
  return {color: p.c, weight: 2.5, opacity: 0.85, dashArray: p.planned ? '6 5' : null, className: p.k};
}
// @callback move_each
function (f, layer) { layer.bindTooltip(f.properties.tip, {sticky: true}); }
// @callback base_point
function (f, ll) {
  var p = f.properties;
  return new L.ShapeMarker(ll, {shape: 'square', radius: 7, color: '#1a1a1a', weight: 2, opacity: 1,
    fillColor: p.c, fillOpacity: 0.95, className: p.k});
}
// @callback base_each
function (f, layer) {
  var p = f.properties;
  layer.bindTooltip(p.tip, {direction: 'top', offset: [0, -8]});
  layer.bindPopup(function () {
    var h = '<div class="gp"><div class="gp-h" style="border-left-color:' + p.c + '">' + p.name + '</div>';
    if (p.ar) { h += '<div class="q" dir="rtl" lang="ar">' + p.ar + '</div>'; }
    h += '<div>' + p.lbl + '</div><div class="pr">' + p.nev + (p.nev === 1 ? ' report' : ' reports') + '</div>';
    if (p.q) {
      h += '<div class="q" dir="rtl" lang="ar">' + p.q + '</div><div class="pr">' + p.src + '</div>';
    }
    return h + '</div>';
  }, {maxWidth: 380});
}
// @callback stack_point
function (f, ll) {
  return L.marker(ll, {interactive: false, keyboard: false, icon: L.divIcon({className: 'stack-count',
    html: '<span>' + (+f.properties.n) + ' events</span>', iconSize: null})});
}
// @callback mark_point
function (f, ll) {
  return L.circleMarker(ll, {radius: 16, color: '#111111', weight: 2.5, dashArray: '5 4', fill: false,
    className: 'search-mark'});
}
// @callback mark_each
function (f, layer) {
  layer.bindTooltip(f.properties.tip, {permanent: true, direction: 'right', offset: [16, 0]});
}
// @callback country_style
function (f) {
  var iq = f.properties.name === 'Iraq';
  return {color: iq ? '#5b5b5b' : '#9a948a', weight: iq ? 1.6 : 0.8, fillColor: iq ? '#fffdf6' : '#efebe2',
    fillOpacity: 1, interactive: false};
}
