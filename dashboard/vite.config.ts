import react from "@vitejs/plugin-react";
import { defineConfig, type ProxyOptions } from "vite";

const API = process.env.PERCEPTRON_API_URL ?? "http://127.0.0.1:8000";

// `npm run dev` serves the app on :5173 and passes /api and /auth to the API. The API only
// accepts writes whose Origin is its own (api/csrf.py), so the proxy names the API's origin;
// the CSRF token is still required, and only this app's pages can read it.
const toApi: ProxyOptions = {
  target: API,
  configure: (proxy) => {
    proxy.on("proxyReq", (request) => {
      if (request.getHeader("origin")) request.setHeader("origin", new URL(API).origin);
    });
  },
};

// Built to static files the API serves at /dashboard/ (api/routes/pages.py).
export default defineConfig({
  base: "/dashboard/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
  },
  server: {
    proxy: { "/api": toApi, "/auth": toApi },
  },
});
