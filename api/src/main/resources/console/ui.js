// Small DOM helpers shared by the views: element building, status badges, messages where an
// action was taken, and the two confirmations (a plain one, and one that wants a name typed).

/** h("button", {class: "x", onclick: f}, "text", child...) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      el.className = value;
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A state as words and a shape, never by colour alone. */
export function badge(state) {
  const s = String(state || "UNKNOWN").toUpperCase();
  let kind = "neutral";
  let mark = "•";
  if (["ACTIVE", "HEALTHY", "UP", "ENABLED", "SUCCEEDED", "YES"].includes(s)) {
    kind = "good";
    mark = "✓";
  } else if (["ERROR", "FAILED", "DOWN", "SHUTDOWN", "DIVERGENT_TOPOLOGY", "NO"].includes(s)
    || s.endsWith("_ERROR") || s.startsWith("UNREACHABLE")) {
    kind = "bad";
    mark = "✕";
  } else if (["BUILD", "PROMOTE", "EJECT", "DETACH", "REBOOT", "RUNNING", "QUEUED", "PAUSED", "SYNCING",
    "DEGRADED", "BACKUP", "RESIZE"].includes(s)) {
    kind = "busy";
    mark = "…";
  }
  return h("span", { class: `badge ${kind}` }, h("span", { "aria-hidden": "true" }, mark + " "), s);
}

/** A message in the place where an action was taken: role=alert for errors, status otherwise. */
export function message(el, text, kind = "error") {
  fill(el, text ? h("p", { class: `message ${kind}`, role: kind === "error" ? "alert" : "status" }, text) : null);
}

/** Runs an action, showing its fault message in `where`; the button is busy meanwhile. */
export async function act(button, where, action, done) {
  message(where, null);
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    const result = await action();
    if (done) {
      message(where, done, "info");
    }
    return result;
  } catch (e) {
    message(where, e.message || String(e));
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/**
 * A modal confirmation. With `typed`, the confirm button stays disabled until exactly that name is
 * typed (as ReductStore's console asks for a task's name). Resolves true if confirmed.
 */
export function confirmDialog({ title, text, confirm, typed, danger }) {
  return new Promise((resolve) => {
    const input = typed ? h("input", { id: "confirm-name", type: "text", autocomplete: "off", spellcheck: "false" })
      : null;
    const ok = h("button", { type: "submit", class: danger ? "danger" : "primary", disabled: typed ? true : null },
      confirm);
    const cancel = h("button", { type: "button" }, "Cancel");
    const form = h("form", { method: "dialog" },
      h("h2", { id: "dialog-title" }, title),
      h("p", {}, text),
      typed ? h("label", { for: "confirm-name" }, "Type ", h("strong", {}, typed), " to confirm") : null,
      input,
      h("div", { class: "buttons" }, cancel, ok));
    const dialog = h("dialog", { "aria-labelledby": "dialog-title" }, form);
    let answer = false;
    if (input) {
      input.addEventListener("input", () => {
        ok.disabled = input.value !== typed;
      });
    }
    cancel.addEventListener("click", () => dialog.close());
    form.addEventListener("submit", (e) => {
      if (typed && input.value !== typed) {
        e.preventDefault();
        return;
      }
      answer = true;
    });
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    (input || ok).focus();
  });
}

export function when(iso) {
  if (!iso) {
    return "";
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function bytes(n) {
  if (n === null || n === undefined || n < 0) {
    return "–";
  }
  if (n < 1024) {
    return `${n} B`;
  }
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(1)} ${units[u]}`;
}

/** A labelled field: label, control, optional hint and error slot (aria-describedby). */
export function field(id, label, control, hint) {
  control.id = id;
  const error = h("p", { class: "field-error", id: `${id}-error`, "aria-live": "polite" });
  const described = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" ");
  control.setAttribute("aria-describedby", described);
  return {
    el: h("div", { class: "field" }, h("label", { for: id }, label), control,
      hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null, error),
    control,
    error(text) {
      fill(error, text || "");
      if (text) {
        control.setAttribute("aria-invalid", "true");
      } else {
        control.removeAttribute("aria-invalid");
      }
    },
  };
}

/**
 * Re-renders `el` from `data` only when the data changed, and gives the focus back to the same
 * control (by id, or by link target and text) so that live updates never pull a keyboard user's
 * place away.
 */
export function render(el, data, build) {
  const key = JSON.stringify(data);
  if (el.dataset.rendered === key) {
    return;
  }
  el.dataset.rendered = key;
  const active = document.activeElement;
  const within = active && el.contains(active);
  const id = within ? active.id : null;
  const href = within ? active.getAttribute("href") : null;
  const text = within ? active.textContent : null;
  fill(el, build());
  if (within) {
    const again = (id && document.getElementById(id))
      || [...el.querySelectorAll("a, button")].find((x) => x.getAttribute("href") === href && x.textContent === text);
    if (again) {
      again.focus();
    }
  }
}
