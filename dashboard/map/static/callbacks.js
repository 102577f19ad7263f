// Leaflet GeoJSON callbacks, one per "// @callback name" line (fragments, not a script of their own).
// layers.py inlines each into its layer's script, where S is the layer's shared table of marker styles.
// Static code only: data reaches the page as JSON, never concatenated into these.
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
