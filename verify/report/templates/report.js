(function () {
  "use strict";
  // Reads the report data as JSON and the page's own data-* attributes; writes only
  // classes, attributes and textContent, never markup.
  var data = JSON.parse(document.getElementById("verify-data").textContent);
  var units = {}, sources = {};
  data.units.forEach(function (u) { units[u.id] = u; });
  data.sources.forEach(function (s) { sources[s.id] = s; });
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function index(selector, attr) {
    var map = {};
    each(document.querySelectorAll(selector), function (el) {
      el.getAttribute(attr).split(" ").forEach(function (id) { (map[id] = map[id] || []).push(el); });
    });
    return map;
  }
  var evidence = index(".sources [data-ev]", "data-ev");
  var inArticle = index("#article [data-units]", "data-units");
  var omitted = index(".sources [data-om]", "data-om");
  var bar = document.getElementById("evbar");
  var marked = [];
  function clear() {
    marked.forEach(function (el) { el.classList.remove("sel", "hit"); });
    marked = [];
  }
  function mark(el, cls) { el.classList.add(cls); marked.push(el); }
  function reveal(el) { if (el) { el.scrollIntoView({block: "center", inline: "nearest"}); } }
  function select(id, fromCard) {
    var u = units[id];
    if (!u) { return; }
    clear();
    var card = document.getElementById("card-" + id);
    if (card) { mark(card, "sel"); if (!fromCard) { reveal(card); } }
    (inArticle[id] || []).forEach(function (el) { mark(el, "sel"); });
    var hits = evidence[id] || [];
    hits.forEach(function (el) { mark(el, "hit"); });
    var ev = u.evidence[0];
    if (ev) {
      var src = sources[ev.source] || {path: ev.source};
      var near = (u.verdict === "not_found" || u.verdict === "unsupported") ? "nearest passage" : "evidence";
      bar.textContent = id + " (" + u.verdict.replace("_", " ") + ") \u2192 " + near + " in " + ev.source + " " +
        src.path + (ev.section ? " \u00b7 " + ev.section : "") + " \u00b7 line " + ev.line;
    } else {
      bar.textContent = id + " (" + u.verdict.replace("_", " ") + "): no source passage to show";
    }
    reveal(hits[0]);
  }
  document.addEventListener("click", function (event) {
    var t = event.target;
    if (!(t instanceof Element)) { return; }
    var seg = t.closest("#article [data-units]");
    if (seg) { select(seg.getAttribute("data-units").split(" ")[0], false); return; }
    var card = t.closest(".card");
    if (card) { select(card.getAttribute("data-unit"), true); return; }
    var om = t.closest(".omitted [data-target]");
    if (om) {
      clear();
      (omitted[om.getAttribute("data-target")] || []).forEach(function (el) { mark(el, "hit"); });
      reveal((omitted[om.getAttribute("data-target")] || [])[0]);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") { return; }
    var t = event.target;
    if (t instanceof Element && (t.matches(".card") || t.matches(".omitted [data-target]"))) {
      event.preventDefault();
      t.click();
    }
  });
  var buttons = document.querySelectorAll(".bar [data-filter]");
  var chosen = {};
  function applyFilter() {
    var any = Object.keys(chosen).length > 0;
    each(buttons, function (b) {
      var v = b.getAttribute("data-filter");
      b.setAttribute("aria-pressed", String(v ? !!chosen[v] : !any));
    });
    each(document.querySelectorAll(".card"), function (c) { c.hidden = any && !chosen[c.getAttribute("data-verdict")]; });
    each(document.querySelectorAll("#article [data-verdict]"), function (s) {
      s.classList.toggle("dim", any && !chosen[s.getAttribute("data-verdict")]);
    });
  }
  each(buttons, function (b) {
    b.addEventListener("click", function () {
      var v = b.getAttribute("data-filter");
      if (!v) { chosen = {}; } else if (chosen[v]) { delete chosen[v]; } else { chosen[v] = true; }
      applyFilter();
    });
  });
}());
