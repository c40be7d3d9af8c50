// Replication tasks: the list, a task's page (settings, errors, charts, pause/resume, remove)
// and the form that creates or edits one, with the api's validation messages at the field they
// concern. Provisioned tasks belong to the api's environment: their edit and remove are disabled.

import { call, get } from "./api.js";
import { pendingChart, recordsChart } from "./chart.js";
import { act, badge, bytes, confirmDialog, field, fill, h, message, render } from "./ui.js";

const MASK = "***";
const PROVISIONED = "Provisioned from the api's environment (REDTROVE_REPLICATION_* settings): "
  + "change or remove it there. It may still be paused and resumed here.";
const path = (name) => `/replications/${encodeURIComponent(name)}`;

async function instanceNames() {
  const list = (await get("/instances?limit=1000")).instances || [];
  return new Map(list.map((i) => [i.id, i.name]));
}

export function replicationList(root) {
  const errors = h("div");
  const body = h("div", { "aria-live": "polite" }, h("p", {}, "Loading replication tasks…"));
  fill(root, h("div", { class: "title-row" }, h("h1", {}, "Replication tasks"),
    h("a", { class: "button primary", href: "#/replications/new" }, "Create replication task")), errors, body);
  async function refresh() {
    try {
      const list = (await get("/replications")).replications || [];
      const details = await Promise.all(list.map((t) => get(path(t.name)).catch(() => null)));
      message(errors, null);
      if (!list.length) {
        render(body, [], () => h("section", { class: "empty" }, h("h2", {}, "No replication tasks yet"),
          h("p", {}, "A replication task streams the new writes of one of your instances to another instance or to "
            + "any Redis, filtered by key pattern and by labels (the fields of stream entries and hashes)."),
          h("a", { class: "button primary", href: "#/replications/new" }, "Create a replication task")));
        return;
      }
      const rows = list.map((t, i) => ({ ...t, hourly: details[i] ? details[i].diagnostics.hourly : null }));
      render(body, rows, () => h("table", { class: "list" },
        h("thead", {}, h("tr", {}, ["Name", "Mode", "Active", "Pending", "OK last hour", "Errored last hour", ""]
          .map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, rows.map((t) => h("tr", { "data-task": t.name },
          h("td", {}, h("a", { href: `#/replications/${encodeURIComponent(t.name)}` }, t.name)),
          h("td", {}, badge(t.mode)),
          h("td", {}, badge(t.is_active ? "yes" : "no")),
          h("td", { class: "pending" }, t.pending_records),
          h("td", { class: "ok" }, t.hourly ? t.hourly.ok : "–"),
          h("td", { class: "errored" }, t.hourly ? t.hourly.errored : "–"),
          h("td", {}, t.is_provisioned ? h("span", { class: "tag", title: PROVISIONED }, "provisioned") : ""))))));
    } catch (e) {
      message(errors, e.message);
    }
  }
  return refresh;
}

function pairs(map) {
  return Object.entries(map || {}).map(([k, v]) => `${k}=${v}`).join(", ") || "none";
}

export function replicationPage(root, name, navigate) {
  const errors = h("div");
  const heading = h("h1", {}, name);
  const info = h("section");
  const settings = h("section");
  const diagnostics = h("section");
  const charts = h("section");
  const actionMessages = h("div");
  const pause = h("button", { type: "button" }, "Pause");
  const edit = h("a", { class: "button", href: `#/replications/${encodeURIComponent(name)}/edit` }, "Edit");
  const editDisabled = h("button", { type: "button", disabled: true, hidden: true }, "Edit");
  const remove = h("button", { type: "button", class: "danger" }, "Remove");
  const provisionedNote = h("p", { class: "hint", hidden: true, id: "provisioned-note" }, PROVISIONED);
  let mode = null;

  pause.addEventListener("click", async () => {
    const next = mode === "enabled" ? "paused" : "enabled";
    await act(pause, actionMessages, () => call("PATCH", `${path(name)}/mode`, { mode: next }),
      next === "paused" ? "Paused: records are collected and sent when resumed." : "Resumed.");
    refresh();
  });
  remove.addEventListener("click", async () => {
    if (!await confirmDialog({ title: "Remove replication task", confirm: "Remove", danger: true, typed: name,
      text: `Remove ${name}? It stops, and the records it holds that the target has not taken are dropped.` })) {
      return;
    }
    const done = await act(remove, actionMessages, async () => {
      await call("DELETE", path(name));
      return true;
    });
    if (done) {
      navigate("#/replications", `${name} was removed.`);
    }
  });

  fill(root, h("p", {}, h("a", { href: "#/replications" }, "← All replication tasks")), heading, errors, info,
    h("div", { class: "actions" }, pause, edit, editDisabled, remove), provisionedNote, actionMessages,
    h("h2", {}, "Settings"), settings, h("h2", {}, "Last hour"), diagnostics, charts);

  async function refresh() {
    let task;
    let names;
    try {
      [task, names] = await Promise.all([get(path(name)), instanceNames()]);
      message(errors, null);
    } catch (e) {
      message(errors, e.status === 404 ? `There is no replication task ${name}.` : e.message);
      return;
    }
    const i = task.info;
    const s = task.settings;
    const d = task.diagnostics;
    mode = i.mode;
    pause.textContent = i.mode === "enabled" ? "Pause" : "Resume";
    pause.hidden = i.mode === "disabled";
    edit.hidden = i.is_provisioned;
    editDisabled.hidden = !i.is_provisioned;
    remove.disabled = i.is_provisioned;
    provisionedNote.hidden = !i.is_provisioned;
    if (i.is_provisioned) {
      remove.setAttribute("aria-describedby", "provisioned-note");
      editDisabled.setAttribute("aria-describedby", "provisioned-note");
    }
    render(heading, [i.name, i.mode, i.is_provisioned], () => [i.name, " ", badge(i.mode),
      i.is_provisioned ? [" ", h("span", { class: "tag" }, "provisioned")] : null]);
    render(info, i, () => h("dl", { class: "facts" },
      h("dt", {}, "Active"), h("dd", { id: "task-active" }, badge(i.is_active ? "yes" : "no")),
      h("dt", {}, "Pending records"), h("dd", { id: "task-pending" }, i.pending_records),
      h("dt", {}, "Behind the source"), h("dd", {}, bytes(i.bytes_behind)),
      h("dt", {}, "Last batch's lag"), h("dd", {}, i.last_batch_lag_ms < 0 ? "no batch yet" : `${i.last_batch_lag_ms} ms`),
      h("dt", {}, "Last error"), h("dd", {}, i.last_error ? h("span", { class: "message error" }, i.last_error) : "none")));
    render(settings, [s, [...names]], () => h("dl", { class: "facts" },
      h("dt", {}, "Source"), h("dd", {}, names.get(s.src_instance) || s.src_instance),
      h("dt", {}, "Target"), h("dd", {}, s.dst_instance ? names.get(s.dst_instance) || s.dst_instance
        : [h("code", {}, s.dst_host), s.dst_password ? " (password set)" : " (no password)"]),
      h("dt", {}, "Entries"), h("dd", {}, s.entries && s.entries.length ? s.entries.join(", ") : "all keys"),
      h("dt", {}, "Include"), h("dd", {}, pairs(s.include)),
      h("dt", {}, "Exclude"), h("dd", {}, pairs(s.exclude)),
      h("dt", {}, "Each n"), h("dd", { id: "setting-each-n" }, s.each_n ?? "every record"),
      h("dt", {}, "Each s"), h("dd", { id: "setting-each-s" }, s.each_s ?? "no limit")));
    const codes = Object.entries(d.hourly.errors || {});
    render(diagnostics, d.hourly, () => [h("dl", { class: "facts" },
      h("dt", {}, "OK"), h("dd", { id: "task-ok" }, d.hourly.ok),
      h("dt", {}, "Errored"), h("dd", { id: "task-errored" }, d.hourly.errored)),
    h("p", { class: "hint" }, "Records in the last hour; while a task is younger than an hour, scaled up to an "
      + "hour as ReductStore reports them. The charts show each minute as it was."),
    codes.length ? h("table", { class: "list errors" }, h("caption", {}, "Errors by code"),
      h("thead", {}, h("tr", {}, ["Code", "Count", "Last message"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, codes.map(([code, e]) => h("tr", {}, h("td", {}, h("code", {}, code)), h("td", {}, e.count),
        h("td", {}, e.last_message || "")))))
      : h("p", {}, "No errors in the last hour.")]);
    render(charts, [d.minutes, Math.floor(Date.now() / 60000)], () => h("div", { class: "charts" },
      recordsChart(d.minutes || []), pendingChart(d.minutes || [])));
  }
  return refresh;
}

function lines(text) {
  return text.split(/[\n,]/).map((x) => x.trim()).filter(Boolean);
}

function labels(text) {
  const out = {};
  for (const line of lines(text)) {
    const eq = line.indexOf("=");
    out[eq < 0 ? line : line.slice(0, eq).trim()] = eq < 0 ? "" : line.slice(eq + 1).trim();
  }
  return out;
}

/** The field a message of the api's is about, by the names it uses. */
const FIELD_WORDS = [
  ["each_n", "eachN"], ["each_s", "eachS"], ["entries", "entries"], ["key pattern", "entries"],
  ["include", "include"], ["exclude", "exclude"], ["dst_password", "password"], ["destination host", "url"],
  ["dst_host", "url"], ["dst_instance", "target"], ["destination instance", "target"], ["source", "source"],
  ["src_instance", "source"], ["destination", "target"], ["already exists", "name"], ["name", "name"]];

export async function replicationForm(root, name, navigate) {
  const editing = Boolean(name);
  const formError = h("div");
  let instances = [];
  let existing = null;
  try {
    instances = (await get("/instances?limit=1000")).instances || [];
    if (editing) {
      existing = await get(path(name));
    }
  } catch (e) {
    fill(root, h("h1", {}, editing ? `Edit ${name}` : "Create replication task"), h("p", { class: "message error" },
      e.message));
    return null;
  }
  const options = (selected) => instances.map((i) => h("option", { value: i.id, selected: i.id === selected }, i.name));
  const s = existing ? existing.settings : {};
  const f = {
    name: field("task-name", "Name", h("input", { type: "text", autocomplete: "off", disabled: editing,
      value: name || "" }), "Letters, digits, - and _."),
    source: field("task-source", "Source instance", h("select", {}, options(s.src_instance))),
    target: field("task-target", "Target instance", h("select", {}, options(s.dst_instance))),
    url: field("task-url", "Target URL", h("input", { type: "text", placeholder: "redis://host:6379/0",
      value: s.dst_host || "", autocomplete: "off" }), "redis:// or rediss://, optionally with a database number."),
    password: field("task-password", "Target password", h("input", { type: "password", autocomplete: "new-password",
      value: s.dst_password ? MASK : "" }), editing && s.dst_password ? "Leave as it is to keep the stored password." : ""),
    entries: field("task-entries", "Entries (key patterns)", h("textarea", { rows: 2 }, (s.entries || []).join("\n")),
      "One glob per line, such as sensor-*; empty for every key."),
    include: field("task-include", "Include labels", h("textarea", { rows: 2 },
      Object.entries(s.include || {}).map(([k, v]) => `${k}=${v}`).join("\n")),
    "label=value per line: a record passes only with every one of them."),
    exclude: field("task-exclude", "Exclude labels", h("textarea", { rows: 2 },
      Object.entries(s.exclude || {}).map(([k, v]) => `${k}=${v}`).join("\n")),
    "label=value per line: a record with any of them is dropped."),
    eachN: field("task-each-n", "Each n", h("input", { type: "number", min: 1, step: 1, value: s.each_n ?? "" }),
      "Keep one record in n, per key."),
    eachS: field("task-each-s", "Each s", h("input", { type: "number", min: 0, step: "any", value: s.each_s ?? "" }),
      "Keep at most one record every s seconds, per key."),
    mode: field("task-mode", "Mode", h("select", {}, ["enabled", "paused", "disabled"].map((m) =>
      h("option", { value: m, selected: (s.mode || "enabled") === m }, m)))),
  };
  const kindInstance = h("input", { type: "radio", name: "target-kind", id: "kind-instance", value: "instance",
    checked: !s.dst_host });
  const kindUrl = h("input", { type: "radio", name: "target-kind", id: "kind-url", value: "url", checked: Boolean(s.dst_host) });
  const targetKind = h("fieldset", { class: "radios" }, h("legend", {}, "Target"),
    h("div", {}, kindInstance, h("label", { for: "kind-instance" }, "One of my instances")),
    h("div", {}, kindUrl, h("label", { for: "kind-url" }, "Any Redis, by URL")));
  const showKind = () => {
    f.target.el.hidden = !kindInstance.checked;
    f.url.el.hidden = kindInstance.checked;
    f.password.el.hidden = kindInstance.checked;
  };
  kindInstance.addEventListener("change", showKind);
  kindUrl.addEventListener("change", showKind);
  showKind();
  const submit = h("button", { type: "submit", class: "primary" }, editing ? "Save" : "Create");
  const form = h("form", { class: "form", novalidate: true }, f.name.el, f.source.el, targetKind, f.target.el, f.url.el,
    f.password.el, h("fieldset", {}, h("legend", {}, "Filters"), f.entries.el, f.include.el, f.exclude.el, f.eachN.el,
      f.eachS.el), f.mode.el, formError,
    h("div", { class: "buttons" }, h("a", { class: "button",
      href: editing ? `#/replications/${encodeURIComponent(name)}` : "#/replications" }, "Cancel"), submit));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    Object.values(f).forEach((x) => x.error(null));
    message(formError, null);
    const taskName = editing ? name : f.name.control.value.trim();
    if (!taskName) {
      f.name.error("Give the task a name.");
      f.name.control.focus();
      return;
    }
    const body = { src_instance: f.source.control.value, entries: lines(f.entries.control.value),
      include: labels(f.include.control.value), exclude: labels(f.exclude.control.value), mode: f.mode.control.value };
    if (kindInstance.checked) {
      body.dst_instance = f.target.control.value;
    } else {
      body.dst_host = f.url.control.value.trim();
      if (f.password.control.value) {
        body.dst_password = f.password.control.value;
      }
    }
    if (f.eachN.control.value !== "") {
      body.each_n = Number(f.eachN.control.value);
    }
    if (f.eachS.control.value !== "") {
      body.each_s = Number(f.eachS.control.value);
    }
    submit.disabled = true;
    try {
      await call(editing ? "PUT" : "POST", path(taskName), body);
      navigate(`#/replications/${encodeURIComponent(taskName)}`, editing ? "Saved." : `${taskName} was created.`);
    } catch (err) {
      const lower = err.message.toLowerCase();
      const hit = FIELD_WORDS.find(([word]) => lower.includes(word));
      if (hit && !f[hit[1]].el.hidden) {
        f[hit[1]].error(err.message);
        f[hit[1]].control.focus();
      } else {
        message(formError, err.message);
      }
    } finally {
      submit.disabled = false;
    }
  });
  fill(root, h("h1", {}, editing ? `Edit ${name}` : "Create replication task"),
    instances.length ? form : h("section", { class: "empty" }, h("p", {},
      "A replication task reads one of your instances: create an instance first."),
    h("a", { class: "button primary", href: "#/instances/new" }, "Create instance")));
  (editing ? f.source : f.name).control.focus();
  return null;
}
