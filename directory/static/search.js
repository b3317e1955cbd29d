// Search page, progressive enhancement: a click on a facet value ticks (or unticks) its box
// and sends the whole form, so that what was typed but not yet sent (text, age, address)
// goes along. Without JavaScript the link itself applies the value, as before.
(function () {
  "use strict";

  var form = document.getElementById("recherche");
  if (!form) {
    return;
  }

  function plainClick(event) {
    return event.button === 0 && !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey);
  }

  // The input a facet link stands for: the one its label is for.
  function inputOf(link) {
    var label = link.closest("label[for]");
    var input = label && document.getElementById(label.htmlFor);
    return input && input.form === form ? input : null;
  }

  // A chosen radio value is removed by choosing its group's empty value ("Indifférent").
  function toggle(input) {
    if (input.type !== "radio") {
      input.checked = !input.checked;
    } else if (input.checked && input.value !== "") {
      var anyValue = form.querySelector('input[type="radio"][name="' + input.name + '"][value=""]');
      if (anyValue) {
        anyValue.checked = true;
      }
    } else {
      input.checked = true;
    }
  }

  // Blank fields stay out of the URL (the server ignores them): a shorter link to share. They
  // are disabled while the form data are read, and enabled again right after.
  form.addEventListener("submit", function () {
    var blank = Array.prototype.filter.call(form.elements, function (field) {
      return field.name && !field.disabled && field.value.trim() === "";
    });
    blank.forEach(function (field) {
      field.disabled = true;
    });
    setTimeout(function () {
      blank.forEach(function (field) {
        field.disabled = false;
      });
    }, 0);
  });

  form.addEventListener("click", function (event) {
    var link = event.target.closest("a.facet-link");
    var input = link && plainClick(event) ? inputOf(link) : null;
    if (!input) {
      return;
    }
    event.preventDefault();
    toggle(input);
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });
})();
