// The entry point: read the packet, make sure the model parts the view needs are here (asking
// the server for the ones this browser lacks), then run the lesson's view.

const VIEWS = { sliders: slidersView, manifold: manifoldView, sweep: sweepView, walk: walkView,
                embedding: embeddingView, draw: drawView, arith: arithView };

const ASK_AGAIN_MS = 6000;  // a packet with the parts can take seconds on a busy server

/** Whether `promise` settles within `ms` milliseconds. */
function within(promise, ms) {
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  return Promise.race([promise.then(() => true), late]).finally(() => clearTimeout(timer));
}

async function render(component, token) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  // Before anything is awaited: the parts this packet brings, so the page's other views wait
  // for them instead of asking the server again.
  const kept = expect(readHeader(data).header.parts.map((meta) => meta.name));
  let header, arrays;
  try {
    ({ header, arrays } = await readPacket(data));
    if (!arrays) {  // an older browser without DecompressionStream: the server sends them plain
      setTriggerValue("plain", true);
      return;
    }
    for (const meta of header.parts) {
      const own = Object.fromEntries(Object.entries(arrays).filter(([n]) => n.startsWith(meta.name + ":")));
      await keep(meta.name, meta, own);
    }
  } finally {
    kept();
  }
  const found = {}, missing = [];
  for (const [role, name] of Object.entries(header.needs)) {
    found[role] = await find(name);
    if (!found[role]) missing.push(name);
  }
  if (parentElement.renderToken !== token) return;  // a newer render started while we waited
  let root = parentElement.querySelector(".ll-root");
  const shape = `${header.view}:${header.d}:${header.limit ?? header.method ?? ""}`;
  if (!root || root.dataset.shape !== shape) {
    root?.remove();
    root = document.createElement("div");
    root.className = "ll-root";
    root.dataset.shape = shape;
    parentElement.appendChild(root);
  }
  if (missing.length) {
    root.dataset.loading = "true";
    if (!root.querySelector(".ll-loading")) {
      root.insertAdjacentHTML("afterbegin", `<p class="ll-loading" role="status">Loading the
        model into your browser (once per model: it keeps it for your next visit)…</p>`);
    }
    // The parts may come in this view's next packet or in another view's (Streamlit does not
    // render a view again whose packet has not changed): wait for them either way. Ask again
    // if they have not come: the packet that brought them can be replaced before this browser
    // draws it, when another run follows at once (a class's follower, an instructor's counts).
    const arrived = Promise.all(missing.map(arrival));
    for (;;) {
      setTriggerValue("missing", { names: missing, at: Date.now() });  // a new value each time
      if (await within(arrived, ASK_AGAIN_MS)) break;
      if (parentElement.renderToken !== token) return;
    }
    if (parentElement.renderToken !== token) return;
    for (const [role, name] of Object.entries(header.needs)) found[role] = await find(name);
  }
  root.querySelector(".ll-loading")?.remove();
  delete root.dataset.loading;
  VIEWS[header.view](root, header, arrays, { ...found, setStateValue, setTriggerValue });
}

export default function (component) {
  const token = {};
  component.parentElement.renderToken = token;
  render(component, token).catch((error) => {
    // The server then draws this session's views itself (core.app.live.show's fallback).
    component.parentElement.textContent = "Your browser could not run this part of the lesson: " +
      "the server draws it instead.";
    console.error(error);
    component.setTriggerValue("failed", String(error?.name || "Error"));
  });
}
