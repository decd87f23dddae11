// Neuron progression: one column per swept dimension, one row per step, drawn here and redrawn
// as the student ticks dimensions or changes the range, the steps or the base code.

function sweepView(root, header, arrays, { decoder, setStateValue }) {
  const { d, lut } = header;
  if (!root.querySelector(".ll-controls")) {
    html(root, `<div class="ll-controls">
      <fieldset class="ll-dims"><legend>Dimensions to sweep</legend>${Array.from({ length: d }, (_, j) =>
        `<label><input type="checkbox" value="${j}"> z${j}</label>`).join("")}</fieldset>
      ${number("Range from", header.low, -6, 6, 0.5, "ll-low")}
      ${number("to", header.high, -6, 6, 0.5, "ll-high")}
      <label class="ll-field ll-steps"><span>Steps: <output>${header.steps}</output></span>
        <input type="range" min="2" max="21" step="1" value="${header.steps}"></label>
      ${select("Base code", baseOptions(header), header.base_choice, "ll-base")}
    </div>
    <p class="ll-advice" role="alert" hidden></p>
    <figure class="ll-labelled"><span></span><div class="ll-columns"></div><div class="ll-rows"></div>
      <canvas class="ll-sweep" data-testid="ll-sweep" role="img"
        aria-label="The sweep, decoded: one column per dimension, one row per step"></canvas>
      <figcaption class="ll-caption" aria-live="polite"></figcaption></figure>`);
  }
  const $ = (s) => root.querySelector(s), canvas = $(".ll-sweep");
  if (root.dataset.version !== String(header.version)) {
    root.dataset.version = String(header.version);
    root.base = header.base;
    root.querySelectorAll(".ll-dims input").forEach((box) => { box.checked = header.dims.includes(+box.value); });
  }
  const settings = () => ({
    dims: [...root.querySelectorAll(".ll-dims input:checked")].map((box) => +box.value),
    low: +$(".ll-low input").value, high: +$(".ll-high input").value, steps: +$(".ll-steps input").value,
    base: root.base, base_choice: $(".ll-base select").value });
  const redraw = () => {
    const s = settings(), advice = $(".ll-advice");
    const wrong = !s.dims.length ? "Choose at least one dimension to sweep."
      : !(s.high > s.low) ? "Choose a range whose second end is larger than the first." : "";
    advice.hidden = !wrong;
    advice.textContent = wrong;
    if (wrong) return false;
    $(".ll-steps output").textContent = s.steps;
    const codes = [];
    for (let i = 0; i < s.steps; i++) {
      const value = s.low + (i * (s.high - s.low)) / (s.steps - 1);
      for (const j of s.dims) { const z = [...s.base]; z[j] = value; codes.push(z); }
    }
    const gridKey = JSON.stringify([decoder.name, header.cmap, s.dims, s.low, s.high, s.steps, s.base]);
    if (root.gridKey !== gridKey) drawGrid(canvas, decoder, codes, s.dims.length, lut);  // once for "input" and "change"
    root.gridKey = gridKey;
    $(".ll-columns").innerHTML = s.dims.map((j) => `<span>z${j}</span>`).join("");
    $(".ll-rows").innerHTML = Array.from({ length: s.steps }, (_, i) =>
      `<span>${(s.low + (i * (s.high - s.low)) / (s.steps - 1)).toFixed(1)}</span>`).join("");
    root.querySelector(".ll-labelled").style.maxWidth = `${3.5 + s.dims.length * 5}rem`;
    $(".ll-caption").textContent = `One column per dimension (${s.dims.map((j) => `z${j}`).join(", ")}), ` +
      `one row per step from ${s.low} (top) to ${s.high} (bottom); ${header.caption}`;
    return true;
  };
  const changed = () => { if (redraw()) sendLater(root, setStateValue, settings); };
  root.querySelectorAll(".ll-dims input, .ll-low input, .ll-high input").forEach((input) => { input.onchange = changed; });
  $(".ll-steps input").oninput = redraw;
  $(".ll-steps input").onchange = changed;
  $(".ll-base select").onchange = (event) => { root.base = baseCode(event.target.value, header, arrays); changed(); };
  const key = [decoder.name, header.cmap, JSON.stringify(settings())].join("|");
  if (root.dataset.drawn !== key) { redraw(); root.dataset.drawn = key; }
}
