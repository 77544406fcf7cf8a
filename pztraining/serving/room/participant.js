// The participants' page on a phone: join with the code, give a name once, fill the forms
// the trainer opens and read the case briefings the trainer shares.
//
// Forms are drawn by ../ui/form.js, the same renderer the ipywidgets form uses: it is given
// a small stand-in for an anywidget model whose messages go to the JSON endpoints here.
// What is open arrives as server-sent events (EventSource reconnects by itself). Every
// text is set with textContent, never as HTML.
import formView from "./form.js";

const main = document.querySelector(".pz-participant-app");
const BASE = main.dataset.base;
const API = `${BASE}pz/api/`;
const TEXTS = JSON.parse(document.getElementById("pz-texts").textContent);
const header = main.querySelector(".pz-participant-header");
const message = main.querySelector(".pz-message");
const body = main.querySelector(".pz-participant-body");
const banner = main.querySelector(".pz-new-item");

const t = (key, values = {}) =>
  (TEXTS[key] || key).replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));

// ------------------------------------------------------------------ small helpers

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(cls, text, onClick) {
  const node = el("button", cls, text);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

function say(text, ok = false) {
  message.replaceChildren();
  if (text) message.append(el("div", ok ? "pz-message-ok" : "pz-message-error", text));
}

const store = {
  get(key) { try { return localStorage.getItem(key); } catch (e) { return null; } },
  set(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } },
  remove(key) { try { localStorage.removeItem(key); } catch (e) { /* private mode */ } },
  keys(prefix) {
    try { return Object.keys(localStorage).filter((key) => key.startsWith(prefix)); } catch (e) { return []; }
  },
};

// A random secret that identifies this phone (the same key the widget page used, so a
// phone registered before keeps its name). Only a hash of it is stored on the server.
function deviceSecret() {
  let value = store.get("pz-device");
  if (!value || !/^[0-9a-f]{32}$/.test(value)) {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    value = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    store.set("pz-device", value);
  }
  return value;
}
const DEVICE = deviceSecret();

function xsrf() {
  const found = document.cookie.split("; ").find((c) => c.startsWith("_xsrf="));
  return found ? decodeURIComponent(found.slice(6)) : "";
}

// {ok, status, data}; status 0 when the network failed.
async function api(method, path, payload) {
  const headers = { "X-PZ-Device": DEVICE };
  const options = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (payload !== undefined) {
    headers["Content-Type"] = "application/json";
    headers["X-XSRFToken"] = xsrf();
    options.body = JSON.stringify(payload);
  }
  try {
    const response = await fetch(API + path, options);
    let data = {};
    try { data = await response.json(); } catch (e) { /* empty or not JSON */ }
    return { ok: response.ok, status: response.status, data };
  } catch (e) {
    return { ok: false, status: 0, data: { error: t("form.offline") } };
  }
}

const query = (params) => new URLSearchParams(params).toString();
const normalize = (code) => code.toUpperCase().replace(/[^A-Z0-9]/g, "");

// ------------------------------------------------------------------ state

const state = {
  code: "",
  training: "",
  name: "",
  askName: true, // false at a public meeting: visitors join without a name
  items: [], // what is open: {kind, meeting, id, title, anonymous}
  statuses: {}, // "meeting/id" → new | draft | submitted
  view: "start", // start | code | name | overview | form | case
  current: null, // the item shown
  cleanup: null, // ends the shown form (sends a pending draft)
  events: null,
  fresh: new Set(), // items announced and not opened yet: marked in the list, whenever it is drawn
};
const itemKey = (item) => `${item.meeting}/${item.id}`;

function show(view, ...children) {
  if (state.cleanup) { state.cleanup(); state.cleanup = null; }
  state.view = view;
  body.replaceChildren(...children);
  if (state.current && banner.dataset.item === itemKey(state.current)) hideBanner();
  renderHeader();
}

