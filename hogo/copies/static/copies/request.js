// The copy request form offers only the cameras the chosen vehicle's recorders have: the
// server renders those any vehicle has (or the chosen one's); this hides the others.
"use strict";
(() => {
  const form = document.querySelector("form[data-copy-request]");
  const data = document.getElementById("vehicle-cameras");
  if (!form || !data) return;
  const cameras = JSON.parse(data.textContent);
  const vehicle = form.querySelector("select[name=vehicle]");
  const show = () => {
    const has = cameras[vehicle.value];
    form.querySelectorAll("label[data-camera]").forEach(label => {
      const offered = !has || has.includes(label.dataset.camera);
      label.hidden = !offered;
      label.style.display = offered ? "" : "none";
      const box = label.querySelector("input");
      if (!offered && box) box.checked = false;
    });
  };
  vehicle.addEventListener("change", show);
  show();
})();
