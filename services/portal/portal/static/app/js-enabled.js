// Loaded first in <body> (a file, not inline script: the Content-Security-Policy allows no inline script).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