function renderHeader() {
  header.replaceChildren();
  if (state.training) header.append(el("h1", "", state.training));
  // An anonymous form greets nobody by name: nothing on its screen may suggest it knows who answers.
  const anonymous = state.current && state.current.anonymous && state.view !== "overview";
  if (state.name && state.askName && !anonymous) header.append(el("div", "pz-sub", t("part.hello", { name: state.name })));
}

// ------------------------------------------------------------------ joining

// One labelled field and a button: the code step and the name step.
function fieldStep({ view, name, id, label, hint, button, action, properties, attributes, onSubmit }) {
  const form = el("form", "pz-step");
  form.noValidate = true;
  const field = el("div", `pz-field pz-${name}`);
  const caption = el("label", "", label);
  caption.htmlFor = id;
  const input = el("input", "pz-text");
  Object.assign(input, { id, ...properties });
  Object.entries(attributes).forEach(([key, value]) => input.setAttribute(key, value));
  field.append(caption, input);
  const go = el("button", `${button} pz-primary`, action);
  go.type = "submit";
  form.append(field, el("p", "pz-note", hint), go);
  form.addEventListener("submit", (event) => { event.preventDefault(); onSubmit(input.value, go); });
  show(view, form);
  input.focus();
}

function askCode(prefill = "") {
  state.code = "";
  fieldStep({
    view: "code", name: "join-code", id: "pz-code", label: t("part.code"), hint: t("part.code.hint"),
    button: "pz-join", action: t("part.code.go"),
    properties: { value: prefill, autocomplete: "off", spellcheck: false, maxLength: 24,
                  placeholder: t("part.code.placeholder") },
    // Codes are capitals and digits: phones offer capitals, "go" on the key; spaces are fine.
    attributes: { autocapitalize: "characters", inputmode: "text", enterkeyhint: "go" },
    onSubmit: (typed) => join(typed),
  });
}

async function join(typed) {
  const code = normalize(typed);
  if (!code) { say(t("room.error.code_empty")); return; }
  const reply = await api("POST", "join", { code });
  if (!reply.ok) {
    say(reply.data.error || t("room.error.server"));
    if (state.view !== "code") askCode(typed);
    return;
  }
  say("");
  state.code = reply.data.code;
  state.training = reply.data.training;
  state.name = reply.data.name || "";
  state.askName = reply.data.ask_name !== false;
  store.set("pz-code", state.code);
  renderHeader();
  if (state.name) await loadState();
  else if (state.askName) askName();
  else if (!(await registerVisitor())) return;
  listen();
}

// A visitor of a public meeting: registered without a name, straight to what is open.
async function registerVisitor() {
  const reply = await api("POST", "register", { code: state.code, name: "" });
  if (!reply.ok) { say(reply.data.error || t("room.error.server")); return false; }
  state.name = reply.data.name;
  await loadState();
  return true;
}

function askName() {
  fieldStep({
    view: "name", name: "participant-name", id: "pz-name", label: t("part.name"), hint: t("part.name.hint"),
    button: "pz-register", action: t("part.name.go"), properties: { autocomplete: "nickname", maxLength: 100 },
    attributes: { enterkeyhint: "done" },
    onSubmit: async (typed, go) => {
      go.disabled = true; // a double tap registers once
      const reply = await api("POST", "register", { code: state.code, name: typed });
      go.disabled = false;
      if (!reply.ok) { say(reply.data.error || t("room.error.server")); return; }
      say("");
      state.name = reply.data.name;
      renderHeader();
      await loadState();
    },
  });
}

async function loadState() {
  const reply = await api("GET", `state?${query({ code: state.code })}`);
  if (!reply.ok) {
    say(reply.data.error || t("room.error.server"));
    if (reply.status === 0 || reply.status === 503) setTimeout(loadState, 3000);
    return;
  }
  state.items = reply.data.items;
  state.statuses = reply.data.statuses;
  if (state.view !== "form" && state.view !== "case") overview();
  if (hasPending()) resendPending();
}

