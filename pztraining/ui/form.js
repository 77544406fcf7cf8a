// A questionnaire rendered in the browser. Every edit is kept in localStorage at once and
// sent to the kernel shortly after as a message the kernel acknowledges once it is in the
// database. Until then the edit stays marked unsaved here: a locked phone, a closed tab, a
// dropped Wi-Fi, a busy database or a culled kernel loses nothing, and sending is retried
// with growing pauses while the page says "niet opgeslagen". Reopening restores the newest.
// Text is always set with textContent/value, never as HTML.

const SYNC_DELAY_MS = 400;
const ACK_TIMEOUT_MS = 6000;
const RETRY_MS = [1000, 2000, 4000, 8000, 15000, 30000];

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

let lastId = 0; // ids that tie a text field to its question (unique on the page)
const newId = (what) => `pz-${what}-${++lastId}`;

function render({ model, el: root }) {
  root.classList.add("pz-form-root");
  const key = () => model.get("storage_key");
  const texts = () => model.get("texts");
  let values = {};
  let syncTimer = null;
  let sending = false; // browser-only: never synced, cleared by the kernel's reply
  let seq = 0; // number of the newest draft sent
  let acked = 0; // newest draft the kernel confirmed as stored
  let carried = 0; // newest draft whose values a submit carried: never sent again after it
  let failures = 0;
  let ackTimer = null;
  let submitRetry = null;

  // ---------------------------------------------------------------- local draft
  const readLocal = () => {
    try { return JSON.parse(localStorage.getItem(key()) || "null"); } catch (e) { return null; }
  };
  const writeLocal = (dirty) => {
    try {
      localStorage.setItem(key(), JSON.stringify({ values, dirty, at: Date.now() }));
    } catch (e) { /* storage full or blocked: the kernel copy still counts */ }
  };
  const retryLater = () => {
    const pause = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)];
    failures += 1;
    if (syncTimer) clearTimeout(syncTimer);
    syncTimer = setTimeout(pushToKernel, pause);
  };
  const pushToKernel = () => {
    syncTimer = null;
    seq += 1;
    model.send({ type: "draft", seq, values: { ...values } });
    if (ackTimer) clearTimeout(ackTimer);
    ackTimer = setTimeout(() => { // no answer: connection or kernel gone for now
      ackTimer = null;
      if (acked < seq && seq > carried) { showUnsaved(texts().offline); retryLater(); }
    }, ACK_TIMEOUT_MS);
  };
  const edited = () => {
    writeLocal(true);
    status.textContent = texts().saving;
    failures = 0;
    if (syncTimer) clearTimeout(syncTimer);
    syncTimer = setTimeout(pushToKernel, SYNC_DELAY_MS);
  };

  // ---------------------------------------------------------------- layout
  const title = el("h2", "pz-form-title");
  const intro = el("p", "pz-form-intro");
  const requiredNote = el("p", "pz-required-note"); // "* = verplicht", once, above the questions
  requiredNote.setAttribute("aria-hidden", "true"); // each question says "verplicht" itself
  const list = el("div", "pz-form-items");
  const status = el("div", "pz-form-status");
  status.setAttribute("role", "status");
  const submit = el("button", "pz-form-submit");
  submit.type = "button";
  root.append(title, intro, requiredNote, list, submit, status);

  const inputs = {}; // item id → function(value) that shows a value

  function buildItem(item) {
    const box = el("fieldset", `pz-item pz-item-${item.type}`);
    box.dataset.item = item.id;
    const legend = el("legend", "pz-item-text", item.required ? `${item.text}\u00a0` : item.text);
    if (item.required) {
      // The mark is glued to the last word (a no-break space), so it never sits alone on a
      // line; a screen reader says "verplicht" instead of "asterisk".
      const mark = el("span", "pz-required");
      const star = el("span", "pz-required-star", "*");
      star.setAttribute("aria-hidden", "true");
      mark.append(star, el("span", "pz-visually-hidden", texts().required || ""));
      legend.append(mark);
    }
    box.append(legend);
    legend.id = newId("question");
    const help = item.help ? el("div", "pz-item-help", item.help) : null;
    if (help) { help.id = newId("help"); box.append(help); }
    const error = el("div", "pz-item-error");
    error.setAttribute("aria-live", "polite");
    let show;
    if (item.type === "tree") {
      show = buildTree(item, box, (path) => { values[item.id] = path; edited(); }, texts().tree_restart);
    } else if (item.type === "short_text" || item.type === "long_text") {
      const input = item.type === "short_text" ? el("input", "pz-input") : el("textarea", "pz-input");
      if (item.type === "short_text") input.type = "text";
      else input.rows = 4;
      const counter = el("div", "pz-item-counter");
      input.dir = "auto"; // right-to-left text shows the right way round
      // A text field's name is its question (a legend names the group, not the field in it).
      input.setAttribute("aria-labelledby", legend.id);
      if (help) input.setAttribute("aria-describedby", help.id);
      // Count characters as the kernel does (code points: an emoji is one, not two).
      const count = () => {
        const used = [...input.value].length;
        counter.textContent = item.limit ? `${used} / ${item.limit}` : "";
        counter.classList.toggle("pz-too-long", !!item.limit && used > item.limit);
      };
      input.addEventListener("input", () => {
        values[item.id] = input.value; // as typed; the kernel checks the length
        count();
        edited();
      });
      show = (v) => {
        input.value = typeof v === "string" ? v : "";
        count();
      };
      box.append(input, counter);
    } else if (item.type === "multiple") {
      const boxes = item.options.map((option) => {
        const label = el("label", "pz-choice");
        const input = el("input");
        input.type = "checkbox";
        input.value = option;
        input.addEventListener("change", () => {
          values[item.id] = boxes.filter((b) => b.checked).map((b) => b.value);
          edited();
        });
        label.append(input, el("span", "", option));
        box.append(label);
        return input;
      });
      show = (v) => boxes.forEach((b) => { b.checked = Array.isArray(v) && v.includes(b.value); });
    } else {
      // agreement (1–5, labelled), scale10 (0–10) and single choice: radio buttons.
      const scale = item.type === "scale10"
        ? Array.from({ length: 11 }, (_, i) => [i, String(i)])
        : item.type === "agreement"
          ? item.options.map((label, i) => [i + 1, label])
          : item.options.map((label) => [label, label]);
      const row = el("div", item.type === "scale10" ? "pz-scale pz-scale10" : "pz-scale");
      const name = `${model.get("storage_key")}-${item.id}`;
      const radios = scale.map(([value, label]) => {
        const choice = el("label", "pz-choice");
        const input = el("input");
        input.type = "radio";
        input.name = name;
        input.value = String(value);
        input.addEventListener("change", () => {
          values[item.id] = typeof value === "number" ? value : label;
          edited();
        });
        choice.append(input, el("span", "", label));
        row.append(choice);
        return [input, value];
      });
      box.append(row);
      if (item.type === "scale10" && (item.low_label || item.high_label)) {
        const ends = el("div", "pz-scale-ends");
        ends.append(el("span", "", `0 = ${item.low_label}`), el("span", "", `10 = ${item.high_label}`));
        box.append(ends);
      }
      show = (v) => radios.forEach(([input, value]) => { input.checked = v === value; });
      if (item.type === "quiz") show = withQuizReveal(item, box, show, texts());
    }
    box.append(error);
    inputs[item.id] = { show, error, box };
    return box;
  }

  function build() {
    const form = model.get("form");
    root.classList.toggle("pz-large-targets", !!form.large_targets); // big buttons (public meetings)
    title.textContent = form.title || "";
    intro.textContent = form.intro || "";
    const anyRequired = (form.items || []).some((item) => item.required);
    requiredNote.textContent = anyRequired ? texts().required_note || "" : "";
    requiredNote.hidden = !anyRequired || !texts().required_note;
    list.replaceChildren(...(form.items || []).map(buildItem));
  }

  function showValues() {
    Object.entries(inputs).forEach(([id, input]) => input.show(values[id]));
  }

  function showErrors() {
    const errors = model.get("errors") || {};
    let first = null;
    Object.entries(inputs).forEach(([id, input]) => {
      input.error.textContent = errors[id] || "";
      input.box.classList.toggle("pz-has-error", !!errors[id]);
      if (errors[id] && !first) first = input.box;
    });
    if (first && model.get("status") === "invalid") first.scrollIntoView({ block: "center" });
  }

  function showStatus() {
    const state = sending ? "sending" : model.get("status");
    const t = texts();
    // "pending": an anonymous answer received by the server, waiting to be stored with others.
    submit.textContent = state === "submitted" || state === "pending" ? t.resubmit : t.submit;
    submit.disabled = state === "closed" || state === "sending";
    root.dataset.status = state;
    const messages = { submitted: t.submitted, closed: t.closed, invalid: t.invalid, sending: t.sending,
                       error: t.unsaved, draft: model.get("saved_message"), pending: t.pending };
    status.textContent = messages[state] || "";
    list.querySelectorAll("input, textarea").forEach((input) => {
      input.disabled = state === "closed" || input.dataset.locked === "yes";
    });
  }

  function showUnsaved(message) {
    root.dataset.saved = "no";
    status.textContent = message;
  }

  const sendSubmit = () => {
    if (syncTimer) { clearTimeout(syncTimer); syncTimer = null; }
    // The submit carries every value: a slow or failed draft must not be sent after it (it
    // would turn the sent form back into a draft).
    if (ackTimer) { clearTimeout(ackTimer); ackTimer = null; }
    carried = seq;
    if (submitRetry) { clearTimeout(submitRetry); submitRetry = null; }
    sending = true;
    showStatus();
    // One message carries the values: the kernel validates and stores them (idempotently).
    model.send({ type: "submit", values: { ...values } });
    submitRetry = setTimeout(() => { // no answer: keep the answers here and try again
      submitRetry = null;
      sending = false;
      showUnsaved(texts().offline);
      submit.disabled = false;
      failures += 1;
      submitRetry = setTimeout(sendSubmit, RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]);
    }, ACK_TIMEOUT_MS);
  };
  submit.addEventListener("click", () => { failures = 0; sendSubmit(); });

  // ---------------------------------------------------------------- start
  build();
  values = { ...(model.get("values") || {}) };
  const local = readLocal();
  if (local && local.dirty && local.values) {
    // Edits that never reached the database (offline, tab closed): they win, and go up now.
    values = { ...local.values };
    pushToKernel();
  }
  showValues();
  showErrors();
  showStatus();

  const onReply = (message) => {
    if (!message) return;
    if (message.type === "saved") {
      if (message.ok) {
        acked = Math.max(acked, message.seq);
        failures = 0;
        root.dataset.saved = "yes";
        if (acked >= seq && !syncTimer) writeLocal(false); // everything typed is stored
        showStatus();
      } else if (message.seq > carried) {
        showUnsaved(message.message || texts().unsaved);
        retryLater();
      }
    } else if (message.type === "handled") {
      if (submitRetry) { clearTimeout(submitRetry); submitRetry = null; }
      sending = false;
      showStatus();
      if (message.status === "submitted" || message.status === "pending") {
        writeLocal(false); failures = 0; root.dataset.saved = "yes";
      }
      if (message.status === "error") {
        showUnsaved(message.message || texts().unsaved);
        failures += 1;
        submitRetry = setTimeout(sendSubmit, RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]);
      }
    }
  };
  model.on("msg:custom", onReply);
  model.on("change:saved_message", showStatus);
  model.on("change:errors", showErrors);
  model.on("change:status", showStatus);
  model.on("change:form", () => { build(); showValues(); showErrors(); showStatus(); });
  return () => {
    model.off("msg:custom", onReply);
    [ackTimer, submitRetry].forEach((timer) => timer && clearTimeout(timer));
    if (syncTimer) { clearTimeout(syncTimer); pushToKernel(); }
  };
}

