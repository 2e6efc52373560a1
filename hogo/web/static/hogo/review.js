"use strict";
// The masking review: drag on a frame to add a box the detector missed (processing/processing.html).
(function () {
  const field = document.getElementById("added"), list = document.getElementById("added-list");
  const added = JSON.parse(field.value || "[]");
  function show() { field.value = JSON.stringify(added);
    list.textContent = added.map(a => `${a.frame}: [${a.box.join(", ")}]`).join(" / "); }
  document.querySelectorAll("#strip img").forEach(img => {
    let start = null;
    img.addEventListener("mousedown", e => { e.preventDefault(); start = [e.offsetX, e.offsetY]; });
    img.addEventListener("mouseup", e => {
      if (!start) return;
      const scale = Number(img.dataset.width) / img.clientWidth;
      const xs = [start[0], e.offsetX].map(v => Math.round(v * scale)).sort((a, b) => a - b);
      const ys = [start[1], e.offsetY].map(v => Math.round(v * scale)).sort((a, b) => a - b);
      start = null;
      if (xs[1] - xs[0] < 4 || ys[1] - ys[0] < 4) return;
      added.push({frame: Number(img.dataset.frame), box: [xs[0], ys[0], xs[1], ys[1]]}); show();
    });
  });
  show();
})();
