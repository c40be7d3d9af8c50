// Charts of a replication task's last hour, drawn as SVG from the per-minute figures the api
// returns: ok and errored records per minute (bars; errored also hatched, so the chart does not
// rely on colour), and the most records pending in each minute (a line). Each chart comes with a
// table of the same figures for screen readers.

import { h } from "./ui.js";

const NS = "http://www.w3.org/2000/svg";
const W = 600;
const H = 160;
const PAD = { left: 44, right: 8, top: 10, bottom: 22 };

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    el.setAttribute(k, String(v));
  }
  el.append(...children);
  return el;
}

/** The 60 minutes ending now, each with the recorded figures or zeros. */
function lastHour(minutes) {
  const byMinute = new Map(minutes.map((m) => [Math.floor(Date.parse(m.minute) / 60000), m]));
  const now = Math.floor(Date.now() / 60000);
  const hour = [];
  for (let m = now - 59; m <= now; m++) {
    const found = byMinute.get(m);
    hour.push({ minute: m, ok: found ? found.ok : 0, errored: found ? found.errored : 0,
      pending: found ? found.pending : 0 });
  }
  return hour;
}

function axes(max, title) {
  const g = svg("g", { class: "axes" });
  const y0 = H - PAD.bottom;
  g.append(svg("line", { x1: PAD.left, y1: y0, x2: W - PAD.right, y2: y0 }));
  g.append(svg("line", { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: y0 }));
  const top = svg("text", { x: PAD.left - 4, y: PAD.top + 8, "text-anchor": "end" });
  top.textContent = String(max);
  const zero = svg("text", { x: PAD.left - 4, y: y0, "text-anchor": "end" });
  zero.textContent = "0";
  const left = svg("text", { x: PAD.left, y: H - 4 });
  left.textContent = "60 min ago";
  const right = svg("text", { x: W - PAD.right, y: H - 4, "text-anchor": "end" });
  right.textContent = "now";
  const t = svg("title", {});
  t.textContent = title;
  g.append(top, zero, left, right);
  return [t, g];
}

function table(caption, hour, columns) {
  const rows = hour.filter((m) => columns.some((c) => m[c] > 0));
  return h("table", { class: "visually-hidden" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Minute"), columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((m) => h("tr", {},
      h("td", {}, new Date(m.minute * 60000).toLocaleTimeString()), columns.map((c) => h("td", {}, m[c]))))));
}

export function recordsChart(minutes) {
  const hour = lastHour(minutes);
  const max = Math.max(1, ...hour.map((m) => m.ok + m.errored));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / hour.length;
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", class: "chart",
    "aria-label": "Records ok and errored per minute, last hour" });
  chart.append(svg("defs", {}, svg("pattern", { id: "hatch", width: 4, height: 4, patternUnits: "userSpaceOnUse",
    patternTransform: "rotate(45)" }, svg("rect", { width: 4, height: 4, class: "hatch-bg" }),
  svg("line", { x1: 0, y1: 0, x2: 0, y2: 4, class: "hatch-line" }))));
  chart.append(...axes(max, "Records per minute"));
  hour.forEach((m, i) => {
    const x = PAD.left + i * bw + 1;
    const okH = (m.ok / max) * plotH;
    const errH = (m.errored / max) * plotH;
    const base = H - PAD.bottom;
    if (m.ok > 0) {
      chart.append(svg("rect", { x, y: base - okH, width: Math.max(1, bw - 2), height: okH, class: "bar-ok" }));
    }
    if (m.errored > 0) {
      chart.append(svg("rect", { x, y: base - okH - errH, width: Math.max(1, bw - 2), height: errH,
        class: "bar-errored", fill: "url(#hatch)" }));
    }
  });
  return h("figure", { class: "chart-box" }, chart,
    h("figcaption", {}, h("span", { class: "key key-ok" }, "■ ok"), " ", h("span", { class: "key key-errored" },
      "▨ errored"), " records per minute, last hour"),
    table("Records per minute", hour, ["ok", "errored"]));
}

export function pendingChart(minutes) {
  const hour = lastHour(minutes);
  const max = Math.max(1, ...hour.map((m) => m.pending));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / (hour.length - 1);
  const points = hour.map((m, i) => `${(PAD.left + i * step).toFixed(1)},${(H - PAD.bottom - (m.pending / max) * plotH)
    .toFixed(1)}`).join(" ");
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", class: "chart",
    "aria-label": "Most records pending per minute, last hour" });
  chart.append(...axes(max, "Pending records"));
  chart.append(svg("polyline", { points, class: "line-pending" }));
  return h("figure", { class: "chart-box" }, chart,
    h("figcaption", {}, "Most records pending in each minute, last hour"),
    table("Pending records per minute", hour, ["pending"]));
}