// ---------------------------------------------------------------- zorgkaart: quiz and tree
// Kept apart from render() so that other item types merge easily.

// A quiz item shows its right answer and explanation only once the spec carries them (the
// server leaves them out until the trainer reveals them). Returns the item's show().
function withQuizReveal(item, box, show, words) {
  if (!item.correct) return show;
  const reveal = el("div", "pz-quiz-reveal");
  reveal.setAttribute("role", "status");
  const verdict = el("div", "pz-quiz-verdict");
  reveal.append(el("div", "pz-quiz-label", words.quiz_answer || ""), el("div", "pz-quiz-correct", item.correct), verdict);
  if (item.explanation) reveal.append(el("p", "pz-quiz-explanation", item.explanation));
  box.append(reveal);
  box.classList.add("pz-quiz-revealed");
  box.querySelectorAll("input").forEach((input) => {
    input.closest("label").classList.toggle("pz-quiz-right-option", input.value === item.correct);
    input.disabled = true; // the choice made before the reveal is the one that counts
    input.dataset.locked = "yes";
  });
  return (v) => {
    show(v);
    const chosen = typeof v === "string" && v !== "";
    reveal.dataset.verdict = !chosen ? "none" : v === item.correct ? "right" : "wrong";
    verdict.textContent = { right: `✓ ${words.quiz_right || ""}`, wrong: `✗ ${words.quiz_wrong || ""}` }[reveal.dataset.verdict] || "";
  };
}

