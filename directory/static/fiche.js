// The referral sheet's print button: shown only when scripts run. Without them, a sentence
// says how to print from the browser, next to the PDF link.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
document.querySelectorAll("[data-without-script]").forEach((hint) => {
  hint.hidden = true;
});
