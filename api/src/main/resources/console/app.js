// The console's shell: the login page, the header, and a router over the URL's fragment
// (#/instances, #/instances/{id}, #/replications/{name}, …). The view on screen refreshes itself
// every 1.5 s, so changes show without a reload; nothing runs for views no longer shown.

import { ApiError, login, logout, session, whenUnauthorized } from "./api.js";
import { createInstance, instanceList, instancePage } from "./instances.js";
import { replicationForm, replicationList, replicationPage } from "./replications.js";
import { field, fill, h, message } from "./ui.js";

const REFRESH_MS = 1500;
const main = document.getElementById("main");
const flash = document.getElementById("flash");
let timer = null;
let generation = 0;
let loginReason = null;

function stop() {
  if (timer) {
    clearTimeout(timer);
    timer = null;
  }
}

/** Goes to a page, optionally with a message shown above it. */
function navigate(hash, note) {
  if (note) {
    message(flash, note, "info");
    flash.dataset.keep = "1";
  }
  if (location.hash === hash) {
    delete flash.dataset.keep;
    route();
  } else {
    location.hash = hash;
  }
}

function showLogin(reason) {
  stop();
  document.getElementById("nav").hidden = true;
  document.getElementById("who").hidden = true;
  const errors = h("div");
  const user = field("login-user", "User name", h("input", { type: "text", autocomplete: "username", required: true }));
  const password = field("login-password", "Password",
    h("input", { type: "password", autocomplete: "current-password" }));
  const project = field("login-project", "Project", h("input", { type: "text", required: true }),
    "The project (tenant) whose instances to manage.");
  const token = field("login-token", "Or a token", h("input", { type: "password", autocomplete: "off" }),
    "A Keystone token instead of the user name and password, such as `openstack token issue` prints.");
  const submit = h("button", { type: "submit", class: "primary" }, "Log in");
  const form = h("form", { class: "form login", novalidate: true }, user.el, password.el, project.el,
    h("details", {}, h("summary", {}, "Log in with a token"), token.el), errors,
    h("div", { class: "buttons" }, submit));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    message(errors, null);
    const t = token.control.value.trim();
    if (!project.control.value.trim() || (!t && (!user.control.value.trim() || !password.control.value))) {
      message(errors, t ? "Give the project as well." : "Give your user name, password and project.");
      return;
    }
    submit.disabled = true;
    try {
      await login({ user: user.control.value.trim(), password: password.control.value,
        project: project.control.value.trim(), token: t || undefined });
      password.control.value = "";
      token.control.value = "";
      loginReason = null;
      if (!location.hash || location.hash.startsWith("#/login")) {
        location.hash = "#/instances";
      } else {
        route();
      }
    } catch (err) {
      message(errors, err instanceof ApiError ? err.message : String(err));
      password.control.focus();
    } finally {
      submit.disabled = false;
    }
  });
  fill(main, h("h1", {}, "Log in to RedTrove"),
    h("p", {}, "Use the same credentials as the trove and openstack clients (the OS_* values of your openrc)."),
    reason ? h("p", { class: "message error", role: "alert", id: "login-reason" }, reason) : null, form);
  user.control.focus();
}

whenUnauthorized((reason) => {
  loginReason = reason;
  showLogin(reason);
});

document.getElementById("logout").addEventListener("click", async () => {
  await logout();
  loginReason = "You logged out.";
  location.hash = "#/login";
  showLogin(loginReason);
});

function header(s, section) {
  document.getElementById("nav").hidden = false;
  document.getElementById("who").hidden = false;
  fill(document.getElementById("who-text"), `${s.user} · project ${s.projectName}`);
  for (const a of document.querySelectorAll("[data-nav]")) {
    if (a.dataset.nav === section) {
      a.setAttribute("aria-current", "page");
    } else {
      a.removeAttribute("aria-current");
    }
  }
}

async function route() {
  stop();
  const mine = ++generation;
  const s = session();
  const parts = (location.hash.replace(/^#\/?/, "") || "instances").split("/").map(decodeURIComponent);
  if (!s || parts[0] === "login") {
    showLogin(loginReason);
    return;
  }
  header(s, parts[0]);
  main.focus({ preventScroll: true });
  let refresh = null;
  if (parts[0] === "instances" && parts[1] === "new") {
    refresh = await createInstance(main, navigate);
  } else if (parts[0] === "instances" && parts[1]) {
    refresh = instancePage(main, parts[1], navigate);
  } else if (parts[0] === "replications" && parts[1] === "new") {
    refresh = await replicationForm(main, null, navigate);
  } else if (parts[0] === "replications" && parts[1] && parts[2] === "edit") {
    refresh = await replicationForm(main, parts[1], navigate);
  } else if (parts[0] === "replications" && parts[1]) {
    refresh = replicationPage(main, parts[1], navigate);
  } else if (parts[0] === "replications") {
    refresh = replicationList(main);
  } else {
    refresh = instanceList(main);
  }
  if (refresh) {
    const tick = async () => {
      if (mine !== generation) {
        return;
      }
      await refresh();
      if (mine === generation) {
        timer = setTimeout(tick, REFRESH_MS);
      }
    };
    tick();
  }
}

window.addEventListener("hashchange", () => {
  // a message belongs to the page it was shown on, and to the one navigate() went to
  if (!flash.dataset.keep) {
    message(flash, null);
  }
  delete flash.dataset.keep;
  route();
});
route();
