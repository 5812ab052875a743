/* The case form: add and remove rows of subjects, assets, holdings and relations without a
 * round trip, and show the fields that fit a subject's kind or an asset's type. Without this
 * script the same buttons post the whole form and the server does it.
 * The answer form of the case page: show the fields that fit the type of the new asset found by
 * the country (without this script all of them show, and the server checks them). */
(function () {
  "use strict";

  var form = document.getElementById("case-form");
  if (!form) {
    return;
  }

  function firstField(row) {
    return row.querySelector("input:not([type=hidden]), select, textarea");
  }

  function showFields(row) {
    var kind = row.querySelector("select[data-toggle=kind]");
    if (kind) {
      row.querySelectorAll(".kind-fields").forEach(function (group) {
        var filled = Array.prototype.some.call(group.querySelectorAll("input, textarea"), function (f) {
          return f.value !== "";
        });
        group.hidden = group.getAttribute("data-kind") !== kind.value && !filled;
      });
    }
    var type = row.querySelector("select[data-toggle=asset-type]");
    if (type) {
      row.querySelectorAll(".type-field").forEach(function (wrap) {
        var types = (wrap.getAttribute("data-types") || "").split(" ");
        var input = wrap.querySelector("input");
        wrap.hidden = types.indexOf(type.value) < 0 && !(input && input.value !== "");
      });
    }
  }

  function addRow(group) {
    var list = document.getElementById(group + "-rows");
    var template = document.getElementById("tpl-" + group);
    var index = Number(list.getAttribute("data-next-index") || "0");
    list.setAttribute("data-next-index", String(index + 1));
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__i__/g, String(index));
    var row = holder.firstElementChild;
    list.appendChild(row);
    showFields(row);
    var field = firstField(row);
    if (field) {
      field.focus();
    }
  }

  function removeRow(button) {
    var row = button.closest("fieldset.row");
    if (!row) {
      return;
    }
    var section = row.closest(".rows-section");
    row.remove();
    var add = section && section.querySelector("button[data-add-row]");
    if (add) {
      add.focus();
    }
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-add-row], button[data-remove-row]");
    if (!button) {
      return;
    }
    event.preventDefault();
    if (button.hasAttribute("data-add-row")) {
      addRow(button.getAttribute("data-add-row"));
    } else {
      removeRow(button);
    }
  });

  form.addEventListener("change", function (event) {
    if (event.target.matches("select[data-toggle]")) {
      showFields(event.target.closest("fieldset.row"));
    }
  });

  form.querySelectorAll("fieldset.row").forEach(showFields);
}());

(function () {
  "use strict";

  var form = document.getElementById("outcome-form");
  var type = form && form.querySelector("select[data-toggle=asset-type]");
  if (!type) {
    return;
  }

  function showFields() {
    form.querySelectorAll(".type-field").forEach(function (wrap) {
      var types = (wrap.getAttribute("data-types") || "").split(" ");
      var input = wrap.querySelector("input");
      var keep = (input && input.value !== "") || wrap.querySelector(".has-error");
      wrap.hidden = type.value !== "" && types.indexOf(type.value) < 0 && !keep;
    });
  }

  type.addEventListener("change", showFields);
  showFields();
}());
