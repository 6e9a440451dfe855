(function () {
  var body = document.body;
  window.addEventListener('error', function (e) { body.dataset.jsError = String(e.message); });
  var charts = document.querySelectorAll('svg.chart');
  var bad = [];
  var clipped = [];
  for (var i = 0; i < charts.length; i++) {
    var s = charts[i];
    var bars = s.querySelectorAll('rect.bar');
    var box = s.getBoundingClientRect();
    var drawn = 0;
    for (var j = 0; j < bars.length; j++) {
      var bb = bars[j].getBBox();
      if (bb.width > 0 && bb.height > 0) { drawn++; }
    }
    if (box.width <= 0 || box.height <= 0 || drawn === 0) { bad.push(s.id || ('#' + i)); }
    var texts = s.querySelectorAll('text');
    for (var t = 0; t < texts.length; t++) {
      var r = texts[t].getBoundingClientRect();
      if (r.width === 0 && r.height === 0) { continue; }
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5
          || r.bottom > box.bottom + 0.5) {
        clipped.push((s.id || ('#' + i)) + ':' + texts[t].textContent.slice(0, 40));
      }
    }
  }
  body.dataset.charts = String(charts.length);
  body.dataset.rendered = bad.length === 0 ? 'ok' : 'missing:' + bad.join(',');
  body.dataset.clipped = clipped.length === 0 ? 'none' : clipped.join('|');
  function source(svg) {
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg);
  }
  function dataUrl(svg) {
    return 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(source(svg));
  }
  function png(svg, done) {
    var vb = svg.viewBox.baseVal;
    var img = new Image();
    img.onload = function () {
      var c = document.createElement('canvas');
      c.width = Math.round(vb.width * 2);
      c.height = Math.round(vb.height * 2);
      var g = c.getContext('2d');
      g.fillStyle = '#ffffff';
      g.fillRect(0, 0, c.width, c.height);
      g.drawImage(img, 0, 0, c.width, c.height);
      done(c.toDataURL('image/png'));
    };
    img.onerror = function () { done(null); };
    img.src = dataUrl(svg);
  }
  function save(href, name) {
    var a = document.createElement('a');
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  document.addEventListener('click', function (e) {
    var b = e.target.closest('button[data-chart]');
    if (!b) { return; }
    var svg = document.getElementById(b.dataset.chart);
    if (b.dataset.format === 'svg') {
      save(dataUrl(svg), svg.id + '.svg');
    } else {
      png(svg, function (u) { if (u) { save(u, svg.id + '.png'); } });
    }
  });
  if (location.hash === '#export-selftest') {
    var sizes = [];
    var left = charts.length;
    for (var k = 0; k < charts.length; k++) {
      (function (svg) {
        png(svg, function (u) {
          sizes.push(svg.id + '=' + (u ? u.length : 0) + ',' + source(svg).length);
          if (--left === 0) { body.dataset.exported = sizes.sort().join(' '); }
        });
      })(charts[k]);
    }
  }
})();
