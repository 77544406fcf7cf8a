// A button that sends, with each press, the version of the state the page was showing.
// A double click sends two presses with the same version (the kernel's answer to the first
// has not arrived yet), so the store can tell it from two deliberate presses.

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
  const press = () => {
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
