import Hummingbird

/// The dashboard page at `GET /`: HTML, CSS and JavaScript served by the service itself, with no
/// external CDN (the machine may be offline). The script loads `/api/dashboard`, then follows
/// `/events/stream` (server-sent events) so the page updates without a reload; the chart is drawn
/// as SVG by hand. Kept in Swift strings so the binary is the whole deployment.
enum DashboardAssets {
    static func response(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Cosmic · read side</title>
        <link rel="stylesheet" href="/dashboard.css">
        </head>
        <body>
        <header>
          <h1>Cosmic <span class="subtitle">allocation read model</span></h1>
          <nav class="nav"><a class="here" href="/">allocation</a><a href="/procurement">procurement</a></nav>
          <div id="sync" class="sync">
            <span id="state" class="badge">loading…</span>
            <span>checkpoint <b id="checkpoint">–</b></span>
            <span>head <b id="head">–</b></span>
            <span>lag <b id="lag">–</b></span>
            <span><b id="rate">–</b> events/s</span>
          </div>
        </header>
        <main>
          <section class="tiles" id="totals"></section>
          <section class="panel wide">
            <h2>Allocation activity <span class="hint">events per minute, latest hour of the log</span></h2>
            <div id="chart" class="chart"></div>
            <div class="legend">
              <span class="key allocated"></span>allocated
              <span class="key deallocated"></span>deallocated
              <span class="key outofstock"></span>out of stock
            </div>
          </section>
          <section class="panel">
            <h2>Stock per SKU</h2>
            <table id="stock"><thead><tr><th>SKU</th><th>batches</th><th>purchased</th><th>allocated</th>
              <th>available</th><th></th></tr></thead><tbody></tbody></table>
          </section>
          <section class="panel">
            <h2>Recent out-of-stock</h2>
            <ul id="outofstock" class="feed"></ul>
          </section>
          <section class="panel wide">
            <h2>Recent activity</h2>
            <ul id="activity" class="feed"></ul>
          </section>
        </main>
        <footer id="problem"></footer>
        <script src="/dashboard.js"></script>
        </body>
        </html>
        """#

    static let style = #"""
        :root { --bg: #0f172a; --panel: #111c33; --line: #22304f; --text: #e2e8f0; --muted: #8da2c0;
          --good: #22c55e; --warn: #f59e0b; --bad: #ef4444; --alloc: #38bdf8; --dealloc: #a78bfa; --oos: #f97316; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
          background: var(--bg); color: var(--text); }
        header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between;
          padding: 14px 24px; border-bottom: 1px solid var(--line); }
        h1 { margin: 0; font-size: 20px; } .subtitle { color: var(--muted); font-weight: 400; font-size: 14px; }
        h2 { margin: 0 0 10px; font-size: 15px; } .hint { color: var(--muted); font-weight: 400; font-size: 12px; }
        .nav a { color: var(--muted); margin-right: 12px; } .nav a.here { color: var(--text); font-weight: 600; }
        .sync { display: flex; gap: 16px; align-items: center; color: var(--muted); }
        .sync b { color: var(--text); }
        .badge { padding: 2px 10px; border-radius: 999px; background: var(--line); color: var(--text);
          font-weight: 600; text-transform: uppercase; font-size: 12px; }
        .badge.live { background: var(--good); color: #04210f; }
        .badge.catching_up, .badge.starting { background: var(--warn); color: #2a1800; }
        .badge.disconnected, .badge.halted { background: var(--bad); color: #fff; }
        main { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; padding: 16px 24px; }
        .tiles { grid-column: 1 / -1; display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 12px; }
        .tile { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; }
        .tile .label { color: var(--muted); font-size: 12px; } .tile .value { font-size: 22px; font-weight: 700; }
        .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px; min-width: 0; }
        .wide { grid-column: 1 / -1; }
        table { width: 100%; border-collapse: collapse; }
        th, td { text-align: right; padding: 5px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
        th:first-child, td:first-child { text-align: left; } th { color: var(--muted); font-weight: 500; }
        td.bar { width: 35%; } .meter { height: 8px; background: var(--line); border-radius: 4px; overflow: hidden; }
        .meter > div { height: 100%; background: var(--alloc); }
        .feed { list-style: none; margin: 0; padding: 0; max-height: 320px; overflow: auto; }
        .feed li { display: flex; gap: 10px; padding: 4px 0; border-bottom: 1px solid var(--line); }
        .feed .pos { color: var(--muted); min-width: 48px; } .feed .time { color: var(--muted); min-width: 70px; }
        .feed .type { min-width: 110px; font-weight: 600; } #activity .type { min-width: 190px; }
        .type.Allocated { color: var(--alloc); } .type.Deallocated { color: var(--dealloc); }
        .type.OutOfStock { color: var(--oos); }
        .chart svg { width: 100%; height: 200px; display: block; }
        .chart .axis { stroke: var(--line); } .chart text { fill: var(--muted); font-size: 11px; }
        .legend { color: var(--muted); font-size: 12px; margin-top: 6px; }
        .key { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 12px; }
        .key.allocated { background: var(--alloc); } .key.deallocated { background: var(--dealloc); }
        .key.outofstock { background: var(--oos); }
        .empty { color: var(--muted); font-style: italic; }
        footer { padding: 0 24px 16px; color: var(--bad); min-height: 1em; }
        @media (max-width: 800px) { main { grid-template-columns: 1fr; } }
        """#

    static let script = #"""
        "use strict";
        (function () {
          const $ = (id) => document.getElementById(id);
          const fmt = (n) => (n === null || n === undefined) ? "–" : Number(n).toLocaleString("en-US");

          function el(tag, attrs, children) {
            const node = document.createElement(tag);
            for (const [key, value] of Object.entries(attrs || {})) {
              if (key === "text") node.textContent = value; else node.setAttribute(key, value);
            }
            for (const child of children || []) node.appendChild(child);
            return node;
          }

          function svg(tag, attrs) {
            const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
            for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
            return node;
          }

          function renderSync(d) {
            const s = d.sync;
            const badge = $("state");
            badge.textContent = s.state.replace("_", " ");
            badge.className = "badge " + s.state;
            $("checkpoint").textContent = fmt(d.checkpoint);
            $("head").textContent = fmt(d.head);
            $("lag").textContent = fmt(d.lag);
            $("rate").textContent = fmt(s.apply_rate);
            $("problem").textContent = s.problem ? "⚠ " + s.problem : "";
          }

          function renderTotals(t) {
            const tiles = [["SKUs", t.skus], ["batches", t.batches], ["purchased", t.purchased],
              ["allocated", t.allocated], ["available", t.available], ["allocations", t.allocations],
              ["out of stock", t.out_of_stock], ["events", t.events]];
            $("totals").replaceChildren(...tiles.map(([label, value]) =>
              el("div", { class: "tile", "data-metric": label }, [
                el("div", { class: "label", text: label }), el("div", { class: "value", text: fmt(value) })])));
          }

          function renderStock(skus) {
            const body = $("stock").tBodies[0];
            if (skus.length === 0) {
              body.replaceChildren(el("tr", {}, [el("td", { colspan: "6", class: "empty", text: "no stock yet" })]));
              return;
            }
            body.replaceChildren(...skus.map((s) => {
              const share = s.purchased > 0 ? Math.min(100, Math.round(100 * s.allocated / s.purchased)) : 0;
              const meter = el("div", { class: "meter", title: share + "% allocated" },
                [el("div", { style: "width:" + share + "%" })]);
              return el("tr", { "data-sku": s.sku }, [
                el("td", { text: s.sku }), el("td", { text: fmt(s.batch_count) }), el("td", { text: fmt(s.purchased) }),
                el("td", { text: fmt(s.allocated) }), el("td", { class: "available", text: fmt(s.available) }),
                el("td", { class: "bar" }, [meter])]);
            }));
          }

          function renderChart(points) {
            const box = $("chart");
            const width = 900, height = 200, left = 36, bottom = 22, top = 8;
            const chart = svg("svg", { viewBox: "0 0 " + width + " " + height, preserveAspectRatio: "none",
              role: "img", "aria-label": "allocation activity per minute" });
            const peak = Math.max(2, ...points.map((p) => p.allocated + p.deallocated + p.out_of_stock));
            const max = peak % 2 === 0 ? peak : peak + 1;  // so the half-way line has a whole number
            const plotHeight = height - bottom - top;
            chart.appendChild(svg("line", { class: "axis", x1: left, y1: height - bottom, x2: width, y2: height - bottom }));
            for (const fraction of [0.5, 1]) {
              const y = height - bottom - plotHeight * fraction;
              chart.appendChild(svg("line", { class: "axis", x1: left, y1: y, x2: width, y2: y, "stroke-dasharray": "3 4" }));
              const label = svg("text", { x: 2, y: y + 4 });
              label.textContent = max * fraction;
              chart.appendChild(label);
            }
            const slot = points.length > 0 ? (width - left) / points.length : 0;
            points.forEach((p, i) => {
              let y = height - bottom;
              for (const [value, color] of [[p.allocated, "var(--alloc)"], [p.deallocated, "var(--dealloc)"],
                [p.out_of_stock, "var(--oos)"]]) {
                if (value <= 0) continue;
                const h = plotHeight * value / max;
                y -= h;
                const bar = svg("rect", { x: left + i * slot + 1, y: y, width: Math.max(1, slot - 2), height: h, fill: color });
                const tip = svg("title", {});
                tip.textContent = p.minute.slice(11, 16) + " UTC: " + value;
                bar.appendChild(tip);
                chart.appendChild(bar);
              }
              if (i % 10 === 0 || i === points.length - 1) {
                const last = i === points.length - 1;
                const label = svg("text", { x: left + (last ? (i + 1) * slot : i * slot), y: height - 6,
                  "text-anchor": last ? "end" : "start" });
                label.textContent = p.minute.slice(11, 16);
                chart.appendChild(label);
              }
            });
            if (points.length === 0) {
              const label = svg("text", { x: width / 2 - 40, y: height / 2 });
              label.textContent = "no events yet";
              chart.appendChild(label);
            }
            box.replaceChildren(chart);
          }

          function feedItem(position, time, type, text) {
            return el("li", {}, [el("span", { class: "pos", text: "#" + position }),
              el("span", { class: "time", text: time.slice(11, 19) }), el("span", { class: "type " + type, text: type }),
              el("span", { text: text })]);
          }

          function renderOutOfStock(items) {
            $("outofstock").replaceChildren(...(items.length === 0
              ? [el("li", { class: "empty", text: "none so far" })]
              : items.map((o) => feedItem(o.position, o.occurred_at, "OutOfStock",
                  o.sku + " · order " + o.orderid + " · " + o.qty + " units"))));
          }

          function renderActivity(items) {
            $("activity").replaceChildren(...(items.length === 0
              ? [el("li", { class: "empty", text: "no events yet" })]
              : items.map((a) => feedItem(a.position, a.occurred_at, a.type,
                  [a.sku, a.orderid && "order " + a.orderid, a.batchref && "batch " + a.batchref,
                   a.qty !== null && a.qty !== undefined ? a.qty + " units" : null, a.detail]
                    .filter(Boolean).join(" · ")))));
          }

          function render(d) {
            renderSync(d);
            renderTotals(d.totals);
            renderStock(d.skus);
            renderChart(d.events_per_minute);
            renderOutOfStock(d.recent_out_of_stock);
            renderActivity(d.recent_activity);
            document.body.dataset.checkpoint = d.checkpoint;
          }

          let lastMessage = 0;

          function showDisconnected() {
            const badge = $("state");
            badge.textContent = "no connection";
            badge.className = "badge disconnected";
          }

          fetch("/api/dashboard").then((r) => r.json()).then(render).catch(showDisconnected);
          if ("EventSource" in window) {
            const source = new EventSource("/events/stream");
            source.addEventListener("dashboard", (message) => {
              lastMessage = Date.now();
              render(JSON.parse(message.data));
              document.body.dataset.streamUpdates = Number(document.body.dataset.streamUpdates || 0) + 1;
            });
            // The server ends each stream after a while and the browser reconnects on its own: only
            // say "no connection" when nothing has arrived for a while after an error.
            source.onerror = () => {
              const failedAt = Date.now();
              setTimeout(() => { if (lastMessage < failedAt) showDisconnected(); }, 5000);
            };
          } else {
            setInterval(() => fetch("/api/dashboard").then((r) => r.json()).then(render).catch(showDisconnected), 2000);
          }
        })();
        """#
}
