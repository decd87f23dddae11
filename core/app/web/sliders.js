// Latent sliders: one slider per latent dimension, the digit decoded here at every step of a
// drag (`nn.js`); the code goes back to the server when a slider is released.

function build(root, d, limit) {
  root.innerHTML = `
    <div class="ll-grid">
      <div class="ll-sliders"></div>
      <figure class="ll-picture">
        <canvas width="28" height="28" data-testid="ll-digit" role="img"
          aria-label="The digit decoded from the sliders' code"></canvas>
        <figcaption class="ll-caption"></figcaption>
        <figcaption class="ll-reading" aria-live="polite"></figcaption>
        <figcaption class="ll-title">The current code z: one bar per dimension, ±${limit} at
          the top and bottom edges</figcaption>
        <div class="ll-bars" role="img" aria-label="bar chart of the code z"></div>
        <figcaption class="ll-norm"></figcaption>
      </figure>
    </div>`;
  const column = root.querySelector(".ll-sliders"), bars = root.querySelector(".ll-bars");
  const perColumn = Math.ceil(d / 2);  // z0..z4 down the first column, z5..z9 the next
  for (let c = 0; c < 2; c++) column.appendChild(document.createElement("div"));
  for (let j = 0; j < d; j++) {
    const row = document.createElement("label");
    row.className = "ll-slider";
    row.innerHTML = `<span class="ll-name">z${j}</span><output>0.0</output>
      <input type="range" min="${-limit}" max="${limit}" step="0.1" value="0" aria-label="z${j}">`;
    column.children[Math.floor(j / perColumn)].appendChild(row);
    const bar = document.createElement("div");
    bar.className = "ll-bar";
    const tick = d <= 10 || j % 5 === 0 ? `z${j}` : "";  // twenty labels would overlap
    bar.innerHTML = `<span class="ll-fill"></span><span class="ll-tick">${tick}</span>`;
    bars.appendChild(bar);
  }
}

function slidersView(root, header, arrays, { decoder, classifier, setStateValue }) {
  const { d, limit, version, z, lut, cmap, caption } = header, key = decoder.name;
  if (!root.querySelector(".ll-grid")) build(root, d, limit);
  const inputs = [...root.querySelectorAll("input")], outputs = [...root.querySelectorAll("output")];
  const fills = [...root.querySelectorAll(".ll-fill")];
  const canvas = root.querySelector("canvas"), context = canvas.getContext("2d");
  const pixels = context.createImageData(28, 28);
  root.querySelector(".ll-caption").textContent = caption;

  const draw = () => {
    const code = inputs.map((input) => Number(input.value));
    const x = decode(decoder, code);
    for (let i = 0; i < 784; i++) {
      const c = Math.round(Math.min(1, Math.max(0, x[i])) * 255) * 3;
      pixels.data.set([lut[c], lut[c + 1], lut[c + 2], 255], 4 * i);
    }
    context.putImageData(pixels, 0, 0);
    sayReading(root, root.querySelector(".ll-reading"), classifier, x, "Digit redrawn: ");
    code.forEach((v, j) => {
      outputs[j].textContent = v.toFixed(1);
      const share = (50 * Math.abs(v)) / limit;  // half the bar's height is ±limit
      fills[j].style.cssText = `height:${share}%;${v >= 0 ? `bottom:50%` : `top:50%`};` +
        `background:${v >= 0 ? "#4c78a8" : "#f58518"}`;
    });
    const norm = Math.hypot(...code);
    root.querySelector(".ll-norm").textContent =
      `‖z‖ = ${norm.toFixed(2)}; a draw from N(0, I) has ‖z‖ ≈ √${d} = ${Math.sqrt(d).toFixed(2)}.`;
    canvas.dataset.draws = String(Number(canvas.dataset.draws || 0) + 1);
    root.dataset.drawn = [key, cmap, ...code].join(",");
  };
  // The server moves the sliders only when it sends a new version (a button, a prototype, a
  // code from another lesson); otherwise a rerun must not undo what the student dragged.
  if (root.dataset.version !== String(version) || root.dataset.model !== key) {
    inputs.forEach((input, j) => { input.value = z[j]; });
    root.dataset.version = String(version);
    root.dataset.model = key;
  }
  inputs.forEach((input) => {
    input.oninput = draw;  // every step of a drag, decoded here
    input.onchange = () => setStateValue("z", inputs.map((i) => Number(i.value)));  // on release
  });
  // The rerun that follows a release finds the digit drawn already: do not decode it again.
  if (root.dataset.drawn !== [key, cmap, ...inputs.map((input) => Number(input.value))].join(",")) {
    draw();
  }
}
