import process from 'node:process';

// Vite's defaults (port 5173, on localhost), with its dependency cache outside the repository.
export default {
  cacheDir: process.env.VITE_CACHE_DIR,
  clearScreen: false,
  logLevel: 'info',
};
