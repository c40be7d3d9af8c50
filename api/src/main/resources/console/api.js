// The console's only door to RedTrove: the identity routes and the Trove API of the origin that
// served the page. The token lives in this tab's sessionStorage (never in a URL, never logged)
// and goes in the X-Auth-Token header; a 401 ends the session and returns to the login page.

const KEY = "redtrove.session";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The logged-in session: token, project id and name, user name, expiry; or null. */
export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (s && Date.parse(s.expires) > Date.now()) {
      return s;
    }
  } catch (e) {
    // a damaged entry is no session
  }
  sessionStorage.removeItem(KEY);
  return null;
}

let onUnauthorized = () => {};

/** Called with the reason when the api says the session is over. */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/** The message of a Trove or Keystone fault body: its one member's "message". */
function faultMessage(body, status) {
  if (body && typeof body === "object") {
    for (const value of Object.values(body)) {
      if (value && typeof value === "object" && typeof value.message === "string") {
        return value.message;
      }
    }
  }
  return `The server answered ${status}.`;
}

async function exchange(method, url, body, headers) {
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: { Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (e) {
    throw new ApiError(0, "RedTrove does not answer. Check that it runs, then try again.");
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (e) {
      json = null;
    }
  }
  if (!response.ok) {
    throw new ApiError(response.status, faultMessage(json, response.status));
  }
  return { json, headers: response.headers, status: response.status };
}

/**
 * Logs in as openstack does, against Keystone v3 on this origin: a password for a user in a
 * project (both by name, in the Default domain), or a token rescoped to the project.
 */
export async function login({ user, password, project, token }) {
  const identity = token
    ? { methods: ["token"], token: { id: token } }
    : { methods: ["password"], password: { user: { name: user, domain: { name: "Default" }, password } } };
  const scope = { project: { name: project, domain: { name: "Default" } } };
  let reply;
  try {
    reply = await exchange("POST", "/identity/v3/auth/tokens", { auth: { identity, scope } });
  } catch (e) {
    if (e.status === 401) {
      throw new ApiError(401, token ? "That token is not valid for this project."
        : "The user name, password or project is wrong.");
    }
    throw e;
  }
  const t = reply.json.token;
  const s = {
    token: reply.headers.get("X-Subject-Token"),
    projectId: t.project.id,
    projectName: t.project.name,
    user: t.user.name,
    roles: (t.roles || []).map((r) => r.name),
    expires: t.expires_at,
  };
  sessionStorage.setItem(KEY, JSON.stringify(s));
  return s;
}

/** Revokes the token (Keystone's DELETE /v3/auth/tokens) and forgets it. */
export async function logout() {
  const s = session();
  sessionStorage.removeItem(KEY);
  if (s) {
    try {
      await exchange("DELETE", "/identity/v3/auth/tokens", undefined,
        { "X-Auth-Token": s.token, "X-Subject-Token": s.token });
    } catch (e) {
      // an expired or already revoked token is logged out all the same
    }
  }
}

/** A Trove API call for the session's project: path after /v1.0/{project}. */
export async function call(method, path, body) {
  const s = session();
  if (!s) {
    onUnauthorized("Your session has ended. Log in again.");
    throw new ApiError(401, "Not logged in.");
  }
  try {
    return (await exchange(method, `/v1.0/${encodeURIComponent(s.projectId)}${path}`, body,
      { "X-Auth-Token": s.token })).json;
  } catch (e) {
    if (e.status === 401) {
      sessionStorage.removeItem(KEY);
      onUnauthorized(`The api ended the session: ${e.message}`);
    }
    throw e;
  }
}

export const get = (path) => call("GET", path);
