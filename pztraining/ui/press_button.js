// A button that sends, with each press, the version of the state the page was showing.
// The second click of a double click (the browser counts it: event.detail 2, within the
// system's double-click time) is no press at all: the kernel may well have answered the
// first by then (a quiet laptop answers in tens of milliseconds, a hand double-clicks in
// a hundred or more), and its press would carry the new version and move on again. Two
// presses on the same screen that still arrive together (a click on a stale page, two
// tabs) carry the same version, so the store acts on the first only.

function render({ model, el }) {
  const button = document.createElement("button");
  // As wide as its text (ipywidgets' default is a fixed 148 px that cuts labels off),
  // at least as wide and as high as the layout the kernel gave the widget.
  Object.assign(button.style, { width: "auto", minWidth: "100%", height: "100%", minHeight: "var(--jp-widgets-inline-height, 28px)" });
  const paint = () => {
    const style = model.get("button_style");
    button.className = `jupyter-button widget-button pz-${model.get("name")}` + (style ? ` mod-${style}` : "");
    button.disabled = model.get("disabled");
    button.textContent = "";
    const icon = model.get("icon");
    if (icon) {
      const i = document.createElement("i");
      i.className = `fa fa-${icon}`;
      button.append(i, " ");
    }
    button.append(model.get("description"));
  };
  const press = (event) => {
    if (event.detail > 1) return; // the 2nd (3rd, ...) click of one double click; keys give 0
    if (!button.disabled) model.send({ type: "press", version: model.get("version") });
  };
  button.addEventListener("click", press);
  const keys = ["name", "description", "button_style", "icon", "disabled"];
  for (const key of keys) model.on(`change:${key}`, paint);
  paint();
  el.appendChild(button);
  return () => {
    for (const key of keys) model.off(`change:${key}`, paint);
    button.removeEventListener("click", press);
  };
}

export default { render };
