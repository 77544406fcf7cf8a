// A random secret that identifies this browser (this phone) to the participant app, kept in
// localStorage so a participant gives their name only once. Only a hash of it is stored.
const KEY = "pz-device";

function secret() {
  let value = localStorage.getItem(KEY);
  if (!value) {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    value = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    localStorage.setItem(KEY, value);
  }
  return value;
}

function render({ model, el }) {
  el.style.display = "none";
  model.set("token", secret());
  model.save_changes();
}

export default { render };