// ------------------------------------------------------------------ what is open

// When the server refuses the stream (429: too many from this address, 503: full) or it
// fails for good, the browser does not try again by itself. The page does, after a delay
// that doubles up to a minute (with jitter, so a refused room does not come back in step),
// and meanwhile asks what is open every few seconds with an ordinary request: forms still
// appear, and a full server is never hammered.
const STREAM_RETRY_MIN_MS = 2000;
const STREAM_RETRY_MAX_MS = 60000;
const POLL_MS = 10000;
let streamDelay = STREAM_RETRY_MIN_MS;
let streamTimer = null;
let pollTimer = null;

const jittered = (ms) => ms / 2 + Math.random() * (ms / 2);

function listen() {
  if (state.events) state.events.close();
  clearTimeout(streamTimer);
  const source = new EventSource(`${API}events?${query({ code: state.code })}`);
  source.addEventListener("items", (event) => {
    streamDelay = STREAM_RETRY_MIN_MS; // heard: a later refusal starts with a short wait again
    clearTimeout(pollTimer);
    pollTimer = null;
    let data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    onItems(data.items || []);
    // A batch of anonymous answers stored (or a form closed): ask about ours, spread out.
    if (hasPending()) setTimeout(resendPending, Math.random() * 2000);
  });
  // (Re)connected, e.g. to a server that restarted and lost what was waiting: send it again.
  source.addEventListener("open", () => { if (hasPending()) resendPending(); });
  source.addEventListener("error", () => {
    // CONNECTING: a dropped connection the browser retries itself; CLOSED: refused.
    if (source.readyState !== EventSource.CLOSED || state.events !== source) return;
    state.events = null;
    streamTimer = setTimeout(listen, jittered(streamDelay));
    streamDelay = Math.min(streamDelay * 2, STREAM_RETRY_MAX_MS);
    if (!pollTimer) pollTimer = setTimeout(poll, jittered(POLL_MS));
  });
  state.events = source;
}

// What is open, asked for while the stream is refused (only a registered phone may ask).
async function poll() {
  pollTimer = null;
  if (state.events && state.events.readyState === EventSource.OPEN) return;
  if (state.name) {
    const reply = await api("GET", `state?${query({ code: state.code })}`);
    if (reply.ok) { state.statuses = reply.data.statuses; onItems(reply.data.items || []); }
  }
  if (!pollTimer) pollTimer = setTimeout(poll, jittered(POLL_MS));
}

let statusTimer = null;
function onItems(items) {
  const before = new Set(state.items.map(itemKey));
  const shownBefore = new Map(state.items.map((item) => [itemKey(item), (item.revealed || []).join(" ")]));
  const unknown = items.some((item) => item.kind === "form" && !(itemKey(item) in state.statuses));
  state.items = items;
  main.dataset.version = String((Number(main.dataset.version) || 0) + 1);
  if (unknown && state.name && !statusTimer) {
    // A form opened (again): ask where it stands for this phone, spread over a few seconds
    // so a full room does not ask in the same instant.
    statusTimer = setTimeout(async () => {
      statusTimer = null;
      const reply = await api("GET", `state?${query({ code: state.code })}`);
      if (reply.ok) { state.statuses = reply.data.statuses; if (state.view === "overview") overview(); }
    }, Math.random() * 2000);
  }
  const fresh = items.filter((item) => !before.has(itemKey(item)));
  if (state.view === "overview") overview();
  if (state.view === "form" || state.view === "case") {
    const current = state.current;
    const stillOpen = items.some((item) => item.kind === current.kind && itemKey(item) === itemKey(current));
    if (!stillOpen && current.kind === "form" && state.model) state.model.set("status", "closed");
    if (stillOpen && current.kind === "form") refreshReveals(current, items);
    if (state.view === "form") showStillOpen();
  }
  const live = state.name && ["overview", "form", "case", "opening"].includes(state.view);
  if (fresh.length && live) { announce(fresh); return; }
  // A quiz answer the trainer just revealed, on a quiz this phone is not showing: told the same way
  // (on the quiz itself the answer appears in place, read out by its status region).
  const revealed = items.filter((item) => item.kind === "form" && shownBefore.has(itemKey(item))
    && (item.revealed || []).join(" ") !== shownBefore.get(itemKey(item)) && (item.revealed || []).length
    && !(state.view === "form" && state.current && itemKey(state.current) === itemKey(item)));
  if (revealed.length && live) announce(revealed.slice(-1), true);
}

