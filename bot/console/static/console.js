// Staff console: live deadline countdowns and a notice when the queue changed. No framework.
(function () {
  "use strict";
  var table = document.querySelector("[data-server-now]");
  var offset = table ? Date.parse(table.getAttribute("data-server-now")) - Date.now() : 0;

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function describe(ms) {
    var late = ms < 0, s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var text = (d ? d + "天" : "") + (d || h ? h + "小时" : "") + two(m) + "分" + two(sec) + "秒";
    return late ? "已超时 " + text : "剩余 " + text;
  }

  function tick() {
    var now = Date.now() + offset;
    var items = document.querySelectorAll(".countdown[data-due]");
    for (var i = 0; i < items.length; i++) {
      var left = Date.parse(items[i].getAttribute("data-due")) - now;
      items[i].textContent = describe(left);
      items[i].classList.toggle("overdue", left < 0);
      items[i].classList.toggle("soon", left >= 0 && left < 30 * 60 * 1000);
    }
  }

  function signature(rows) {
    return rows.map(function (r) { return r.id + ":" + r.version; }).sort().join(",");
  }

  function poll() {
    var url = table && table.getAttribute("data-poll");
    if (!url) { return; }
    var shown = [];
    var trs = table.querySelectorAll("tbody tr[data-id]");
    for (var i = 0; i < trs.length; i++) {
      shown.push({ id: trs[i].getAttribute("data-id"), version: trs[i].getAttribute("data-version") });
    }
    fetch(url, { headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 401) { window.location.href = "/console/login"; return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (data) {
        if (data && signature(data.tickets) !== signature(shown)) {
          document.getElementById("refresh").classList.add("shown");
        }
      })
      .catch(function () { /* offline for a moment: try again next time */ });
  }

  tick();
  setInterval(tick, 1000);
  if (table && table.getAttribute("data-poll")) { setInterval(poll, 30000); }
})();
