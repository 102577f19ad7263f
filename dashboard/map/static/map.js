(function () {
  if (L.ShapeMarker) { return; }
  var S = {
    triangle: [[0,-1.3],[1.15,0.75],[-1.15,0.75]],
    square: [[-1,-1],[1,-1],[1,1],[-1,1]],
    diamond: [[0,-1.35],[1.35,0],[0,1.35],[-1.35,0]],
    pentagon: [], star: [],
    arrow: [[0,-1.5],[1.1,0.9],[0,0.35],[-1.1,0.9]]
  };
  for (var i = 0; i < 5; i++) {
    var a = -Math.PI / 2 + i * 2 * Math.PI / 5;
    S.pentagon.push([1.2 * Math.cos(a), 1.2 * Math.sin(a)]);
  }
  for (var j = 0; j < 10; j++) {
    var b = -Math.PI / 2 + j * Math.PI / 5, r = j % 2 ? 0.65 : 1.5;
    S.star.push([r * Math.cos(b), r * Math.sin(b)]);
  }
  // A CircleMarker (pixel-sized, fast, SVG or canvas) that can take other shapes, a rotation and a
  // pixel offset (to fan out events reported at the same place).
  L.ShapeMarker = L.CircleMarker.extend({
    options: {shape: 'circle', rotation: 0, offset: null},
    _project: function () {
      L.CircleMarker.prototype._project.call(this);
      var o = this.options.offset;
      if (o) { this._point = this._point.add(L.point(o[0], o[1])); this._updateBounds(); }
    },
    _updatePath: function () {
      var pts = S[this.options.shape];
      if (!pts) { this._renderer._updateCircle(this); return; }
      var r = this._radius, p = this._point, t = this.options.rotation * Math.PI / 180;
      var c = Math.cos(t), s = Math.sin(t);
      this._parts = [pts.map(function (q) {
        var x = q[0] * r, y = q[1] * r;
        return L.point(p.x + x * c - y * s, p.y + x * s + y * c);
      })];
      this._renderer._updatePoly(this, true);
    }
  });
  window.geoPopup = function (p, y) {
    var rows = [['Place', p.pl + ' <span class="pr">(' + p.gp + ')</span>'],
                ['Date', p.da + ' <span class="pr">(' + p.dp + ')</span>'],
                ['Source', p.src], ['Published', p.pub]];
    if (p.de) { rows.splice(1, 0, ['Toward', p.de]); }
    if (p.n) { rows.push(['Counts', p.n]); }
    if (p.cf) { rows.push(['Confidence', p.cf]); }
    var h = '<div class="gp"><div class="gp-h" style="border-left-color:' + y.c + '">' + y.tl;
    if (p.st) { h += ' <span class="pr">(' + p.st + ')</span>'; }
    h += '</div>';
    if (p.q) { h += '<div class="q" dir="rtl" lang="ar">' + p.q + '</div>'; }
    h += '<table>';
    for (var i = 0; i < rows.length; i++) {
      h += '<tr><th>' + rows[i][0] + '</th><td>' + rows[i][1] + '</td></tr>';
    }
    return h + '</table></div>';
  };
})();