// ------------------------------------------------------------------ what the trainer just opened
// A phone may show anything when the trainer opens a form, case or quiz: the bottom of a long
// form that was just sent, a case, the list scrolled down. The news is a bar fixed to the
// bottom of the screen (where the thumb is), read out by a screen reader (an assertive live
// region), with a short vibration where the phone allows it; in the list the new item is also
// scrolled into view and marked.

function announce(fresh, reveal = false) {
  const newest = fresh[fresh.length - 1];
  const titles = fresh.map((item) => item.title).join(", ");
  const one = newest.kind === "case" ? "part.new_item.case" : reveal ? "part.new_item.reveal" : "part.new_item.form";
  const text = fresh.length === 1 ? t(one, { title: titles }) : t("part.new_item.several", { titles });
  const go = fresh.length === 1
    ? button("pz-new-item-open", t("part.new_item.open"), () => openItem(newest))
    : button("pz-new-item-open", t("part.new_item.overview"), () => { hideBanner(); overview(true); });
  const close = button("pz-new-item-close", "\u00d7", hideBanner);
  close.setAttribute("aria-label", t("part.new_item.close"));
  const line = el("p", "pz-new-item-text", text);
  const actions = el("div", "pz-new-item-actions");
  actions.append(go, close);
  banner.replaceChildren(line, actions);
  banner.dataset.item = fresh.length === 1 ? itemKey(newest) : "";
  banner.classList.add("pz-new-item-shown");
  main.classList.add("pz-has-banner");
  // Kept in the state, not only on the nodes: the list is drawn again when this phone's statuses
  // arrive (within two seconds of a new form), and the mark must survive that.
  fresh.forEach((item) => state.fresh.add(`${item.kind === "case" ? "case" : "form"}:${itemKey(item)}`));
  if (state.view === "overview") {
    const link = body.querySelector(`.pz-${newest.kind === "case" ? "case" : "form"}-link-${CSS.escape(newest.id)}`);
    fresh.forEach((item) => {
      const kind = item.kind === "case" ? "case" : "form";
      const node = body.querySelector(`.pz-${kind}-link-${CSS.escape(item.id)}`);
      if (node) node.classList.add("pz-item-fresh");
    });
    if (link) link.scrollIntoView({ block: "center" });
  }
  try {
    // Chrome allows a vibration only after the person touched the page once.
    const touched = !navigator.userActivation || navigator.userActivation.hasBeenActive;
    if (navigator.vibrate && touched) navigator.vibrate([120, 80, 120]);
  } catch (e) { /* not allowed here: the bar and the live region still tell */ }
}

function hideBanner() {
  banner.replaceChildren();
  banner.dataset.item = "";
  banner.classList.remove("pz-new-item-shown");
  main.classList.remove("pz-has-banner");
}

function openItem(item) {
  hideBanner();
  state.fresh.delete(`${item.kind === "case" ? "case" : "form"}:${itemKey(item)}`);
  if (item.kind === "case") openCase(item); else openForm(item);
}

// What this phone holds of a form that the server may not know yet (typed, not sent): the
// list then says so too, so the list and the form agree even when a draft never arrived.
const draftKey = (item) => `pz-draft-${state.code}-${item.meeting}-${item.id}`;
function localDraft(item) {
  try {
    const kept = JSON.parse(store.get(draftKey(item)) || "null");
    return kept && kept.values && Object.keys(kept.values).length ? kept : null;
  } catch (e) { return null; }
}

