/// The procurement page at `GET /procurement` (its script at `/procurement.js`, the style shared with
/// the allocation page): the KPIs, spend by supplier, the reorder list, invoices awaiting approval
/// and payments due. It loads `/api/procurement/dashboard`, then follows
/// `/events/stream?view=procurement`, so it updates without a reload. With a date range chosen, the
/// KPI figures come from `/api/procurement/kpis` for that range, read at the checkpoint of each
/// message. Money is shown from integer minor units by string arithmetic, never a float.
enum ProcurementAssets {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Cosmic · procurement</title>
        <link rel="stylesheet" href="/dashboard.css">
        <style>
          .range { display: flex; gap: 10px; align-items: center; color: var(--muted); }
          .range input, .range button { background: var(--panel); color: var(--text); border: 1px solid var(--line);
            border-radius: 6px; padding: 3px 8px; font: inherit; }
          .tile .value.money { font-size: 16px; }
          td.money, th.money { font-variant-numeric: tabular-nums; }
          .status { font-weight: 600; } .status.mismatched { color: var(--warn); } .status.matched { color: var(--good); }
        </style>
        </head>
        <body>
        <header>
          <h1>Cosmic <span class="subtitle">procurement read model</span></h1>
          <nav class="nav"><a href="/">allocation</a><a class="here" href="/procurement">procurement</a></nav>
          <div id="sync" class="sync">
            <span id="state" class="badge">loading…</span>
            <span>checkpoint <b id="checkpoint">–</b></span>
            <span>lag <b id="lag">–</b></span>
          </div>
        </header>
        <main>
          <section class="panel wide range">
            <span>KPIs for UTC days</span>
            <input type="date" id="from" aria-label="from"> <span>to</span> <input type="date" id="to" aria-label="to">
            <button id="apply">apply</button> <button id="alltime">all time</button>
            <span id="rangelabel" class="hint">all time</span>
          </section>
          <section class="tiles" id="kpis"></section>
          <section class="panel">
            <h2>Spend by supplier <span class="hint">approved invoices, top 10 per currency</span></h2>
            <table id="spend"><thead><tr><th>supplier</th><th>name</th><th class="money">spend</th></tr></thead>
              <tbody></tbody></table>
          </section>
          <section class="panel">
            <h2>Reorder list <span class="hint">out of stock and on no open order</span></h2>
            <table id="reorder"><thead><tr><th>SKU</th><th>out-of-stock events</th><th>units short</th>
              <th>last</th></tr></thead><tbody></tbody></table>
          </section>
          <section class="panel">
            <h2>Invoices awaiting approval <span class="hint">oldest first</span></h2>
            <table id="awaiting"><thead><tr><th>invoice</th><th>order</th><th>match</th><th class="money">total</th>
              </tr></thead><tbody></tbody></table>
          </section>
          <section class="panel">
            <h2>Payments due <span class="hint">scheduled, not fully paid, soonest first</span></h2>
            <table id="due"><thead><tr><th>invoice</th><th>due</th><th class="money">balance</th></tr></thead>
              <tbody></tbody></table>
          </section>
        </main>
        <footer id="problem"></footer>
        <script src="/procurement.js"></script>
        </body>
        </html>
        """#

    static let script = #"""
        "use strict";
        (function () {
          const $ = (id) => document.getElementById(id);
          const fmt = (n) => (n === null || n === undefined) ? "–" : Number(n).toLocaleString("en-US");

          // Minor units to text by string arithmetic: "EUR 1,234.50". The currency's decimals come
          // from Intl (2 for most, 0 for JPY); the amount never becomes a float.
          function decimals(currency) {
            try {
              return new Intl.NumberFormat("en-US", { style: "currency", currency: currency })
                .resolvedOptions().maximumFractionDigits;
            } catch (e) { return 2; }
          }
          function money(currency, minor) {
            const negative = minor < 0;
            const digits = String(Math.abs(minor));
            const d = decimals(currency);
            const padded = digits.padStart(d + 1, "0");
            const whole = padded.slice(0, padded.length - d).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
            const text = d > 0 ? whole + "." + padded.slice(padded.length - d) : whole;
            return currency + " " + (negative ? "-" : "") + text;
          }
          const amounts = (list) => list.length === 0 ? "–" : list.map((m) => money(m.currency, m.value)).join(" · ");
          const percent = (rate) => rate === null ? "–" : (Math.round(rate * 1000) / 10) + "%";
          function duration(seconds) {
            if (seconds === null) return "–";
            if (seconds < 120) return Math.round(seconds) + " s";
            if (seconds < 7200) return Math.round(seconds / 60) + " min";
            if (seconds < 172800) return (Math.round(seconds / 360) / 10) + " h";
            return (Math.round(seconds / 8640) / 10) + " days";
          }

          function el(tag, attrs, children) {
            const node = document.createElement(tag);
            for (const [key, value] of Object.entries(attrs || {})) {
              if (key === "text") node.textContent = value; else node.setAttribute(key, value);
            }
            for (const child of children || []) node.appendChild(child);
            return node;
          }

          function rows(table, items, columns, empty) {
            const body = $(table).tBodies[0];
            if (items.length === 0) {
              body.replaceChildren(el("tr", {}, [el("td", { colspan: String(columns), class: "empty", text: empty })]));
              return;
            }
            body.replaceChildren(...items);
          }

          function renderSync(d) {
            const badge = $("state");
            badge.textContent = d.sync.state.replace("_", " ");
            badge.className = "badge " + d.sync.state;
            $("checkpoint").textContent = fmt(d.checkpoint);
            $("lag").textContent = fmt(d.lag);
            $("problem").textContent = d.sync.problem ? "⚠ " + d.sync.problem : "";
          }

          function renderKPIs(k) {
            const tiles = [
              ["orders created", fmt(k.orders_created.count)],
              ["orders created value", amounts(k.orders_created.value), true],
              ["orders approved", fmt(k.orders_approved.count)],
              ["approved value", amounts(k.orders_approved.value), true],
              ["approval cycle", duration(k.approval_cycle.average_seconds)],
              ["on-time delivery", percent(k.on_time_delivery.rate)],
              ["first-pass match", percent(k.first_pass_match.rate)],
              ["spend", amounts(k.invoices_approved.value), true],
              ["awaiting approval", fmt(k.invoices_awaiting_approval.count)],
              ["awaiting value", amounts(k.invoices_awaiting_approval.value), true],
              ["due in 7 days", fmt(k.payments_due.count)],
              ["due value", amounts(k.payments_due.value), true],
              ["to reorder", fmt(k.reorder_list.length)]];
            $("kpis").replaceChildren(...tiles.map(([label, value, isMoney]) =>
              el("div", { class: "tile", "data-metric": label }, [
                el("div", { class: "label", text: label }),
                el("div", { class: isMoney ? "value money" : "value", text: value })])));
            $("rangelabel").textContent = (k.from || k.to) ? (k.from || "…") + " to " + (k.to || "…") : "all time";
            rows("spend", k.spend_by_supplier.flatMap((c) => c.suppliers.map((s) =>
              el("tr", { "data-supplier": s.supplier }, [el("td", { text: s.supplier }), el("td", { text: s.name || "" }),
                el("td", { class: "money", text: money(c.currency, s.value) })]))), 3, "no approved invoices");
          }

          function renderLists(d) {
            rows("reorder", d.kpis.reorder_list.map((r) => el("tr", { "data-sku": r.sku }, [
              el("td", { text: r.sku }), el("td", { text: fmt(r.out_of_stock) }), el("td", { text: fmt(r.units_short) }),
              el("td", { text: r.last_out_of_stock_at.slice(0, 16).replace("T", " ") })])), 4, "nothing to reorder");
            rows("awaiting", d.awaiting_approval.map((i) => el("tr", { "data-invoice": i.supplier + "/" + i.invoice }, [
              el("td", { text: i.supplier + " " + i.invoice }), el("td", { text: i.po }),
              el("td", { class: "status " + i.status, text: i.status }),
              el("td", { class: "money", text: money(i.currency, i.total) })])), 4, "none awaiting");
            rows("due", d.payments_due.map((i) => el("tr", { "data-invoice": i.supplier + "/" + i.invoice }, [
              el("td", { text: i.supplier + " " + i.invoice }), el("td", { text: i.payment_due || "" }),
              el("td", { class: "money", text: money(i.currency, i.balance) })])), 3, "nothing due");
          }

          let range = null;  // { from, to } when a range is chosen

          function render(d) {
            renderSync(d);
            renderLists(d);
            document.body.dataset.checkpoint = d.checkpoint;
            if (range === null) {
              renderKPIs(d.kpis);
              return;
            }
            const query = new URLSearchParams({ min_position: String(d.checkpoint) });
            if (range.from) query.set("from", range.from);
            if (range.to) query.set("to", range.to);
            fetch("/api/procurement/kpis?" + query).then((r) => r.json()).then((k) => {
              if (k.error) { $("problem").textContent = "⚠ " + k.error.message; return; }
              renderKPIs(k);
            }).catch(showDisconnected);
          }

          let latest = null;
          function load() {
            fetch("/api/procurement/dashboard").then((r) => r.json()).then((d) => { latest = d; render(d); })
              .catch(showDisconnected);
          }

          $("apply").addEventListener("click", () => {
            range = { from: $("from").value, to: $("to").value };
            if (!range.from && !range.to) range = null;
            if (latest) render(latest); else load();
          });
          $("alltime").addEventListener("click", () => {
            range = null;
            $("from").value = ""; $("to").value = "";
            if (latest) render(latest); else load();
          });

          let lastMessage = 0;
          function showDisconnected() {
            const badge = $("state");
            badge.textContent = "no connection";
            badge.className = "badge disconnected";
          }

          load();
          if ("EventSource" in window) {
            const source = new EventSource("/events/stream?view=procurement");
            source.addEventListener("procurement", (message) => {
              lastMessage = Date.now();
              latest = JSON.parse(message.data);
              render(latest);
              document.body.dataset.streamUpdates = Number(document.body.dataset.streamUpdates || 0) + 1;
            });
            source.onerror = () => {
              const failedAt = Date.now();
              setTimeout(() => { if (lastMessage < failedAt) showDisconnected(); }, 5000);
            };
          } else {
            setInterval(load, 2000);
          }
        })();
        """#
}
