// The wall screen (大屏): a live clock, rotating panels, and the figures refreshed every
// minute from data.json in place — nodes are replaced, never accumulated, so that the page
// can run for days. On 401 it says the token was revoked and stops; on a network error it
// keeps the last figures and retries with backoff.
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root) return;
  var ROTATE = 15000, REFRESH = 60000, MAX_BACKOFF = 600000;
  var stopped = root.hasAttribute("data-stopped");
  var timers = [];

  function $(id) { return document.getElementById(id); }
  function fmt(tpl, s) { return tpl.replace("%s", s); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // The clock, in Beijing time whatever the computer's zone.
  function tick() {
    var d = new Date(Date.now() + (new Date().getTimezoneOffset() + 480) * 60000);
    var c = $("scr-clock"), dd = $("scr-date");
    if (c) c.textContent = pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
    if (dd) dd.textContent = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  // Rotation: the position survives refreshes, which only change the panels' contents.
  var pos = 0;
  function rotate() {
    var panels = document.querySelectorAll(".rot-panel"), dots = document.querySelectorAll("#rot-dots span");
    if (!panels.length) return;
    pos = (pos + 1) % panels.length;
    for (var i = 0; i < panels.length; i++) {
      panels[i].classList.toggle("on", i === pos);
      if (dots[i]) dots[i].classList.toggle("on", i === pos);
    }
    var t = $("rot-title");
    if (t) t.textContent = panels[pos].getAttribute("data-title");
  }

  function stop() {
    stopped = true;
    timers.forEach(function (t) { clearInterval(t); clearTimeout(t); });
    var msg = root.getAttribute("data-revoked");
    var box = el("div", "scr-revoked");
    box.id = "screen-revoked";
    box.setAttribute("role", "alert");
    box.appendChild(el("p", null, msg));
    root.replaceChildren(box);
  }

  var svgNS = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs) {
    var e = document.createElementNS(svgNS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  function render(d) {
    var t = $("scr-title"); if (t) t.textContent = d.title;
    var s = $("scr-schedule"); if (s) s.textContent = d.schedule;
    (d.figures || []).forEach(function (f) {
      var box = $("fig-" + f.key);
      if (!box) return;
      box.classList.toggle("alert", !!f.alert);
      box.querySelector(".fig-label").textContent = f.label;
      box.querySelector(".v").textContent = f.value;
      box.querySelector(".u").textContent = f.unit;
      box.querySelector(".fig-note").textContent = f.note;
    });
    var rk = $("scr-ranking");
    if (rk) {
      var items = (d.ranking || []).map(function (r) {
        var li = el("li", r.behind ? "behind" : "");
        li.appendChild(el("span", "rn", String(r.n)));
        li.appendChild(el("span", "rname", r.name));
        var svg = svgEl("svg", { "class": "rbar", viewBox: "0 0 100 10", preserveAspectRatio: "none", "aria-hidden": "true" });
        svg.appendChild(svgEl("rect", { "class": "track", width: "100", height: "10" }));
        svg.appendChild(svgEl("rect", { "class": "fill", width: r.width, height: "10" }));
        svg.appendChild(svgEl("line", { "class": "sched", x1: d.schedule_x, x2: d.schedule_x, y1: "0", y2: "10" }));
        li.appendChild(svg);
        li.appendChild(el("span", "rpct", r.completion));
        li.appendChild(el("span", "rred", r.red_label || ""));
        return li;
      });
      if (items.length) rk.replaceChildren.apply(rk, items);
    }
    var red = $("scr-red");
    if (red && d.red) {
      red.replaceChildren.apply(red, d.red.map(function (w) {
        var li = el("li"), l1 = el("div", "l1");
        l1.appendChild(el("b", null, w.project));
        l1.appendChild(el("span", null, w.unit));
        li.appendChild(l1);
        li.appendChild(el("div", "l2", w.reason));
        return li;
      }));
    }
    var rt = $("scr-red-total");
    if (rt) rt.textContent = rt.textContent.replace(/\d+/, String(d.red_total));
    var dec = $("scr-decisions");
    if (dec && d.decisions) {
      dec.replaceChildren.apply(dec, d.decisions.map(function (x) {
        var li = el("li"), l1 = el("div", "l1");
        l1.appendChild(el("b", null, x.title));
        l1.appendChild(el("span", null, x.when));
        li.appendChild(l1);
        li.appendChild(el("div", "l2", x.decision));
        li.appendChild(el("div", "l3", (x.project ? x.project + " · " : "") + x.by));
        return li;
      }));
    }
    var cats = $("scr-cats");
    if (cats && d.categories) {
      cats.querySelectorAll(".cat").forEach(function (c, i) {
        var x = d.categories[i];
        if (!x) return;
        c.classList.toggle("down", !!x.down);
        c.querySelector(".cl").textContent = x.label;
        c.querySelector(".cv").firstChild.textContent = x.value;
        var g = c.querySelector(".cg");
        g.textContent = g.textContent.replace(/\S+$/, x.growth);
      });
    }
    // The charts come from the server's chart package, which escapes every text.
    if ($("scr-stage-svg") && d.stage_svg) $("scr-stage-svg").innerHTML = d.stage_svg;
    if ($("scr-colour-svg") && d.colour_svg) $("scr-colour-svg").innerHTML = d.colour_svg;
    var st = $("scr-stamp");
    if (st) { st.textContent = fmt(root.getAttribute("data-updated"), d.updated); st.classList.remove("stale"); }
    last = d.updated;
  }

  var last = "", delay = REFRESH, pending = null;
  function schedule(ms) {
    if (stopped) return;
    if (pending) clearTimeout(pending);
    pending = setTimeout(refresh, ms);
    timers.push(pending);
    if (timers.length > 8) timers = timers.slice(-4);
  }
  function refresh() {
    if (stopped) return;
    var url = location.pathname.replace(/\/+$/, "") + "/data.json";
    fetch(url, { cache: "no-store", credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (res) {
        if (res.status === 401) { stop(); return null; }
        if (!res.ok) throw new Error("status " + res.status);
        return res.json();
      })
      .then(function (d) {
        if (!d) return;
        render(d);
        delay = REFRESH;
        schedule(REFRESH);
      })
      .catch(function () {
        var st = $("scr-stamp");
        if (st) { st.textContent = fmt(root.getAttribute("data-stale"), last || "--:--"); st.classList.add("stale"); }
        delay = Math.min(delay * 2, MAX_BACKOFF);
        schedule(delay / 4 + Math.random() * delay / 4);
      });
  }

  if (stopped) return;
  var stamp = $("scr-stamp");
  if (stamp) { var m = stamp.textContent.match(/\d\d:\d\d/); if (m) last = m[0]; }
  tick();
  timers.push(setInterval(tick, 1000));
  timers.push(setInterval(rotate, ROTATE));
  schedule(REFRESH);
})();
