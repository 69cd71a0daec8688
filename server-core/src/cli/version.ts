// The version `gantry --version` prints and the startup line shows.
export const VERSION = '0.1.0';
