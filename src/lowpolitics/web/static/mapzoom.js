/* Zoom and pan for the server-drawn map: <figure data-zoom data-plot="W H"
 * data-ferghana="x0 y0 x1 y1"> holding the SVG that vega drew.
 *
 * The boundaries and points (vega's "role-mark" groups) are moved into one group that is
 * translated and scaled, clipped to the plot; title and legends stay put. Points keep their
 * size and lines their width at any zoom. The wheel zooms about the pointer, a drag pans,
 * the buttons zoom in, out, to the Ferghana valley (its box is worked out on the server) or
 * back to the whole map. Everything is local: no tiles, no network.
 */
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var MAX = 24;
  var made = 0;

  function setup(figure) {
    var svg = figure.querySelector("svg");
    var frame = svg && svg.querySelector("g.role-frame.root");
    var marks = frame ? frame.querySelectorAll("g.role-mark") : [];
    if (!marks.length || figure.dataset.zoomReady) return;
    figure.dataset.zoomReady = "1";
    var plot = (figure.dataset.plot || "620 420").split(" ").map(Number);
    var W = plot[0], H = plot[1];

    var clipId = "map-clip-" + (++made);
    var defs = document.createElementNS(SVGNS, "defs");
    var clip = document.createElementNS(SVGNS, "clipPath");
    clip.id = clipId;
    var rect = document.createElementNS(SVGNS, "rect");
    rect.setAttribute("width", W);
    rect.setAttribute("height", H);
    clip.appendChild(rect);
    defs.appendChild(clip);
    svg.insertBefore(defs, svg.firstChild);

    var clipped = document.createElementNS(SVGNS, "g");
    clipped.setAttribute("clip-path", "url(#" + clipId + ")");
    var view = document.createElementNS(SVGNS, "g");
    view.setAttribute("class", "map-view");
    clipped.appendChild(view);
    marks[0].parentNode.insertBefore(clipped, marks[0]);
    for (var i = 0; i < marks.length; i++) view.appendChild(marks[i]);

    var lines = view.querySelectorAll("g.mark-shape path");
    for (var j = 0; j < lines.length; j++) lines[j].setAttribute("vector-effect", "non-scaling-stroke");
    var points = [];
    view.querySelectorAll("g.mark-symbol path").forEach(function (path) {
      points.push([path, path.getAttribute("transform") || ""]);
    });

    var state = { k: 1, x: 0, y: 0 };

    function apply() {
      var k = state.k;
      state.x = Math.min(0, Math.max(W - W * k, state.x));
      state.y = Math.min(0, Math.max(H - H * k, state.y));
      view.setAttribute("transform", "translate(" + state.x + "," + state.y + ") scale(" + k + ")");
      points.forEach(function (p) { p[0].setAttribute("transform", p[1] + " scale(" + 1 / k + ")"); });
      figure.dataset.scale = k.toFixed(3);
      figure.classList.toggle("zoomed", k > 1.001);
    }

    function zoomAt(factor, px, py) {
      var k = Math.min(MAX, Math.max(1, state.k * factor));
      state.x = px - (px - state.x) * (k / state.k);
      state.y = py - (py - state.y) * (k / state.k);
      state.k = k;
      apply();
    }

    function plotPoint(event) {
      var matrix = clipped.getScreenCTM();
      var point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      return point.matrixTransform(matrix.inverse());
    }

    function show(box) {
      var k = Math.min(MAX, W / (box[2] - box[0]), H / (box[3] - box[1]));
      state.k = k;
      state.x = (W - (box[2] - box[0]) * k) / 2 - box[0] * k;
      state.y = (H - (box[3] - box[1]) * k) / 2 - box[1] * k;
      apply();
    }

    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var at = plotPoint(event);
      zoomAt(Math.exp(-event.deltaY * 0.002), at.x, at.y);
    }, { passive: false });

    var drag = null;
    var moved = false;
    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      drag = { x: event.clientX, y: event.clientY, sx: state.x, sy: state.y };
      moved = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!moved) {
        moved = true;
        svg.setPointerCapture(event.pointerId);
        figure.classList.add("dragging");
      }
      var scale = clipped.getScreenCTM().a || 1;
      state.x = drag.sx + dx / scale;
      state.y = drag.sy + dy / scale;
      apply();
    });
    function end() {
      drag = null;
      figure.classList.remove("dragging");
    }
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    // a drag that ends on a point is not a click on its link
    svg.addEventListener("click", function (event) {
      if (moved) {
        event.preventDefault();
        moved = false;
      }
    }, true);

    var controls = figure.querySelector(".map-controls");
    if (controls) {
      controls.hidden = false;
      controls.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-map]");
        if (!button) return;
        var what = button.dataset.map;
        if (what === "in") zoomAt(1.6, W / 2, H / 2);
        else if (what === "out") zoomAt(1 / 1.6, W / 2, H / 2);
        else if (what === "reset") { state = { k: 1, x: 0, y: 0 }; apply(); }
        else if (what === "ferghana" && figure.dataset.ferghana) {
          show(figure.dataset.ferghana.split(" ").map(Number));
        }
      });
    }
    apply();
  }

  function init(root) {
    var figures = (root || document).querySelectorAll("figure[data-zoom]");
    for (var i = 0; i < figures.length; i++) setup(figures[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
