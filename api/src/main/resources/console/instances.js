// Instances: the list grouped by replica set, the create form, and an instance's page with its
// connection details, its set's topology and health, its actions and its job history.

import { call, get } from "./api.js";
import { act, badge, bytes, confirmDialog, field, fill, h, message, render, when } from "./ui.js";

let flavorNames = null;

async function flavors() {
  if (!flavorNames) {
    const list = (await get("/flavors")).flavors || [];
    flavorNames = list;
  }
  return flavorNames;
}

function flavorName(list, ref) {
  const f = list.find((x) => String(x.id) === String(ref && ref.id));
  return f ? f.name : ref ? ref.id : "";
}

const role = (i) => (i.replica_of ? "replica" : "master");
const address = (i) => (i.ip && i.ip.length && i.port ? `${i.ip[0]}:${i.port}` : "not placed yet");

/** Masters first, then their replicas; each set under its name. */
function groups(instances) {
  const sets = new Map();
  for (const i of instances) {
    const key = i.replica_set ? i.replica_set.name : i.name;
    if (!sets.has(key)) {
      sets.set(key, []);
    }
    sets.get(key).push(i);
  }
  for (const members of sets.values()) {
    members.sort((a, b) => (role(a) === role(b) ? a.name.localeCompare(b.name) : role(a) === "master" ? -1 : 1));
  }
  return [...sets.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

export function instanceList(root) {
  const body = h("div", { "aria-live": "polite" }, h("p", {}, "Loading instances…"));
  const errors = h("div");
  fill(root,
    h("div", { class: "title-row" }, h("h1", {}, "Instances"),
      h("a", { class: "button primary", href: "#/instances/new" }, "Create instance")),
    errors, body);
  async function refresh() {
    try {
      const [list, fl] = await Promise.all([get("/instances/detail?limit=1000"), flavors()]);
      message(errors, null);
      const instances = list.instances || [];
      if (instances.length === 0) {
        render(body, [], () => h("section", { class: "empty" },
          h("h2", {}, "No instances yet"),
          h("p", {}, "An instance is a Redis master with its own address and password. Create one first; "
            + "then add replicas to it from its page, so that RedTrove can fail over when the master is lost."),
          h("a", { class: "button primary", href: "#/instances/new" }, "Create your first instance")));
        return;
      }
      const shown = instances.map((i) => [i.id, i.name, i.status, role(i), address(i), i.replica_set && i.replica_set.name,
        flavorName(fl, i.flavor)]);
      render(body, shown, () => groups(instances).map(([name, members]) => h("section", { class: "set", "data-set": name },
        h("h2", {}, "Replica set ", h("span", { class: "set-name" }, name)),
        h("table", { class: "list" },
          h("thead", {}, h("tr", {}, ["Name", "Role", "Status", "Address", "Flavor"].map((c) => h("th", { scope: "col" },
            c)))),
          h("tbody", {}, members.map((i) => h("tr", { "data-instance": i.id },
            h("td", {}, h("a", { href: `#/instances/${i.id}` }, i.name)),
            h("td", { class: "role" }, role(i)),
            h("td", { class: "status" }, badge(i.status)),
            h("td", {}, h("code", {}, address(i))),
            h("td", {}, flavorName(fl, i.flavor)))))))));
    } catch (e) {
      message(errors, e.message);
    }
  }
  return refresh;
}

/** Where a fault's message belongs in a form: the field it names, else the form. */
function placeError(fields, formError, text) {
  const lower = text.toLowerCase();
  for (const [key, f] of Object.entries(fields)) {
    if (lower.includes(key)) {
      f.error(text);
      f.control.focus();
      return;
    }
  }
  message(formError, text);
}

export async function createInstance(root, navigate) {
  const formError = h("div");
  const fl = await flavors().catch(() => []);
  const name = field("instance-name", "Name", h("input", { type: "text", required: true, maxlength: 255,
    autocomplete: "off" }), "Also the replica set's name, the master name Sentinel clients ask for.");
  const flavor = field("instance-flavor", "Flavor", h("select", { required: true },
    fl.map((f) => h("option", { value: f.id }, `${f.name} (${f.ram} MB)`))));
  const volume = field("instance-volume", "Volume size (GB)", h("input", { type: "number", min: 1, step: 1,
    inputmode: "numeric" }), "Leave empty for the flavor's disk.");
  const submit = h("button", { type: "submit", class: "primary" }, "Create instance");
  const fields = { name, flavorref: flavor, volume };
  const form = h("form", { class: "form", novalidate: true }, name.el, flavor.el, volume.el, formError,
    h("div", { class: "buttons" }, h("a", { class: "button", href: "#/instances" }, "Cancel"), submit));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    Object.values(fields).forEach((f) => f.error(null));
    message(formError, null);
    if (!name.control.value.trim()) {
      name.error("Give the instance a name.");
      name.control.focus();
      return;
    }
    const instance = { name: name.control.value.trim(), flavorRef: flavor.control.value };
    if (volume.control.value) {
      instance.volume = { size: Number(volume.control.value) };
    }
    submit.disabled = true;
    try {
      const created = await call("POST", "/instances", { instance });
      navigate(`#/instances/${created.instance.id}`);
    } catch (err) {
      placeError(fields, formError, err.message);
    } finally {
      submit.disabled = false;
    }
  });
  fill(root, h("h1", {}, "Create instance"), form);
  name.control.focus();
  return null;
}

