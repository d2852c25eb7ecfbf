// Intake: ↓ in the procedure box moves into the list of matching procedures (no Tab needed), with
// the first match chosen, so that typing "khai sinh", ↓, Enter picks "Đăng ký khai sinh".
// A file of our own under 'self' (the Content-Security-Policy allows no inline script).
document.addEventListener("keydown", function (event) {
  if (event.key !== "ArrowDown" || !event.target || event.target.id !== "procedure_filter") {
    return;
  }
  var list = document.getElementById("offering_id");
  if (!list || list.options.length < 2) {
    return;
  }
  event.preventDefault();
  list.focus();
  if (list.selectedIndex < 1) {
    list.selectedIndex = 1;
    list.dispatchEvent(new Event("change", { bubbles: true }));
  }
});
