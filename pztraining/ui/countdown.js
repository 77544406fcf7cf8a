// A countdown computed in the browser from a deadline: it never drifts and never waits
// for the kernel. The kernel only sends the deadline (ms since epoch, UTC) and, with it,
// its own clock reading, so a browser whose clock is off still shows the right time.

function format(seconds) {
  const s = Math.abs(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  const body = (h > 0 ? `${h}:` : "") + `${mm}:${String(r).padStart(2, "0")}`;
  return seconds < 0 ? `+${body}` : body;
}

function render({ model, el }) {
  el.classList.add("pz-countdown-root");
  const digits = document.createElement("div");
  digits.className = "pz-countdown-digits";
  const caption = document.createElement("div");
  caption.className = "pz-countdown-caption";
  el.append(digits, caption);

  let offset = 0; // kernel clock minus browser clock, in ms
  const syncClock = () => {
    const serverNow = model.get("server_now_ms");
    if (serverNow) offset = serverNow - Date.now();
  };
  syncClock();

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
  };

  tick();
  // A timer (not requestAnimationFrame) so the display keeps going in a background tab.
  const timer = setInterval(tick, 200);
  const onChange = () => { syncClock(); tick(); };
  model.on("change:deadline_ms", onChange);
  model.on("change:server_now_ms", onChange);
  model.on("change:paused_remaining_ms", tick);
  model.on("change:label", tick);
  return () => {
    clearInterval(timer);
    model.off("change:deadline_ms", onChange);
    model.off("change:server_now_ms", onChange);
    model.off("change:paused_remaining_ms", tick);
    model.off("change:label", tick);
  };
}

export default { render };