function topology(replication, current) {
  const members = replication.members || [];
  const master = members.find((m) => m.role === "master");
  const replicas = members.filter((m) => m.role !== "master");
  const card = (m) => h("li", { class: `node ${m.role}${m.id === current ? " current" : ""}`, "data-member": m.name },
    h("div", { class: "node-head" }, h("strong", {}, m.name), " ", h("span", { class: "role-tag" }, m.role), " ",
      badge(m.health), m.id === current ? h("span", { class: "hint" }, " (this instance)") : null),
    m.role === "master"
      ? h("dl", {}, m.offset > 0 ? [h("dt", {}, "Offset"), h("dd", {}, m.offset)] : null,
        h("dt", {}, "Syncs served"), h("dd", {}, m.syncs_served
          ? `${m.syncs_served.full} full, ${m.syncs_served.partial_ok} partial` : "–"))
      : h("dl", {},
        h("dt", {}, "Link"), h("dd", { class: "link" }, badge(m.link || "unknown")),
        h("dt", {}, "Behind"), h("dd", { class: "behind" }, bytes(m.bytes_behind)),
        h("dt", {}, "Last heard"), h("dd", {}, m.last_io_seconds_ago === null || m.last_io_seconds_ago === undefined
          ? "–" : `${m.last_io_seconds_ago} s ago`),
        h("dt", {}, "Sync"), h("dd", {}, m.sync_in_progress ? "full sync running"
          : m.sync_completed ? "completed" : "not yet")),
    m.last_error && m.health !== "HEALTHY" ? h("p", { class: "node-error" }, m.last_error) : null);
  return h("div", { class: "topology" },
    h("ol", { class: "tier", "aria-label": "Master" }, master ? card(master) : h("li", {}, "No master right now")),
    h("div", { class: "arrow", "aria-hidden": "true" }, replicas.length ? "↓ replicates to ↓" : ""),
    h("ol", { class: "tier", "aria-label": "Replicas" }, replicas.length ? replicas.map(card)
      : h("li", { class: "none" }, "No replicas: add some so that the set can fail over.")));
}

function jobDetails(job, names) {
  const p = job.progress || {};
  const parts = [];
  if (p.reason) {
    parts.push(h("p", {}, h("strong", {}, "Why: "), p.reason));
  }
  const ranking = p.ranking;
  if (ranking) {
    const eligible = ranking.eligible || [];
    const excluded = ranking.excluded || [];
    parts.push(h("table", { class: "ranking" },
      h("caption", {}, "Candidates, most current first"),
      h("thead", {}, h("tr", {}, ["Replica", "Offset", "Last heard from master", "Chosen"].map((c) =>
        h("th", { scope: "col" }, c)))),
      h("tbody", {}, eligible.map((r, i) => {
        const id = r.instanceId || r.instance_id;
        return h("tr", {}, h("td", {}, names.get(id) || id), h("td", {}, r.offset),
          h("td", {}, `${r.millisSinceMasterIo ?? r.millis_since_master_io} ms ago`), h("td", {}, i === 0 ? "yes" : ""));
      }), excluded.map((r) => {
        const id = r.instanceId || r.instance_id;
        return h("tr", {}, h("td", {}, names.get(id) || id), h("td", { colspan: 3 }, `excluded: ${r.reason}`));
      }))));
  }
  for (const [k, v] of Object.entries(p)) {
    // the job's own bookkeeping (steps done, commit records) is for resuming it, not for people
    // the summary repeats the replicas' own lines
    if (k === "reason" || k === "ranking" || k === "completedSteps" || k.startsWith("result.") || k === "summary") {
      continue;
    }
    const shown = k === "chosen" ? names.get(v) || v
      : k.startsWith("replica ") && v && v.text ? `${v.text}${v.stages && v.stages.length > 1
        ? ` (${v.stages.join(" → ")})` : ""}`
        : typeof v === "object" ? JSON.stringify(v) : String(v);
    parts.push(h("p", { class: "progress-item" }, h("strong", {}, `${k}: `), shown));
  }
  return parts;
}

