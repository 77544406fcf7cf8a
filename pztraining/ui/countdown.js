// A countdown computed in the browser from a deadline: it never drifts and never waits
// for the kernel. The kernel only sends the deadline (ms since epoch, UTC). A device whose
// clock is off would show the wrong time, so the page measures the difference with the
// kernel's clock the way NTP does: a few pings, and the one with the shortest round trip
// gives the offset (its error is at most half that round trip).

function format(seconds) {
  const s = Math.abs(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  const body = (h > 0 ? `${h}:` : "") + `${mm}:${String(r).padStart(2, "0")}`;
  return seconds < 0 ? `+${body}` : body;
}

// One AudioContext per page, unlocked by the first touch or click (browsers refuse sound
// before a user gesture).
let audio = null;
function unlockAudio() {
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    if (audio.state === "suspended") audio.resume();
  } catch (e) { audio = null; }
}
document.addEventListener("pointerdown", unlockAudio, { capture: true });

function beep() {
  if (!audio) return;
  const t0 = audio.currentTime;
  [0, 0.28].forEach((offset, i) => {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = i === 0 ? 880 : 660;
    gain.gain.setValueAtTime(0.0001, t0 + offset);
    gain.gain.exponentialRampToValueAtTime(0.4, t0 + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + offset + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start(t0 + offset);
    osc.stop(t0 + offset + 0.26);
  });
}

const MUTE_KEY = "pz-countdown-muted";

function render({ model, el }) {
  el.classList.add("pz-countdown-root");
  const digits = document.createElement("div");
  digits.className = "pz-countdown-digits";
  const caption = document.createElement("div");
  caption.className = "pz-countdown-caption";
  const over = document.createElement("ul");
  over.className = "pz-countdown-over";
  const mute = document.createElement("button");
  mute.className = "pz-mute";
  mute.type = "button";
  const muted = () => localStorage.getItem(MUTE_KEY) === "1";
  const showMute = () => {
    mute.textContent = muted() ? model.get("unmute_label") : model.get("mute_label");
    mute.setAttribute("aria-pressed", muted() ? "true" : "false");
  };
  mute.addEventListener("click", () => {
    localStorage.setItem(MUTE_KEY, muted() ? "0" : "1");
    showMute();
  });
  el.append(digits, caption, over);
  if (model.get("sound")) { el.append(mute); showMute(); }
  let lastState = null;
  let lastDeadline = null;

  let offset = 0; // kernel clock minus browser clock, in ms
  let bestRoundTrip = Infinity;
  const onPong = (message) => {
    if (!message || message.type !== "pong") return;
    const now = Date.now();
    const roundTrip = now - message.t0;
    if (roundTrip >= 0 && roundTrip <= bestRoundTrip) {
      bestRoundTrip = roundTrip;
      offset = message.server - (message.t0 + now) / 2;
      tick();
    }
  };
  model.on("msg:custom", onPong);
  const ping = () => model.send({ type: "ping", t0: Date.now() });
  const pings = [0, 700, 1500, 3000].map((delay) => setTimeout(ping, delay));
  // Clocks drift and kernels get busy: measure again now and then, keeping the best.
  const repings = setInterval(() => { bestRoundTrip = bestRoundTrip * 1.5 + 50; ping(); }, 60000);

  const tick = () => {
    const deadline = model.get("deadline_ms");
    const paused = model.get("paused_remaining_ms");
    let state = "idle";
    let seconds = 0;
    if (paused !== null && paused !== undefined) {
      seconds = Math.ceil(paused / 1000);
      state = "paused";
    } else if (deadline) {
      const left = deadline - (Date.now() + offset);
      // Count down with ceil (shows 0:01 until the very end), overtime with floor.
      seconds = left >= 0 ? Math.ceil(left / 1000) : -Math.floor(-left / 1000);
      state = seconds <= 0 && left < 0 ? "over" : seconds <= model.get("warn_seconds") ? "warn" : "ok";
    }
    const text = deadline || state === "paused" ? format(seconds) : "–:––";
    if (digits.textContent !== text) digits.textContent = text;
    el.dataset.seconds = String(seconds);
    el.dataset.state = state;
    const label = state === "over" ? model.get("over_label") : model.get("label");
    if (caption.textContent !== label) caption.textContent = label;
    // The reflection questions appear the moment time is up, without a kernel round trip.
    const lines = state === "over" ? model.get("over_lines") : [];
    if (over.dataset.count !== String(lines.length)) {
      over.replaceChildren(...lines.map((line) => {
        const li = document.createElement("li");
        li.textContent = line; // text, never HTML
        return li;
      }));
      over.dataset.count = String(lines.length);
    }
    // Sound once when a running countdown crosses zero (not when a page opens late).
    if (state === "over" && lastState && lastState !== "over" && lastState !== "idle"
        && lastDeadline === deadline && model.get("sound") && !muted()) beep();
    lastState = state;
    lastDeadline = deadline;
  };

  tick();
  // A timer (not requestAnimationFrame) so the display keeps going in a background tab.
  const timer = setInterval(tick, 200);
  const onChange = () => tick();
  model.on("change:deadline_ms", onChange);
  model.on("change:paused_remaining_ms", tick);
  model.on("change:label", tick);
  model.on("change:over_lines", tick);
  return () => {
    clearInterval(timer);
    clearInterval(repings);
    pings.forEach(clearTimeout);
    model.off("msg:custom", onPong);
    model.off("change:deadline_ms", onChange);
    model.off("change:paused_remaining_ms", tick);
    model.off("change:label", tick);
    model.off("change:over_lines", tick);
  };
}

export default { render };