function stateText(item) {
  if (item.kind === "case") return t("part.case.read");
  if (item.anonymous && readPending(item)) return t("part.form.pending");
  const status = state.statuses[itemKey(item)] || "new";
  if (status === "submitted") return t("part.form.done");
  const local = localDraft(item);
  if (item.anonymous && local) return t("part.form.draft_phone");
  if (status === "draft" || (local && local.dirty)) return t("part.form.draft");
  return t("part.form.new");
}

function itemButton(item) {
  const kind = item.kind === "case" ? "case" : "form";
  const link = button(`pz-item-link pz-${kind}-link pz-${kind}-link-${item.id}`, "", () => openItem(item));
  if (state.fresh.has(`${kind}:${itemKey(item)}`)) link.classList.add("pz-item-fresh");
  link.append(el("span", "pz-item-title", item.title));
  const extra = item.anonymous ? ` · ${t("part.form.anonymous")}` : "";
  link.append(el("span", "pz-item-state", stateText(item) + extra));
  link.dataset.meeting = String(item.meeting);
  return link;
}

function overview(focus = false) {
  state.current = null;
  state.model = null;
  if (!state.items.length) {
    show("overview", el("p", "pz-no-forms", t("part.no_forms")));
    return;
  }
  const list = el("div", "pz-items");
  const heading = el("h2", "pz-items-heading", t("part.forms"));
  heading.tabIndex = -1; // focused after "Terug": a keyboard or screen reader user lands on the list
  list.append(heading);
  for (const item of state.items) list.append(itemButton(item));
  show("overview", list);
  if (focus) heading.focus();
}

// Below a sent form: what is still open for this phone (forms not sent yet, shared cases),
// so that "Verstuurd" is never a dead end.
function showStillOpen(scroll = false) {
  const section = body.querySelector(".pz-still-open");
  if (!section || !state.model) return;
  const status = state.model.get("status");
  section.replaceChildren();
  section.hidden = status !== "submitted" && status !== "pending";
  if (section.hidden) return;
  const others = state.items.filter((item) => itemKey(item) !== itemKey(state.current) || item.kind !== state.current.kind)
    .filter((item) => item.kind === "case" || !["submitted", "pending"].includes(state.statuses[itemKey(item)]));
  const heading = el("h2", "pz-still-open-heading", t(others.length ? "part.still_open" : "part.all_done"));
  heading.id = "pz-still-open-heading";
  section.append(heading);
  others.forEach((item) => section.append(itemButton(item)));
  if (scroll) section.scrollIntoView({ block: "nearest" });
}

function backButton() {
  return button("pz-back", `← ${t("part.back")}`, () => overview(true));
}

// ------------------------------------------------------------------ one form

// What form.js expects of an anywidget model: get/set, change events, messages both ways.
function fakeModel(data, onSend) {
  const handlers = {};
  const fire = (event, arg) => (handlers[event] || []).slice().forEach((h) => h(arg));
  return {
    get: (key) => data[key],
    set(key, value) { data[key] = value; fire(`change:${key}`); },
    save_changes() {},
    on(event, handler) { (handlers[event] = handlers[event] || []).push(handler); },
    off(event, handler) { handlers[event] = (handlers[event] || []).filter((h) => h !== handler); },
    send(content) { onSend(content); },
    reply(content) { fire("msg:custom", content); },
  };
}

const FORM_TEXTS = ["submit", "resubmit", "submitted", "closed", "invalid", "sending", "saving", "unsaved", "offline",
                    "tree_restart", "quiz_answer", "quiz_right", "quiz_wrong", "pending", "required_note", "required"];

