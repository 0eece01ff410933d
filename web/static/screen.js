// The wall screen (大屏): a live clock, rotating panels, and the figures refreshed from
// data.json in place, without reloading the page and without losing the rotation's place.
//
// Address parameters, in seconds (decimals allowed, each held between 0.5 and 3600):
//   ?refresh=60  how often data.json is fetched (default 60)
//   ?rotate=15   how long each rotating panel stays (default 15)
//
// A failed refresh (server down, network error, timeout, 5xx, a body that is not the
// figures) keeps the last figures on screen, says "数据更新失败，HH:MM 重试" in the footer and
// tries again, waiting twice as long after each failure, at most five refresh intervals (1,
// 2, 4, 5, 5 … minutes by default); the first good answer clears the message and goes back to
// the normal interval. 401 means the token was revoked or is unknown: the screen says so and stops.
//
// Built to run for days: one timer of each kind at a time and one request in flight at most,
// nodes replaced rather than appended, no list that grows. The root element counts, for
// tests, the refreshes that succeeded (data-refreshes) and failed (data-failures) and the
// rotations made (data-rotations).
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root || root.hasAttribute("data-stopped")) return;

  var params = new URLSearchParams(location.search);
  function seconds(name, def) {
    var v = parseFloat(params.get(name));
    if (!isFinite(v)) v = def;
    return Math.round(Math.min(Math.max(v, 0.5), 3600) * 1000);
  }
  var REFRESH = seconds("refresh", 60), ROTATE = seconds("rotate", 15);
  var MAX_DELAY = 5 * REFRESH, TIMEOUT = 30000;

  var stopped = false, clockTimer = 0, rotateTimer = 0, refreshTimer = 0, inflight = null;
  var delay = REFRESH, pos = 0, refreshes = 0, failures = 0, rotations = 0;

  function $(id) { return document.getElementById(id); }
  function fmt(tpl, s) { return (tpl || "%s").replace("%s", s); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  // Beijing time at ms since the epoch, whatever the computer's zone.
  function beijing(ms) { return new Date(ms + (new Date(ms).getTimezoneOffset() + 480) * 60000); }
  function hhmm(ms) { var d = beijing(ms); return pad(d.getHours()) + ":" + pad(d.getMinutes()); }

  function tick() {
    var d = beijing(Date.now()), c = $("scr-clock"), dd = $("scr-date");
    if (c) c.textContent = pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
    if (dd) dd.textContent = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  // Rotation: the position lives here, so refreshes, which change only the panels'
  // contents, never move it.
  function rotate() {
    var panels = root.querySelectorAll(".rot-panel"), dots = root.querySelectorAll("#rot-dots span");
    if (!panels.length) return;
    pos = (pos + 1) % panels.length;
    for (var i = 0; i < panels.length; i++) {
      panels[i].classList.toggle("on", i === pos);
      if (dots[i]) dots[i].classList.toggle("on", i === pos);
    }
    var t = $("rot-title");
    if (t) t.textContent = panels[pos].getAttribute("data-title");
    root.setAttribute("data-rotations", String(++rotations));
  }

  function stop() {
    stopped = true;
    clearInterval(clockTimer);
    clearInterval(rotateTimer);
    clearTimeout(refreshTimer);
    if (inflight) inflight.abort();
    var box = el("div", "scr-revoked");
    box.id = "screen-revoked";
    box.setAttribute("role", "alert");
    box.appendChild(el("div", "big", root.getAttribute("data-revoked-title")));
    box.appendChild(el("p", null, root.getAttribute("data-revoked")));
    root.replaceChildren(box);
    root.setAttribute("data-stopped", "1");
  }

  // list fills ul with one item per row, or its data-empty message.
  function list(ul, rows, item) {
    if (!ul) return;
    rows = rows || [];
    if (!rows.length) { ul.replaceChildren(el("li", "empty", ul.getAttribute("data-empty"))); return; }
    ul.replaceChildren.apply(ul, rows.map(item));
  }

  function render(d) {
    if (!d || !Array.isArray(d.figures)) throw new Error("not the screen's figures");
    var t = $("scr-title"); if (t) t.textContent = d.title;
    var s = $("scr-schedule"); if (s) s.textContent = d.schedule;
    d.figures.forEach(function (f) {
      var box = $("fig-" + f.key);
      if (!box) return;
      box.classList.toggle("alert", !!f.alert);
      box.querySelector(".fig-label").textContent = f.label;
      box.querySelector(".v").textContent = f.value;
      box.querySelector(".u").textContent = f.unit;
      box.querySelector(".fig-note").textContent = f.note;
    });
    list($("scr-red"), d.red, function (w) {
      var li = el("li"), l1 = el("div", "l1");
      l1.appendChild(el("b", null, w.project));
      l1.appendChild(el("span", null, w.unit));
      li.appendChild(l1);
      li.appendChild(el("div", "l2", w.reason));
      return li;
    });
    var rt = $("scr-red-total");
    if (rt) rt.textContent = rt.textContent.replace(/\d+/, String(d.red_total));
    list($("scr-decisions"), d.decisions, function (x) {
      var li = el("li"), l1 = el("div", "l1");
      l1.appendChild(el("b", null, x.title));
      l1.appendChild(el("span", null, x.when));
      li.appendChild(l1);
      li.appendChild(el("div", "l2", x.decision));
      li.appendChild(el("div", "l3", (x.project ? x.project + " · " : "") + x.by));
      return li;
    });
    var cats = $("scr-cats");
    if (cats) {
      cats.replaceChildren.apply(cats, (d.categories || []).map(function (x) {
        var c = el("div", x.down ? "cat down" : "cat"), v = el("div", "cv", x.value);
        c.appendChild(el("div", "cl", x.label));
        v.appendChild(el("small", null, cats.getAttribute("data-unit")));
        c.appendChild(v);
        c.appendChild(el("div", "cg", cats.getAttribute("data-growth") + " " + x.growth));
        return c;
      }));
    }
    // The charts come from the server's chart package, which escapes every text; each
    // assignment replaces the chart before it.
    [["scr-rank-svg", d.ranking_svg], ["scr-stage-svg", d.stage_svg], ["scr-colour-svg", d.colour_svg]].forEach(function (c) {
      var box = $(c[0]);
      if (box && c[1]) box.innerHTML = c[1];
    });
    var st = $("scr-stamp");
    if (st) st.textContent = fmt(root.getAttribute("data-updated"), d.updated);
  }

  function status(text) {
    var s = $("scr-status");
    if (!s) return;
    s.textContent = text || "";
    s.hidden = !text;
  }

  function schedule(ms) {
    clearTimeout(refreshTimer);
    if (!stopped) refreshTimer = setTimeout(refresh, ms);
  }

  // failed retries after the current wait, and doubles it for the next failure.
  function failed() {
    if (stopped) return;
    root.setAttribute("data-failures", String(++failures));
    status(fmt(root.getAttribute("data-stale"), hhmm(Date.now() + delay)));
    schedule(delay);
    delay = Math.min(delay * 2, MAX_DELAY);
  }

  function refresh() {
    refreshTimer = 0;
    if (stopped || inflight) return;
    var ctl = new AbortController(), timer = setTimeout(function () { ctl.abort(); }, TIMEOUT);
    inflight = ctl;
    var url = location.pathname.replace(/\/+$/, "") + "/data.json";
    fetch(url, { cache: "no-store", credentials: "omit", headers: { Accept: "application/json" }, signal: ctl.signal })
      .then(function (res) {
        if (res.status === 401) return null;
        if (!res.ok) throw new Error("status " + res.status);
        return res.json();
      })
      .then(function (d) {
        if (d === null) { stop(); return; }
        render(d);
        root.setAttribute("data-refreshes", String(++refreshes));
        status("");
        delay = REFRESH;
        schedule(REFRESH);
      })
      .catch(failed)
      .then(function () {
        clearTimeout(timer);
        if (inflight === ctl) inflight = null;
      });
  }

  tick();
  clockTimer = setInterval(tick, 1000);
  rotateTimer = setInterval(rotate, ROTATE);
  schedule(REFRESH);
})();