// A decision tree walked one question at a time. Its value is the path: node ids from the
// start to where the participant is. Earlier steps stay visible; tapping one goes back there.
function buildTree(item, box, onChange, restartText) {
  const tree = item.tree;
  const holder = el("div", "pz-tree");
  holder.dataset.tree = tree.id;
  box.append(holder);
  let path = [tree.start];
  // Redrawing removes the button just pressed: the keyboard focus goes on to the new step
  // (its first choice, or the advice) instead of falling back to the top of the page.
  const focusCurrent = () => {
    const current = holder.querySelector(".pz-tree-current");
    const target = current && (current.querySelector(".pz-tree-choice") || current.querySelector(".pz-tree-advice"));
    if (!target) return;
    if (!target.matches("button")) target.tabIndex = -1;
    target.focus();
  };
  const choose = (next) => { path = [...path, next]; draw(); onChange([...path]); focusCurrent(); };
  const back = (index) => { path = path.slice(0, index + 1); draw(); onChange([...path]); focusCurrent(); };
  function draw() {
    holder.replaceChildren();
    holder.dataset.path = path.join(" ");
    path.forEach((id, index) => {
      const node = tree.nodes[id];
      if (!node) return;
      const last = index === path.length - 1;
      const step = el("div", `pz-tree-step${last ? " pz-tree-current" : ""}`);
      step.dataset.node = id;
      if (node.question) step.append(el("div", "pz-tree-question", node.question));
      if (node.help && last) step.append(el("div", "pz-item-help", node.help));
      if (!last) {
        const taken = node.choices.find((c) => c.next === path[index + 1]);
        const again = el("button", "pz-tree-answered", taken ? taken.label : "");
        again.type = "button";
        again.addEventListener("click", () => back(index));
        step.append(again);
      } else if (node.choices.length) {
        node.choices.forEach((choice) => {
          const option = el("button", "pz-tree-choice", choice.label);
          option.type = "button";
          option.dataset.next = choice.next;
          option.addEventListener("click", () => choose(choice.next));
          step.append(option);
        });
      } else {
        step.classList.add("pz-tree-end");
        step.append(el("div", "pz-tree-advice", node.advice));
        if (path.length > 1) {
          const restart = el("button", "pz-tree-restart", `↺ ${restartText || ""}`);
          restart.type = "button";
          restart.addEventListener("click", () => back(0));
          step.append(restart);
        }
      }
      holder.append(step);
    });
  }
  draw();
  return (v) => {
    path = Array.isArray(v) && v.length && v[0] === tree.start && v.every((id) => id in tree.nodes) ? [...v] : [tree.start];
    draw();
  };
}

export default { render };
