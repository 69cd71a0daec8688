// Translates `npm start -- …` arguments meant for the desktop app into `gantry ui` arguments for the browser
// fallback: --gantry-home DIR becomes --home DIR; --minimised has no meaning without a window and is dropped.

/** @param {readonly string[]} argv @returns {string[]} */
export function browserArgs(argv) {
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--gantry-home' && i + 1 < argv.length) out.push('--home', argv[++i]);
    else if (a.startsWith('--gantry-home=')) out.push('--home', a.slice('--gantry-home='.length));
    else if (a === '--minimised' || a === '--minimized' || a === '--hidden') continue;
    else out.push(a);
  }
  return out;
}