// Ask the server for what a list item opens; null when the phone moved on or it failed.
async function fetchItem(item, path, param) {
  state.current = item;
  state.view = "opening"; // a list refresh now must not pull the phone back
  const reply = await api("GET", `${path}?${query({ code: state.code, meeting: item.meeting, [param]: item.id })}`);
  if (state.current !== item) return null; // the phone moved on meanwhile
  if (!reply.ok) { say(reply.data.error || t("room.error.server")); overview(); return null; }
  say("");
  return reply;
}

async function openForm(item) {
  const reply = await fetchItem(item, "form", "form");
  if (!reply) return;
  const where = { code: state.code, meeting: item.meeting, form: item.id };
  const key = itemKey(item);
  const anonymous = Boolean(reply.data.anonymous);
  const storageKey = `pz-draft-${state.code}-${item.meeting}-${item.id}`;
  let values = reply.data.values || {};
  let status = reply.data.status === "new" ? "draft" : reply.data.status;
  if (anonymous && status !== "closed") [values, status] = anonymousStart(item, storageKey, values, status);
  let drafts = Promise.resolve(); // one draft request at a time, in order
  const model = fakeModel({
    form: reply.data.form,
    values,
    errors: {},
    status,
    saved_message: "",
    storage_key: storageKey,
    texts: Object.fromEntries(FORM_TEXTS.map((name) => [name, t(`form.${name}`)])),
  }, (content) => {
    if (content.type === "draft" && anonymous) {
      keepOnPhone(model, content);
    } else if (content.type === "draft") {
      drafts = drafts.then(() => sendDraft(model, where, key, content));
    } else if (content.type === "submit" && anonymous) {
      drafts = drafts.then(() => sendAnonymous(model, item, key, content));
    } else if (content.type === "submit") {
      drafts = drafts.then(() => sendSubmit(model, where, key, content));
    }
  });
  state.model = model;
  state.current.anonymous = anonymous; // the server's word (the list may be older)
  const holder = el("div", "pz-form");
  const rest = el("section", "pz-still-open");
  rest.setAttribute("aria-labelledby", "pz-still-open-heading");
  rest.hidden = true;
  show("form", backButton(), holder, rest);
  state.cleanup = formView.render({ model, el: holder });
  if (anonymous) {
    // Said above the first question, where it is read before anything is answered.
    const note = el("p", "pz-anonymous-note", t("part.anonymous_note"));
    holder.querySelector(".pz-form-items").before(note);
  }
  model.on("change:status", () => showStillOpen());
  showStillOpen();
  focusTitle(holder.querySelector(".pz-form-title"));
}