function jobTable(jobs, names) {
  if (!jobs.length) {
    return h("p", {}, "No jobs yet.");
  }
  return h("table", { class: "list jobs" },
    h("thead", {}, h("tr", {}, ["Job", "State", "Step", "Started", "Finished"].map((c) => h("th", { scope: "col" }, c)))),
    jobs.map((j) => h("tbody", { "data-job": j.kind },
      h("tr", {}, h("td", {}, j.kind), h("td", {}, badge(j.state)), h("td", {}, j.step || ""),
        h("td", {}, when(j.created)), h("td", {}, when(j.finished))),
      j.error || (j.progress && Object.keys(j.progress).length)
        ? h("tr", { class: "job-detail" }, h("td", { colspan: 5 },
          j.error ? h("p", { class: "message error" }, j.error) : null, jobDetails(j, names)))
        : null)));
}

export function instancePage(root, id, navigate) {
  const errors = h("div");
  const heading = h("h1", {}, "Instance");
  const summary = h("section", { "aria-labelledby": "summary-h" });
  const connection = h("section", { "aria-labelledby": "connection-h" });
  const topo = h("section", { "aria-labelledby": "topology-h" });
  const jobs = h("section", { "aria-labelledby": "jobs-h" });
  const actionMessages = h("div", { id: "action-messages" });
  const passwordBox = h("div", { class: "password" });
  const actions = h("div", { class: "actions" });
  let current = null;
  let revealed = null;

  const replicaCount = h("input", { id: "replica-count", type: "number", min: 1, max: 5, value: 1, inputmode: "numeric" });
  const addReplicas = h("button", { type: "button" }, "Add replicas");
  const promote = h("button", { type: "button" }, "Promote to master");
  const eject = h("button", { type: "button" }, "Eject master");
  const detach = h("button", { type: "button" }, "Detach from set");
  const remove = h("button", { type: "button", class: "danger" }, "Delete instance");
  const addBox = h("div", { class: "inline" }, h("label", { for: "replica-count" }, "Replicas to add"), replicaCount,
    addReplicas);
  const provisioned = h("p", { class: "hint", hidden: true },
    "Provisioned from the api's environment: it cannot be renamed, detached or deleted here.");
  fill(actions, addBox, promote, detach, eject, remove, provisioned);

  addReplicas.addEventListener("click", async () => {
    const n = Number(replicaCount.value);
    if (!Number.isInteger(n) || n < 1) {
      message(actionMessages, "Give a number of replicas, 1 or more.");
      return;
    }
    if (!await confirmDialog({ title: "Add replicas", confirm: `Add ${n}`,
      text: `Add ${n} replica${n > 1 ? "s" : ""} of ${current.name}? Each copies the master's data first.` })) {
      return;
    }
    await act(addReplicas, actionMessages, () => call("POST", "/instances", { instance: {
      name: `${current.name}-replica`, flavorRef: current.flavor.id, replica_of: current.id, replica_count: n } }),
    `${n} replica${n > 1 ? "s are" : " is"} being built.`);
    refresh();
  });
  promote.addEventListener("click", async () => {
    if (!await confirmDialog({ title: "Promote to master", confirm: "Promote",
      text: `Make ${current.name} the master of its set? Writes pause briefly while the old master catches it up; `
        + "no acknowledged write is lost." })) {
      return;
    }
    await act(promote, actionMessages, () => call("POST", `/instances/${id}/action`, { promote_to_replica_source: {} }),
      "Promotion started.");
    refresh();
  });
  eject.addEventListener("click", async () => {
    if (!await confirmDialog({ title: "Eject master", confirm: "Eject", danger: true,
      text: `Eject ${current.name} as master? The most current replica takes over; use this when the master is lost.` })) {
      return;
    }
    await act(eject, actionMessages, () => call("POST", `/instances/${id}/action`, { eject_replica_source: {} }),
      "Eject started.");
    refresh();
  });
  detach.addEventListener("click", async () => {
    if (!await confirmDialog({ title: "Detach from set", confirm: "Detach",
      text: `Detach ${current.name} from its set? It becomes a master of its own, with the data it has now.` })) {
      return;
    }
    await act(detach, actionMessages, () => call("PATCH", `/instances/${id}`, { instance: { replica_of: "" } }),
      "Detaching.");
    refresh();
  });
  remove.addEventListener("click", async () => {
    if (!await confirmDialog({ title: "Delete instance", confirm: "Delete", danger: true, typed: current.name,
      text: `Delete ${current.name} and its data? This cannot be undone.` })) {
      return;
    }
    const done = await act(remove, actionMessages, async () => {
      await call("DELETE", `/instances/${id}`);
      return true;
    });
    if (done) {
      navigate("#/instances", `${current.name} is being deleted.`);
    }
  });

  const reveal = h("button", { type: "button" }, "Reveal password");
  reveal.addEventListener("click", async () => {
    if (revealed !== null) {
      revealed = null;
      reveal.textContent = "Reveal password";
      fill(passwordBox);
      return;
    }
    const r = await act(reveal, passwordBox, () => get(`/instances/${id}/password`));
    if (r) {
      revealed = r.password;
      reveal.textContent = "Hide password";
      fill(passwordBox, h("code", { class: "secret", "aria-label": "Password" }, revealed));
    }
  });

  fill(root, h("p", {}, h("a", { href: "#/instances" }, "← All instances")), heading, errors, summary,
    h("h2", { id: "connection-h" }, "Connection"), connection, h("div", { class: "inline" }, reveal), passwordBox,
    h("h2", { id: "topology-h" }, "Replica set"), topo,
    h("h2", { id: "actions-h" }, "Actions"), actionMessages, actions,
    h("h2", { id: "jobs-h" }, "Jobs"), jobs);

  async function refresh() {
    let instance;
    try {
      instance = (await get(`/instances/${id}`)).instance;
      message(errors, null);
    } catch (e) {
      message(errors, e.status === 404 ? "This instance does not exist (any more)." : e.message);
      return;
    }
    current = instance;
    const fl = await flavors().catch(() => []);
    render(heading, [instance.name, instance.status], () => [instance.name, " ", badge(instance.status)]);
    render(summary, [instance, fl.length], () => [h("h2", { id: "summary-h", class: "visually-hidden" }, "Summary"), h("dl", { class: "facts" },
      h("dt", {}, "Role"), h("dd", { id: "role" }, role(instance)),
      h("dt", {}, "Status"), h("dd", {}, badge(instance.status)),
      instance.progress ? [h("dt", {}, "Progress"), h("dd", { id: "progress" }, instance.progress)] : null,
      h("dt", {}, "Flavor"), h("dd", {}, flavorName(fl, instance.flavor)),
      h("dt", {}, "Datastore"), h("dd", {}, instance.datastore
        ? `${instance.datastore.type} ${instance.datastore.version}` : ""),
      h("dt", {}, "Created"), h("dd", {}, when(instance.created)),
      instance.fault ? [h("dt", {}, "Problem"), h("dd", { class: "message error" }, instance.fault.message)] : null)]);
    const sentinel = instance.replica_set && instance.replica_set.sentinel;
    render(connection, [instance.ip, instance.port, sentinel], () => h("dl", { class: "facts" },
      h("dt", {}, "Address"), h("dd", {}, h("code", { id: "address" }, address(instance))),
      h("dt", {}, "Connect with"), h("dd", {}, instance.ip
        ? h("code", {}, `REDISCLI_AUTH=… redis-cli -h ${instance.ip[0]} -p ${instance.port}`) : "–"),
      sentinel ? [h("dt", {}, "Sentinel"), h("dd", {}, h("code", {}, `${sentinel.host}:${sentinel.port}`),
        ", master name ", h("code", {}, instance.replica_set.name))] : null));
    const names = new Map();
    if (instance.replica_set) {
      try {
        const [replication, set] = await Promise.all([
          get(`/replica-sets/${encodeURIComponent(instance.replica_set.name)}/replication`),
          get(`/replica-sets/${encodeURIComponent(instance.replica_set.name)}`)]);
        (replication.replication.members || []).forEach((m) => names.set(m.id, m.name));
        const s = set.replica_set;
        render(topo, [replication, s.situation, s.summary, instance.replica_set.epoch], () => [
          h("p", {}, "Set ", h("strong", {}, instance.replica_set.name), `, epoch ${instance.replica_set.epoch}. `,
            s.situation ? ["Health: ", badge(s.situation), " ", s.summary || ""] : ""),
          topology(replication.replication, instance.id)]);
      } catch (e) {
        fill(topo, h("p", { class: "message error" }, e.message));
      }
    } else {
      fill(topo, h("p", {}, "Not placed in a set yet."));
    }
    const isReplica = Boolean(instance.replica_of);
    const busy = instance.status !== "ACTIVE" && instance.status !== "ERROR";
    addBox.hidden = isReplica;
    promote.hidden = !isReplica;
    detach.hidden = !isReplica;
    eject.hidden = isReplica || !instance.replicas;
    provisioned.hidden = !instance.is_provisioned;
    [addReplicas, promote, detach, eject].forEach((b) => {
      b.disabled = busy;
    });
    remove.disabled = Boolean(instance.is_provisioned);
    try {
      const list = (await get(`/instances/${id}/jobs`)).jobs || [];
      render(jobs, [list, [...names]], () => jobTable(list, names));
    } catch (e) {
      fill(jobs, h("p", { class: "message error" }, e.message));
    }
  }
  return refresh;
}
