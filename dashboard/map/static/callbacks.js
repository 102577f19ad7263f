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
// @callback governorate_style
function (f) {
  return {color: '#b3a996', weight: 0.8, opacity: 1, fill: false, interactive: false, className: 'geo-gov-line'};
}
// @callback river_style
function (f) {
  // The main rivers (Natural Earth scalerank <= 6: Tigris, Euphrates, Shatt al-Arab...) at every zoom,
  // wider when more important; the others from zoom 8 (map.css, .geo-z8).
  var r = f.properties.rank;
  return {color: '#6a9fc8', weight: r <= 3 ? 2 : r <= 6 ? 1.5 : 1, opacity: 0.9, fill: false, interactive: false,
    lineCap: 'round', className: r <= 6 ? 'geo-river' : 'geo-river minor'};
}
