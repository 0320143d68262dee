// The colour theme: the system's (`prefers-color-scheme`) until the toggle picks light or dark, which is
// kept in localStorage. A classic script in <head>, so that the page is painted in its theme from the
// start; it tells the page of every change with a `themechange` event (the chart redraws its colours).
(() => {
  const KEY = "oasis-stream-theme";
  const root = document.documentElement;
  const system = matchMedia("(prefers-color-scheme: light)");
  const stored = () => {
    const t = localStorage.getItem(KEY);
    return t === "light" || t === "dark" ? t : null;
  };
  const current = () => stored() ?? (system.matches ? "light" : "dark");

  function apply() {
    const chosen = stored();
    if (chosen) root.dataset.theme = chosen;
    else delete root.dataset.theme;
    const button = document.getElementById("theme-toggle");
    button?.setAttribute("aria-pressed", String(current() === "light"));
    dispatchEvent(new CustomEvent("themechange", { detail: current() }));
  }

  apply();
  system.addEventListener("change", apply);
  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("theme-toggle");
    button?.addEventListener("click", () => {
      localStorage.setItem(KEY, current() === "light" ? "dark" : "light");
      apply();
    });
    apply();
  });
})();
