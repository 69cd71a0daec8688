// The window's Content-Security-Policy is the UI's own, declared once in server-core (the browser mode serves it too).
export { contentSecurityPolicy } from '@gantry/server-core';
