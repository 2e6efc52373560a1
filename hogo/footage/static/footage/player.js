"use strict";
// Side-by-side players (copies/watch.html): playing, pausing and seeking one moves the other,
// so a reviewer compares the original copy and the masked copy at the same moment.
(function () {
  const players = [...document.querySelectorAll("video.synced")];
  if (players.length < 2) return;
  let echoing = false;
  function mirror(source, action) {
    if (echoing) return;
    echoing = true;
    players.filter(p => p !== source).forEach(action);
    echoing = false;
  }
  players.forEach(player => {
    player.addEventListener("play", () => mirror(player, p => { p.play().catch(() => {}); }));
    player.addEventListener("pause", () => mirror(player, p => p.pause()));
    player.addEventListener("seeked", () => mirror(player, p => {
      if (Math.abs(p.currentTime - player.currentTime) > 0.05) p.currentTime = player.currentTime;
    }));
  });
})();