// A keyboard or screen reader user starts at the top of what was opened.
function focusTitle(title) {
  if (!title) return;
  title.tabIndex = -1;
  title.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

async function sendDraft(model, where, key, content) {
  const reply = await api("POST", "draft", { ...where, values: content.values });
  if (reply.ok) {
    model.set("saved_message", reply.data.message);
    if (["invalid", "submitted", "error"].includes(model.get("status"))) model.set("status", "draft");
    state.statuses[key] = "draft";
    model.reply({ type: "saved", seq: content.seq, ok: true, message: reply.data.message });
  } else {
    if (reply.status === 409) model.set("status", "closed");
    // Otherwise the server's own sentence: a refused text says which character cannot be kept.
    const text = reply.status === 0 ? t("form.offline") : reply.status === 409 ? t("form.closed")
      : reply.data.error || t("form.unsaved");
    model.reply({ type: "saved", seq: content.seq, ok: false, message: text });
  }
}

async function sendSubmit(model, where, key, content) {
  const reply = await api("POST", "submit", { ...where, values: content.values });
  let status;
  if (reply.ok) {
    status = reply.data.status;
    model.set("errors", reply.data.errors || {});
    if (status === "submitted") state.statuses[key] = "submitted";
  } else if (reply.status === 409) {
    status = "closed";
  } else {
    status = "error"; // busy or offline: form.js keeps the answers and sends again
  }
  model.set("status", status);
  model.reply({ type: "handled", status, message: reply.ok ? undefined : reply.data.error });
  if (status === "submitted") showStillOpen(true);
}

// ------------------------------------------------------------------ anonymous forms
// An anonymous answer is not stored when it arrives: the server holds it in memory and
// stores it together with others (so its moment on disk says nothing about this phone). The
// phone keeps it ("pending", with the server's receipt) until the server says it is stored,
// and sends it again after every reconnection: a restarted server loses nothing. Drafts of
// an anonymous form never leave the phone.

const pendingKey = (meeting, id) => `pz-anon-${state.code}-${meeting}-${id}`;

function readPending(item) {
  try { return JSON.parse(store.get(pendingKey(item.meeting, item.id)) || "null"); } catch (e) { return null; }
}

const sameValues = (a, b) => JSON.stringify(a, Object.keys(a || {}).sort()) === JSON.stringify(b, Object.keys(b || {}).sort());

// What an anonymous form opens with: the answer waiting to be stored, else what was typed on
// this phone and not sent, else what the server stored.
function anonymousStart(item, storageKey, values, status) {
  const pending = readPending(item);
  if (pending) return [pending.values, "pending"];
  let local = null;
  try { local = JSON.parse(store.get(storageKey) || "null"); } catch (e) { /* unreadable: ignore */ }
  if (local && local.values && !sameValues(local.values, values)) return [local.values, "draft"];
  return [values, status];
}

function keepOnPhone(model, content) {
  const message = t("form.kept_on_phone");
  model.set("saved_message", message);
  // An edit after sending is not sent yet: a draft, as on a named form (what was sent still waits).
  if (["invalid", "error", "submitted", "pending"].includes(model.get("status"))) model.set("status", "draft");
  model.reply({ type: "saved", seq: content.seq, ok: true, message });
}

// Send one anonymous answer; the server's word on it (status) or null when it failed.
async function postAnonymous(meeting, id, values, receipt) {
  const reply = await api("POST", "anonymous", { code: state.code, meeting, form: id, values, receipt: receipt || "" });
  if (reply.ok) return reply.data;
  if (reply.status === 409) return { status: "closed" };
  return reply.status === 404 ? { status: "gone" } : null; // the training or form was removed
}

function notePending(meeting, id, values, receipt) {
  store.set(pendingKey(meeting, id), JSON.stringify({ meeting, id, values, receipt }));
}

async function sendAnonymous(model, item, key, content) {
  const before = readPending(item);
  const receipt = before && sameValues(before.values, content.values) ? before.receipt : "";
  const result = await postAnonymous(item.meeting, item.id, content.values, receipt);
  let status = result ? result.status : "error";
  if (status === "pending") notePending(item.meeting, item.id, content.values, result.receipt);
  if (status === "submitted") store.remove(pendingKey(item.meeting, item.id));
  if (status === "pending" || status === "submitted") state.statuses[key] = status;
  if (status === "invalid") model.set("errors", result.errors || {});
  if (status === "gone") { say(t("part.form_unknown")); status = "closed"; }
  if (status === "closed" && before) status = "pending"; // the earlier answer still waits
  model.set("status", status);
  model.reply({ type: "handled", status });
  if (status === "submitted" || status === "pending") showStillOpen(true);
}

// Send every answer this phone still holds again: stored meanwhile ("submitted": forget it),
// still waiting, or held again by a server that restarted.
let resending = false;
async function resendPending() {
  if (resending || !state.code) return;
  resending = true;
  try {
    for (const name of store.keys(`pz-anon-${state.code}-`)) {
      let kept = null;
      try { kept = JSON.parse(store.get(name) || "null"); } catch (e) { /* unreadable */ }
      if (!kept || !kept.values) { store.remove(name); continue; }
      const result = await postAnonymous(kept.meeting, kept.id, kept.values, kept.receipt);
      if (!result) continue; // offline or busy: next time
      // Sent again meanwhile with other answers (a correction): that one is kept, and its
      // next resend puts it back in place of this one wherever this one arrived later.
      let now = null;
      try { now = JSON.parse(store.get(name) || "null"); } catch (e) { /* unreadable */ }
      if (!now || !sameValues(now.values, kept.values)) continue;
      const key = `${kept.meeting}/${kept.id}`;
      if (result.status === "pending") notePending(kept.meeting, kept.id, kept.values, result.receipt);
      else store.remove(name); // stored, or never storable (closed without a valid receipt, invalid)
      if (result.status === "submitted") state.statuses[key] = "submitted";
      const shown = state.current && state.model && itemKey(state.current) === key;
      if (shown && result.status === "submitted" && state.model.get("status") === "pending") {
        state.model.set("status", "submitted");
      }
      if (state.view === "overview") overview();
    }
  } finally {
    resending = false;
  }
}

const hasPending = () => state.code && store.keys(`pz-anon-${state.code}-`).length > 0;
setInterval(() => { if (hasPending()) resendPending(); }, 30000);

// A quiz answer the trainer revealed: fetch the form again (the spec now carries the answer)
// and redraw it; what the phone filled in stays as it is.
async function refreshReveals(current, items) {
  const fresh = items.find((item) => item.kind === "form" && itemKey(item) === itemKey(current));
  const before = (current.revealed || []).join(" ");
  if (!fresh || (fresh.revealed || []).join(" ") === before) return;
  current.revealed = fresh.revealed;
  const reply = await api("GET", `form?${query({ code: state.code, meeting: current.meeting, form: current.id })}`);
  if (reply.ok && state.current === current && state.model) state.model.set("form", reply.data.form);
}

// ------------------------------------------------------------------ a shared case

async function openCase(item) {
  const reply = await fetchItem(item, "case", "case");
  if (!reply) return;
  const data = reply.data;
  const article = el("article", "pz-case pz-case-participant");
  article.append(el("h2", "pz-case-title", data.title));
  if (data.fictional) article.append(el("p", "pz-note", t("case.fictional")));
  article.append(el("h3", "", t("case.participant")));
  const briefing = el("ul");
  data.briefing.forEach((line) => briefing.append(el("li", "", line)));
  article.append(briefing, el("h3", "", t("case.steps")));
  const steps = el("ol");
  data.steps.forEach((step) => {
    const li = el("li");
    li.append(el("b", "", step.title), document.createTextNode(`: ${step.guidance}`));
    steps.append(li);
  });
  article.append(steps);
  show("case", backButton(), article);
  focusTitle(article.querySelector(".pz-case-title"));
}

// ------------------------------------------------------------------ leaving the page
// A phone locked or a tab closed right after typing: the draft that form.js would send a
// moment later never leaves. When the page is hidden (the last moment a phone reliably gives
// a page) the shown form's unsent draft goes as a beacon, which the browser delivers even
// after the page is gone. A beacon carries no headers of ours: the XSRF token and the
// device secret go in its form-encoded body, the values as JSON. Anonymous drafts stay here.

function flushDraft() {
  const item = state.current;
  if (state.view !== "form" || !item || item.kind !== "form" || item.anonymous || !state.model) return;
  if (!navigator.sendBeacon) return;
  const local = localDraft(item);
  if (!local || !local.dirty) return; // nothing typed since the last stored draft
  const payload = { code: state.code, meeting: item.meeting, form: item.id, values: local.values };
  const data = new URLSearchParams({ _xsrf: xsrf(), device: DEVICE, body: JSON.stringify(payload) });
  if (navigator.sendBeacon(`${API}draft`, data)) state.statuses[itemKey(item)] = "draft";
}

document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") flushDraft(); });
window.addEventListener("pagehide", flushDraft);

// ------------------------------------------------------------------ start

const fromUrl = new URLSearchParams(location.search).get("code");
const remembered = store.get("pz-code");
if (fromUrl) join(fromUrl);
else if (remembered) join(remembered);
else askCode();
