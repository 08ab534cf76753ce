// Starts Swagger UI on /api/v1/docs/ (a static file: the Content-Security-Policy forbids inline scripts).
// "Try it out" runs as the logged-in user: the session cookie plus the CSRF token for writes.
(function () {
  "use strict";
  function start() {
    var node = document.getElementById("swagger-ui");
    var csrf = node.getAttribute("data-csrf-token");
    window.ui = SwaggerUIBundle({
      url: node.getAttribute("data-schema-url"),
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: false,
      requestInterceptor: function (request) {
        if (!/^(GET|HEAD|OPTIONS)$/i.test(request.method || "GET")) {
          request.headers["X-CSRFToken"] = csrf;
        }
        return request;
      },
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
