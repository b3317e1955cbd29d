// Print buttons (the referral sheet's, a service page's): shown only when scripts run.
// Without them, a sentence says how to print from the browser.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
document.querySelectorAll("[data-without-script]").forEach((hint) => {
  hint.hidden = true;
});
