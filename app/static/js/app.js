// Marks that scripts run, so that buttons needed only without JavaScript can hide (no inline script: CSP).
document.documentElement.classList.add("js");
